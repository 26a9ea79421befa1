// Seeded random convergence: random creates, edits and deletes across the five
// products, then reconcile; every linked record must agree with its person and
// a second reconcile must plan nothing. A failing seed is printed for replay.
#include <doctest/doctest.h>

#include <random>

#include "mapping/normalize.hpp"
#include "tests/engine/world.hpp"

using namespace zohosync;
using namespace zohosync::testing;

namespace {

const char* kFirst[] = {"Ann", "Bob", "Cy", "Dee", "Ed", "Flo", "Mary Ann", ""};
const char* kLast[] = {"Lee", "Stone", "van Dyke", "Ng", "de la Cruz", "Ash"};
const char* kTitles[] = {"CTO", "Chef", "Sales", ""};
const char* kPhones[] = {"555 0100", "+1 (555) 010-0101", "555.010.0102", ""};

class Chaos {
 public:
  explicit Chaos(unsigned seed) : rng_(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  template <typename T, std::size_t N>
  const char* any(T (&arr)[N]) {
    return arr[pick(N)];
  }
  std::string email() {
    // A small pool so that products overlap; now and then a case variant.
    std::string e = "p" + std::to_string(pick(12)) + "@example.com";
    if (pick(4) == 0)
      e[0] = 'P';
    return e;
  }

  void create(World& w) {
    const std::string& collection = kAll[pick(kAll.size())];
    std::map<std::string, std::string> extra;
    if (collection == kCrm) {
      extra["Title"] = any(kTitles);
      extra["Phone"] = any(kPhones);
    } else if (collection == kInvPersons) {
      extra["designation"] = any(kTitles);
      extra["mobile"] = any(kPhones);
    }
    w.add(collection, pick(15) == 0 ? "" : email(), any(kFirst), any(kLast), extra);
  }

  void edit(World& w) {
    const std::string& collection = kAll[pick(kAll.size())];
    auto& product = w.product(collection);
    if (product.records().empty())
      return;
    auto it = product.records().begin();
    std::advance(it, static_cast<long>(pick(product.records().size())));
    const std::string id = it->first;
    const auto* spec = mapping::find_collection(collection);
    std::vector<std::string> names;
    for (const auto& nf : spec->fields)
      names.emplace_back(nf.name);
    if (!spec->full_name_field.empty())
      names.emplace_back(spec->full_name_field);
    const std::string field = names[pick(names.size())];
    std::string value;
    if (field == spec->email_field()) {
      if (collection == kContracts)
        return;  // the key: changed by re-creating, not editing
      value = email();
    } else if (field == spec->full_name_field) {
      value = std::string(any(kFirst)) + " " + any(kLast);
    } else if (field == "Phone" || field == "phone" || field == "Mobile" || field == "mobile") {
      value = any(kPhones);
    } else if (field == "Title" || field == "designation") {
      value = any(kTitles);
    } else if (field == "first_name" || field == "First_Name") {
      value = any(kFirst);
    } else {
      value = any(kLast);
    }
  }

  void erase(World& w) {
    const std::string& collection = kAll[pick(kAll.size())];
    auto& product = w.product(collection);
    if (product.records().empty())
      return;
    auto it = product.records().begin();
    std::advance(it, static_cast<long>(pick(product.records().size())));
  }

 private:
  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("seeded random edits converge, and a second reconcile plans nothing") {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    auto settings = default_settings();
    settings.flip_limit = 0;  // random edits flip fields on purpose
    settings.on_delete = seed % 3 == 0   ? mapping::OnDelete::propagate
                         : seed % 3 == 1 ? mapping::OnDelete::unlink
                                         : mapping::OnDelete::ignore;
    World w(settings);
    Chaos chaos(seed);
    for (int round = 0; round < 6; ++round) {
      CAPTURE(round);
      const std::size_t ops = 3 + chaos.pick(10);
      for (std::size_t i = 0; i < ops; ++i) {
        const std::size_t what = chaos.pick(10);
        if (round == 0 || what < 4) {
          chaos.create(w);
        } else if (what < 9) {
          chaos.edit(w);
        } else {
          chaos.erase(w);
        }
      }
      auto report = w.run();
      CHECK_FALSE(report.fatal);
      // Echoes of this cycle's writes settle within one more cycle.
      w.run();
      w.forbid_writes(true);
      auto quiet = w.run();
      CHECK(quiet.planned_writes == 0);
      CHECK(w.total_violations() == 0);
      w.forbid_writes(false);
      w.reset_counters();
      auto problems = disagreements(w);
      CHECK(problems.empty());
      if (!problems.empty() || quiet.planned_writes != 0) {
        // Stop at the first failing round; print what disagrees.
        const std::string first = problems.empty() ? "writes planned" : problems.front();
        MESSAGE(first);
        return;
      }
    }
  }
}
