#pragma once
// What the conformance suite needs from one collection: the connector under
// test, the product behind it as a user in its UI would change it, a parent
// for creates, and what the collection can do, so that one test body serves
// the in-memory connector and every Zoho connector pointed at the sandbox.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connectors/connector.hpp"
#include "tests/connectors/support.hpp"

namespace spdlog {
class logger;
}

namespace zohosync::connectors::conformance {

class SandboxFixture;

// What a collection promises, so the suite knows which assertions apply.
struct Capabilities {
  std::string collection;
  // list(cursor) returns only the changes since the cursor (with overlap);
  // false: every list() is a full listing.
  bool incremental = false;
  // Incremental listings report UI deletes in Listing::deleted.
  bool reports_deleted = false;
  // Incremental listings report UI deletes by omission: the deleted record's
  // parent is in Listing::complete_parents (re-read whole) and it is absent.
  bool deletes_by_parent = false;
  // create() is allowed (Inventory users: invitations only when configured).
  bool can_create = true;
  // The email is the URL key of writes (Contracts): an email change must
  // keep the record's id, and later writes must reach the moved record.
  bool email_in_url = false;
  // Records carry the product's modified time (Inventory users carry none).
  bool has_modified_time = true;
  // Records per list page the connector was configured with; 0: unpaged.
  std::size_t page_size = 0;
  std::string email_field;
  // A plain text field every record carries, edited by the tests.
  std::string name_field;
  // Defects this suite found in a connector, reported and not yet fixed: the
  // suite WARNs on them (visible in every run) instead of failing. Names:
  // "incremental-misses-edit", "create-modified-time".
  std::set<std::string> known_gaps;
};

// Sandbox knobs a test case needs; ignored by the in-memory fixture.
struct Setup {
  int people = 12;
  // Enforce the sandbox's rate limits (its defaults are Zoho's) and configure
  // the ApiClient with the product's default rates; otherwise limits are off.
  bool limits = false;
  // Extra zoho-sandbox arguments.
  std::vector<std::string> args;
  // Where the transport and the connector log; the default logger when null.
  std::shared_ptr<spdlog::logger> logger;
};

class Fixture {
 public:
  virtual ~Fixture() = default;

  virtual const Capabilities& caps() const = 0;
  virtual Connector& connector() = 0;
  virtual boost::asio::io_context& context() = 0;

  // Runs a connector call to completion.
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    return test::run(context(), std::move(task));
  }
  void run(boost::asio::awaitable<void> task) { test::run(context(), std::move(task)); }

  // The parent new records go under ("" where the product has none).
  virtual std::string default_parent() = 0;
  // The native fields of a new person with this email, distinct by `tag`.
  virtual Fields person(const std::string& tag, const std::string& email) = 0;
  // A person the product refuses per record (a value past a field's length).
  virtual Fields refused_person(const std::string& tag, const std::string& email) = 0;

  // ---- the product's UI ----
  // Creates a record; returns its connector id and parent (fields empty).
  virtual Record ui_create(const Fields& fields) = 0;
  virtual void ui_update(const std::string& id, const std::string& field,
                         const std::string& value) = 0;
  virtual void ui_delete(const std::string& id) = 0;
  // Every id a full listing must return.
  virtual std::set<std::string> ui_ids() = 0;

  // The sandbox behind an HTTP connector; nullptr for the in-memory one.
  virtual SandboxFixture* sandbox() { return nullptr; }
};

}  // namespace zohosync::connectors::conformance
