// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "connectors/memory/memory_connector.hpp"

#include <algorithm>

#include "common/email_address.hpp"

namespace zohosync::connectors {

namespace {

// The lowercase_emails quirk: what such a product stores (the match key is
// common::normalize_email).
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "5551234567" -> "555 123 4567": the kind of reformatting products do.
std::string reformat_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9')
      digits.push_back(c);
  }
  if (digits.empty())
    return std::string(phone);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i % 3 == 0 && digits.size() - i >= 2)
      out.push_back(' ');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string_view to_string(Op op) {
  switch (op) {
    case Op::list:
      return "list";
    case Op::create:
      return "create";
    case Op::update:
      return "update";
    case Op::remove:
      return "remove";
    case Op::find_by_email:
      return "find_by_email";
  }
  return "list";
}

MemoryConnector::MemoryConnector(MemoryOptions options)
    : options_(std::move(options)), clock_ms_(options_.clock_start_ms) {}

void MemoryConnector::enter(Op op, const std::string& subject) {
  const auto i = static_cast<std::size_t>(op);
  ++calls_[i];
  ++total_calls_;
  if (forbidden_[i]) {
    ++violations_;
    throw ConnectorError(ErrorClass::fatal, options_.collection + ": " +
                                                std::string(to_string(op)) + " must not be called");
  }
  if (fail_at_call_ != 0 && total_calls_ == fail_at_call_) {
    fail_at_call_ = 0;
    throw ConnectorError(fail_at_class_, options_.collection + ": injected failure of call " +
                                             std::to_string(total_calls_));
  }
  if (fail_op_times_[i] > 0) {
    --fail_op_times_[i];
    throw ConnectorError(fail_op_class_[i], options_.collection + ": injected failure of " +
                                                std::string(to_string(op)));
  }
  if (!subject.empty() && op != Op::list && op != Op::find_by_email) {
    if (auto refused = refused_.find(subject); refused != refused_.end()) {
      throw ConnectorError(refused->second,
                           options_.collection + ": record " + subject + " refused",
                           refused->second == ErrorClass::per_record ? "INVALID_DATA" : "");
    }
  }
}

std::int64_t MemoryConnector::tick() {
  clock_ms_ += options_.clock_step_ms;
  return clock_ms_;
}

void MemoryConnector::store_quirks(Fields& fields) const {
  if (options_.lowercase_emails) {
    if (auto it = fields.find(options_.email_field); it != fields.end()) {
      it->second = lower(it->second);
    }
  }
  if (options_.reformat_phones) {
    for (const auto& name : options_.phone_fields) {
      if (auto it = fields.find(name); it != fields.end())
        it->second = reformat_phone(it->second);
    }
  }
}

std::string MemoryConnector::next_id() {
  return options_.collection + "-" + std::to_string(next_id_++);
}

boost::asio::awaitable<Listing> MemoryConnector::list(std::string since) {
  enter(Op::list, {});
  if (unreachable_) {
    throw ConnectorError(ErrorClass::transient, options_.collection + ": unreachable (injected)");
  }
  Listing listing;
  listing.full = since.empty();
  std::uint64_t from = 0;
  if (!since.empty())
    from = std::stoull(since);
  if (!listing.full && options_.deletes_by_parent) {
    // Every record of each parent with a change since the cursor; deletes
    // are left for the engine to infer from the parents named complete.
    std::set<std::string> parents;
    for (const auto& [parent, seq] : parent_seq_) {
      if (seq > from)
        parents.insert(parent);
    }
    for (const auto& [id, record] : records_) {
      if (parents.count(record.parent_id))
        listing.records.push_back(record);
    }
    listing.complete_parents.assign(parents.begin(), parents.end());
    listing.cursor = std::to_string(seq_);
    co_return listing;
  }
  for (const auto& [id, record] : records_) {
    if (record_seq_[id] > from)
      listing.records.push_back(record);
  }
  if (!listing.full) {
    for (const auto& [id, seq] : deleted_seq_) {
      if (seq > from && !records_.count(id))
        listing.deleted.push_back(id);
    }
  }
  listing.cursor = std::to_string(seq_);
  co_return listing;
}

