#pragma once
// The fixtures this build has, as doctest type lists for the conformance test
// cases: a product's fixture joins once its connector library exists (CMake
// defines ZOHOSYNC_CONFORMANCE_<PRODUCT> then).

#include <doctest/doctest.h>

#include <tuple>

#include "tests/connectors/conformance/memory_fixture.hpp"
#ifdef ZOHOSYNC_CONFORMANCE_CRM
#include "tests/connectors/conformance/crm_fixture.hpp"
#endif
#ifdef ZOHOSYNC_CONFORMANCE_INVENTORY
#include "tests/connectors/conformance/inventory_fixture.hpp"
#endif
#ifdef ZOHOSYNC_CONFORMANCE_PROJECTS
#include "tests/connectors/conformance/projects_fixture.hpp"
#endif
#ifdef ZOHOSYNC_CONFORMANCE_CONTRACTS
#include "tests/connectors/conformance/contracts_fixture.hpp"
#endif

namespace zohosync::connectors::conformance {

template <class... A, class... B>
std::tuple<A..., B...> concat(std::tuple<A...>, std::tuple<B...>);

using CrmFixtures =
#ifdef ZOHOSYNC_CONFORMANCE_CRM
    std::tuple<CrmContactsFixture>;
#else
    std::tuple<>;
#endif
using InventoryFixtures =
#ifdef ZOHOSYNC_CONFORMANCE_INVENTORY
    std::tuple<InventoryContactPersonsFixture, InventoryUsersFixture>;
#else
    std::tuple<>;
#endif
using ProjectsFixtures =
#ifdef ZOHOSYNC_CONFORMANCE_PROJECTS
    std::tuple<ProjectsContactsFixture>;
#else
    std::tuple<>;
#endif
using ContractsFixtures =
#ifdef ZOHOSYNC_CONFORMANCE_CONTRACTS
    std::tuple<ContractsContactsFixture>;
#else
    std::tuple<>;
#endif

// Every Zoho connector pointed at the sandbox; and those plus the in-memory one.
using SandboxFixtures = decltype(concat(concat(CrmFixtures{}, InventoryFixtures{}),
                                        concat(ProjectsFixtures{}, ContractsFixtures{})));
using AllFixtures = decltype(concat(std::tuple<MemoryFixture>{}, SandboxFixtures{}));

}  // namespace zohosync::connectors::conformance

// The names the test cases are reported under (unqualified).
TYPE_TO_STRING_AS("MemoryFixture", zohosync::connectors::conformance::MemoryFixture);
#ifdef ZOHOSYNC_CONFORMANCE_CRM
TYPE_TO_STRING_AS("CrmContactsFixture", zohosync::connectors::conformance::CrmContactsFixture);
#endif
#ifdef ZOHOSYNC_CONFORMANCE_INVENTORY
TYPE_TO_STRING_AS("InventoryContactPersonsFixture",
                  zohosync::connectors::conformance::InventoryContactPersonsFixture);
TYPE_TO_STRING_AS("InventoryUsersFixture",
                  zohosync::connectors::conformance::InventoryUsersFixture);
#endif
#ifdef ZOHOSYNC_CONFORMANCE_PROJECTS
TYPE_TO_STRING_AS("ProjectsContactsFixture",
                  zohosync::connectors::conformance::ProjectsContactsFixture);
#endif
#ifdef ZOHOSYNC_CONFORMANCE_CONTRACTS
TYPE_TO_STRING_AS("ContractsContactsFixture",
                  zohosync::connectors::conformance::ContractsContactsFixture);
#endif
