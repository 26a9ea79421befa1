#pragma once
// An in-memory product: the Connector interface over a std::map, with the
// behaviour the engine must survive -- modified times, normalization quirks
// (lower-cased emails, reformatted phones), failure injection (the Nth call,
// one operation, one record), an unreachable switch, and "must not be
// called" guards. Tests edit it directly (as a user in the product's UI would)
// and inspect its records and call counters.

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"

namespace zohosync::connectors {

enum class Op : std::uint8_t { list = 0, create, update, remove, find_by_email };
inline constexpr std::size_t kOpCount = 5;
std::string_view to_string(Op op);

struct MemoryOptions {
  std::string collection;
  std::string email_field = "email";
  std::vector<std::string> phone_fields;  // reformatted when reformat_phones
  bool lowercase_emails = false;          // the product stores emails lower-cased
  bool reformat_phones = false;           // the product stores phones as "555 123 4567"
  // Like inventory.contact_persons: an incremental listing re-reads every
  // record of each parent with a change, names those parents in
  // Listing::complete_parents and reports no deleted ids.
  bool deletes_by_parent = false;
  // Like CRM's upsert: create() updates the oldest record with the same
  // email instead of adding a second one (Connector::create_matches_email).
  bool create_matches_email = false;
  std::int64_t clock_start_ms = 1'700'000'000'000;
  std::int64_t clock_step_ms = 1000;  // every change advances the product clock by this
};

class MemoryConnector final : public Connector {
 public:
  explicit MemoryConnector(MemoryOptions options);

  std::string_view collection() const override { return options_.collection; }
  boost::asio::awaitable<Listing> list(std::string since) override;
  boost::asio::awaitable<Record> create(std::string parent_id, Fields fields) override;
  boost::asio::awaitable<Record> update(std::string id, std::string parent_id,
                                        Fields fields) override;
  boost::asio::awaitable<void> remove(std::string id, std::string parent_id) override;
  boost::asio::awaitable<std::optional<Record>> find_by_email(std::string email) override;
  bool create_matches_email() const override { return options_.create_matches_email; }

  // ---- the product's own side (a user editing in its UI) ----
  // Adds a record (id assigned when empty) or replaces one; returns its id.
  std::string put(Record record);
  // Changes one field of a record, as a UI edit would.
  void edit(const std::string& id, const std::string& field, std::string value);
  bool erase(const std::string& id);
  std::optional<Record> get(const std::string& id) const;
  const std::map<std::string, Record>& records() const { return records_; }
  void set_clock(std::int64_t now_ms) { clock_ms_ = now_ms; }
  std::int64_t clock() const { return clock_ms_; }

  // ---- failure injection and guards ----
  // The nth call from now on (1 = the next one), of any operation, throws.
  void fail_nth_call(std::size_t n, ErrorClass error_class);
  // The next `times` calls of `op` throw.
  void fail_op(Op op, ErrorClass error_class, std::size_t times = 1);
  // Writes to this record (by id, or by email on create) are refused, as
  // per-record errors unless another class is given (a transient one: a record
  // the product keeps answering with a 5xx).
  void refuse_record(std::string id_or_email, ErrorClass error_class = ErrorClass::per_record);
  // Listing throws a transient error while unreachable.
  void set_unreachable(bool unreachable) { unreachable_ = unreachable; }
  // "Must not be called": a call of `op` throws (fatal) and counts a violation.
  void forbid(Op op) { forbidden_[static_cast<std::size_t>(op)] = true; }
  void allow(Op op) { forbidden_[static_cast<std::size_t>(op)] = false; }

  std::size_t calls(Op op) const { return calls_[static_cast<std::size_t>(op)]; }
  std::size_t writes() const;  // create + update + remove calls
  std::size_t violations() const { return violations_; }
  void reset_counters();

 private:
  void enter(Op op, const std::string& subject);
  std::int64_t tick();
  // Stores `record` with `fields` written over its own, as a changed record
  // (a new modified time and change sequence); returns what was stored.
  Record overwrite(Record record, Fields fields);
  // The oldest record whose email has the key of `email`, or nullptr.
  const Record* oldest_with_email(std::string_view email) const;
  void store_quirks(Fields& fields) const;
  std::string next_id();

  MemoryOptions options_;
  std::map<std::string, Record> records_;
  std::map<std::string, std::uint64_t> record_seq_;   // id -> last change seq
  std::map<std::string, std::uint64_t> deleted_seq_;  // id -> deletion seq
  std::map<std::string, std::uint64_t> parent_seq_;   // parent id -> last change under it
  std::uint64_t seq_ = 0;
  std::uint64_t next_id_ = 1;
  std::int64_t clock_ms_;
  bool unreachable_ = false;
  std::array<std::size_t, kOpCount> calls_{};
  std::array<bool, kOpCount> forbidden_{};
  std::size_t total_calls_ = 0;
  std::size_t fail_at_call_ = 0;
  ErrorClass fail_at_class_ = ErrorClass::transient;
  std::array<std::size_t, kOpCount> fail_op_times_{};
  std::array<ErrorClass, kOpCount> fail_op_class_{};
  std::map<std::string, ErrorClass> refused_;
  std::size_t violations_ = 0;
};

}  // namespace zohosync::connectors