boost::asio::awaitable<Record> MemoryConnector::create(std::string parent_id, Fields fields) {
  std::string email;
  if (auto it = fields.find(options_.email_field); it != fields.end())
    email = it->second;
  enter(Op::create, refused_.count(email) ? email : std::string());
  store_quirks(fields);
  if (options_.create_matches_email) {
    if (const Record* oldest = oldest_with_email(email))
      co_return overwrite(*oldest, std::move(fields));
  }
  Record record;
  record.id = next_id();
  if (records_.count(record.id)) {
    throw ConnectorError(ErrorClass::per_record, options_.collection + ": duplicate " + record.id,
                         "DUPLICATE_DATA");
  }
  record.parent_id = std::move(parent_id);
  record.fields = std::move(fields);
  record.modified_ms = record.created_ms = tick();
  records_[record.id] = record;
  record_seq_[record.id] = ++seq_;
  parent_seq_[record.parent_id] = seq_;
  deleted_seq_.erase(record.id);
  co_return record;
}

boost::asio::awaitable<Record> MemoryConnector::update(std::string id, std::string, Fields fields) {
  enter(Op::update, id);
  auto it = records_.find(id);
  if (it == records_.end()) {
    throw ConnectorError(ErrorClass::per_record, options_.collection + ": no record " + id,
                         "NOT_FOUND");
  }
  store_quirks(fields);
  co_return overwrite(it->second, std::move(fields));
}

Record MemoryConnector::overwrite(Record record, Fields fields) {
  for (auto& [k, v] : fields)
    record.fields[k] = std::move(v);
  record.modified_ms = tick();
  records_[record.id] = record;
  record_seq_[record.id] = ++seq_;
  parent_seq_[record.parent_id] = seq_;
  return record;
}

const Record* MemoryConnector::oldest_with_email(std::string_view email) const {
  const std::string wanted = common::normalize_email(email);
  const Record* best = nullptr;
  for (const auto& [id, record] : records_) {
    auto it = record.fields.find(options_.email_field);
    if (it == record.fields.end() || common::normalize_email(it->second) != wanted)
      continue;
    if (best == nullptr || record.created_ms < best->created_ms)
      best = &record;
  }
  return best;
}

boost::asio::awaitable<void> MemoryConnector::remove(std::string id, std::string) {
  enter(Op::remove, id);
  erase(id);
  co_return;
}

boost::asio::awaitable<std::optional<Record>> MemoryConnector::find_by_email(std::string email) {
  enter(Op::find_by_email, {});
  const Record* oldest = oldest_with_email(email);
  co_return oldest ? std::optional<Record>(*oldest) : std::nullopt;
}

std::string MemoryConnector::put(Record record) {
  if (record.id.empty())
    record.id = next_id();
  record.modified_ms = tick();
  std::string old_parent = record.parent_id;
  if (auto old = records_.find(record.id); old != records_.end()) {
    record.created_ms = old->second.created_ms;
    old_parent = old->second.parent_id;  // a record moved to another parent leaves this one
  } else if (record.created_ms == 0) {
    record.created_ms = record.modified_ms;
  }
  records_[record.id] = record;
  record_seq_[record.id] = ++seq_;
  parent_seq_[record.parent_id] = seq_;
  parent_seq_[old_parent] = seq_;
  deleted_seq_.erase(record.id);
  return record.id;
}

void MemoryConnector::edit(const std::string& id, const std::string& field, std::string value) {
  auto it = records_.find(id);
  if (it == records_.end())
    return;
  it->second.fields[field] = std::move(value);
  it->second.modified_ms = tick();
  record_seq_[id] = ++seq_;
  parent_seq_[it->second.parent_id] = seq_;
}

bool MemoryConnector::erase(const std::string& id_ref) {
  const std::string id = id_ref;  // id_ref may be the key being erased
  auto it = records_.find(id);
  if (it == records_.end())
    return false;
  const std::string parent = it->second.parent_id;
  records_.erase(it);
  record_seq_.erase(id);
  deleted_seq_[id] = ++seq_;
  parent_seq_[parent] = seq_;
  tick();
  return true;
}

std::optional<Record> MemoryConnector::get(const std::string& id) const {
  auto it = records_.find(id);
  if (it == records_.end())
    return std::nullopt;
  return it->second;
}

void MemoryConnector::fail_nth_call(std::size_t n, ErrorClass error_class) {
  fail_at_call_ = total_calls_ + n;
  fail_at_class_ = error_class;
}

void MemoryConnector::fail_op(Op op, ErrorClass error_class, std::size_t times) {
  fail_op_times_[static_cast<std::size_t>(op)] = times;
  fail_op_class_[static_cast<std::size_t>(op)] = error_class;
}

void MemoryConnector::refuse_record(std::string id_or_email, ErrorClass error_class) {
  refused_[std::move(id_or_email)] = error_class;
}

std::size_t MemoryConnector::writes() const {
  return calls(Op::create) + calls(Op::update) + calls(Op::remove);
}

void MemoryConnector::reset_counters() {
  calls_.fill(0);
  violations_ = 0;
}

}  // namespace zohosync::connectors
