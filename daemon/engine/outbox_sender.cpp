// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include "daemon/engine/outbox_sender.hpp"

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <memory>

#include <spdlog/spdlog.h>

#include "daemon/engine/child_tasks.hpp"
#include "daemon/engine/write_budget.hpp"
#include "mapping/actions.hpp"
#include "mapping/confirmed_link.hpp"
#include "mapping/normalize.hpp"
#include "mapping/selection.hpp"
#include "state/journal.hpp"
#include "state/outbox.hpp"
#include "state/outbox_claims.hpp"
#include "state/rows.hpp"
#include "state/store.hpp"
#include "state/tables.hpp"

namespace zohosync::daemon {

using connectors::ConnectorError;
using connectors::ErrorClass;
using mapping::Action;
using mapping::ActionKind;

struct PendingWrite {
  // dropped: not sent and not to be sent (the person was deleted since, or
  // left the sync);
  // held: not sent, its product's budget could not pay for it now;
  // elsewhere: not sent, another running process claimed it;
  // gone: not sent, no longer needed: the entry left the outbox since it was
  // read (recorded by another process, or replaced by a delete), or the
  // person got a record there meanwhile.
  enum class Status { not_sent, done, failed, dropped, held, elsewhere, gone };
  std::string key;
  Action action;
  std::string bytes;  // the outbox entry as read (then as claimed)
  bool claimed = false;
  Status status = Status::not_sent;
  std::optional<connectors::Record> stored;
  std::int64_t written_ms = 0;  // done: when the product confirmed it (the journal's time)
  bool found_existing = false;
  bool lookup_first = true;  // create: look the email up in the target before creating
  // A listing taken after every earlier send of it had ended shows the email
  // absent: even a write taken up before needs no lookup.
  bool spared_by_listing = false;
  ErrorClass error_class = ErrorClass::fatal;
  std::string message;
};

namespace {

// The payload fields a found record does not already hold.
connectors::Fields missing_fields(const mapping::CollectionSpec* spec, const Action& a,
                                  const connectors::Record& found) {
  connectors::Fields out;
  for (const auto& [name, value] : a.payload) {
    auto it = found.fields.find(name);
    const std::string have = it == found.fields.end() ? std::string() : it->second;
    mapping::Field field = mapping::Field::first_name;  // full names compare as text
    if (spec != nullptr) {
      for (const auto& nf : spec->fields) {
        if (nf.name == name)
          field = nf.field;
      }
    }
    if (!mapping::equivalent(field, have, value))
      out[name] = value;
  }
  return out;
}

}  // namespace

connectors::Connector* OutboxSender::connector(std::string_view collection) const {
  return connectors::find_connector(connectors_, collection);
}

boost::asio::awaitable<void> OutboxSender::drain(CycleReport& report, const CycleOptions& options,
                                                 const FreshWrites* fresh) {
  std::vector<state::OutboxEntry> entries;
  {
    auto txn = store_.begin_read();
    entries = state::Outbox::pending(txn, store_);
  }
  // Deletes and updates go before creates, never in one batch with them: a
  // create first looks its email up in the target, and an update or delete
  // of the same cycle may be moving that email off another record there.
  const auto creates_from = std::stable_partition(
      entries.begin(), entries.end(),
      [](const state::OutboxEntry& e) { return e.action.kind != ActionKind::create; });
  const std::size_t first_create = static_cast<std::size_t>(creates_from - entries.begin());
  // Writes to a collection stop for the rest of the cycle once
  // kTransientStreakToBlock batches in a row each had a transient failure
  // there and no success: the product is down, more writes only burn retries.
  // One failure alone does not block, so a single record the product keeps
  // answering with a 5xx stays pending without holding back every write
  // queued behind it.
  constexpr int kTransientStreakToBlock = 3;
  std::map<std::string, int, std::less<>> transient_streak;
  std::set<std::string, std::less<>> blocked;
  if (fresh != nullptr)
    blocked = fresh->unanswered;
  std::size_t sent = 0;
  for (std::size_t start = 0, end = 0; start < entries.size() && !report.fatal && !stop_requested_;
       start = end) {
    end = std::min(entries.size(), start + options.batch);
    if (start < first_create)
      end = std::min(end, first_create);
    std::vector<PendingWrite> writes;
    writes.reserve(end - start);
    for (std::size_t i = start; i < end; ++i) {
      PendingWrite w;
      w.key = std::move(entries[i].key);
      w.action = std::move(entries[i].action);
      w.bytes = std::move(entries[i].bytes);
      writes.push_back(std::move(w));
    }
    for (PendingWrite& w : writes) {
      // A create needs no lookup when the planner just saw every record of
      // the target (a full listing this cycle found no record with the
      // email) and the entry was not left over from an earlier run (which may
      // have sent it before it died), or when the product's create matches
      // by email itself (an upsert).
      w.lookup_first = looks_up(w);
      if (w.lookup_first && fresh != nullptr &&
          fresh->fully_listed.count(w.action.collection) != 0 &&
          fresh->earlier_keys.count(w.key) == 0) {
        w.lookup_first = false;
      }
      if (w.lookup_first && fresh != nullptr) {
        auto listed = fresh->listed_emails.find(w.action.collection);
        if (listed != fresh->listed_emails.end() &&
            listed->second.count(mapping::normalize_email(w.action.person_email)) == 0 &&
            fresh->in_flight_at_listing.count(w.key) == 0) {
          w.lookup_first = false;
          w.spared_by_listing = true;
        }
      }
    }
    hold_for_budget(writes, options);
    spdlog::debug("cycle phase=claim: writes {}..{} of {}", start + 1, end, entries.size());
    claim(writes);
    spdlog::debug("cycle phase=send: writes {}..{} of {}", start + 1, end, entries.size());
    std::exception_ptr crash;
    co_await send_batch(writes, blocked, options, sent, entries.size(), crash);
    std::set<std::string, std::less<>> succeeded;
    std::set<std::string, std::less<>> failed_transiently;
    for (PendingWrite& w : writes) {
      if (w.status == PendingWrite::Status::done)
        succeeded.insert(w.action.collection);
      if (w.status != PendingWrite::Status::failed)
        continue;
      if (w.error_class == ErrorClass::transient)
        failed_transiently.insert(w.action.collection);
      if (w.error_class == ErrorClass::configuration || w.error_class == ErrorClass::fatal)
        report.fatal = true;
    }
    for (const std::string& collection : succeeded)
      transient_streak.erase(collection);
    for (const std::string& collection : failed_transiently) {
      if (succeeded.count(collection) == 0 &&
          ++transient_streak[collection] >= kTransientStreakToBlock)
        blocked.insert(collection);
    }
    if (crash) {
      release_claims(writes);
      std::rethrow_exception(crash);
    }
    record(writes, start + 1, end, report);
    fault(options, FaultPoint::after_confirm);
  }
}

double OutboxSender::request_cost(const PendingWrite& w) const {
  if (w.action.kind != ActionKind::create)
    return 1.0;
  const connectors::Connector* conn = connector(w.action.collection);
  return (w.lookup_first ? 1.0 : 0.0) + (conn != nullptr ? conn->requests_per_create() : 1.0);
}

void OutboxSender::hold_for_budget(std::vector<PendingWrite>& writes,
                                   const CycleOptions& options) const {
  if (options.write_budget == nullptr)
    return;
  // What each collection's budget holds now (nullopt: not held back), read
  // once per batch and spent write by write.
  std::map<std::string, std::optional<double>, std::less<>> left;
  for (PendingWrite& w : writes) {
    auto it = left.find(w.action.collection);
    if (it == left.end())
      it = left.emplace(w.action.collection, options.write_budget->available(w.action.collection))
               .first;
    if (!it->second)
      continue;
    const double cost = request_cost(w);
    // A write that costs more than one request (a lookup, then its share of
    // a batched create) goes once one whole request is there: it overdraws
    // by less than one request, a wait shorter than the budget's spacing.
    if (*it->second < std::min(cost, 1.0)) {
      w.status = PendingWrite::Status::held;
      continue;
    }
    *it->second -= cost;
  }
}

void OutboxSender::erase_if_unchanged(state::WriteTxn& txn, const PendingWrite& w) const {
  if (state::Outbox::get(txn, store_, w.key) == std::optional<std::string_view>(w.bytes))
    state::Outbox::erase(txn, store_, w.key);
}

bool OutboxSender::looks_up(const PendingWrite& w) const {
  const connectors::Connector* conn = connector(w.action.collection);
  // A create that matches by email itself (CRM's upsert) would also take
  // over a record the include rules leave out: with rules, it looks first.
  const mapping::CollectionSettings* cs = settings_.collection(w.action.collection);
  return conn == nullptr || !conn->create_matches_email() || (cs && !cs->include.empty());
}

void OutboxSender::claim(std::vector<PendingWrite>& writes) {
  if (std::none_of(writes.begin(), writes.end(), [](const PendingWrite& w) {
        return w.status == PendingWrite::Status::not_sent;
      }))
    return;  // every one held for its budget: nothing to claim
  auto txn = store_.begin_write();
  for (PendingWrite& w : writes) {
    if (w.status != PendingWrite::Status::not_sent)
      continue;
    std::optional<std::string_view> stored = state::Outbox::get(txn, store_, w.key);
    if (!stored) {
      w.status = PendingWrite::Status::gone;
      continue;
    }
    const std::optional<std::string> claimant = state::claim_owner(txn, store_, w.key);
    if (claimant && state::claimed_by_other(store_, *claimant, owner_)) {
      w.status = PendingWrite::Status::elsewhere;
      continue;
    }
    if (*stored != w.bytes) {  // planned again since it was read: send it as it is now
      w.bytes = std::string(*stored);
      w.action = state::decode_action(w.bytes);
      w.lookup_first = looks_up(w);  // what spared the lookup was judged on the older entry
    }
    // A write taken up before (by a process that ended, or given back
    // unfinished) may have reached the product: a create looks first.
    if (claimant && !w.spared_by_listing)
      w.lookup_first = looks_up(w);
    w.claimed = true;
    state::put_claim(txn, store_, w.key, owner_);
  }
  std::move(txn).commit();
}

void OutboxSender::release_claim(state::WriteTxn& txn, std::string_view key) const {
  if (state::claim_owner(txn, store_, key) == owner_)
    state::erase_claim(txn, store_, key);
}

void OutboxSender::release_claims(const std::vector<PendingWrite>& writes) noexcept {
  // Best effort on a path that is already failing: a claim left behind binds
  // nobody once this process has ended, and this process takes its own up
  // again. Given back, a write may have reached the product: whoever takes it
  // up next looks a create up first.
  try {
    auto txn = store_.begin_write();
    for (const PendingWrite& w : writes) {
      if (w.claimed && state::claim_owner(txn, store_, w.key) == owner_)
        state::put_claim(txn, store_, w.key, state::kClaimGivenBack);
    }
    std::move(txn).commit();
  } catch (const std::exception& e) {
    spdlog::debug("claims of a failed batch not released: {}", e.what());
  }
}

void OutboxSender::record(std::vector<PendingWrite>& writes, std::size_t first, std::size_t last,
                          CycleReport& report) {
  spdlog::debug("cycle phase=journal: recording writes {}..{}", first, last);
  auto txn = store_.begin_write();
  state::Tables tables(txn, store_);
  for (PendingWrite& w : writes) {
    const Action& a = w.action;
    if (w.claimed)
      release_claim(txn, w.key);
    if (w.status == PendingWrite::Status::gone) {
      // No longer needed (send_one found the person linked there, or, for
      // an update, linked there no more): it goes, unless a newer plan
      // replaced it meanwhile.
      if (w.claimed)
        erase_if_unchanged(txn, w);
      continue;
    }
    if (w.status == PendingWrite::Status::elsewhere)
      continue;  // the other process counts and records it
    CollectionCounts& counts = report.collections[a.collection];
    if (w.status == PendingWrite::Status::held) {
      ++report.pending;
      ++report.held_for_budget[a.collection];
      continue;
    }
    if (w.status == PendingWrite::Status::not_sent ||
        (w.status == PendingWrite::Status::failed && w.error_class != ErrorClass::per_record)) {
      ++report.pending;  // stays in the outbox for the next cycle
      if (w.status == PendingWrite::Status::failed) {
        // Tried: it may have reached the product all the same (a timeout).
        state::put_claim(txn, store_, w.key, state::kClaimGivenBack);
        ++counts.failed;
        report.failures.push_back(
            {a.collection, a.record_id, a.person_email, w.error_class, w.message});
      }
      continue;
    }
    // Planned again while it was on the wire (newer values for the same
    // target): that entry stays and is sent in its turn.
    erase_if_unchanged(txn, w);
    if (w.status == PendingWrite::Status::dropped) {
      ++counts.skipped;
      spdlog::info(
          "{}: create for {} dropped: the person was deleted, or left the sync, after "
          "it was planned",
          a.collection, mapping::quoted_email(a.person_email));
      continue;
    }
    if (w.status == PendingWrite::Status::failed) {
      // Refused by the product: dropped from the outbox; the person is
      // planned again when one of its records changes.
      ++counts.failed;
      report.failures.push_back(
          {a.collection, a.record_id, a.person_email, w.error_class, w.message});
      continue;
    }
    ++counts.confirmed;
    const mapping::CollectionSpec* spec = mapping::find_collection(a.collection);
    auto person = tables.person(a.person);
    const mapping::FieldValues* hint = person ? &person->values : nullptr;
    std::string target_record = a.record_id;
    std::string modified;
    if (a.kind == ActionKind::remove) {
      tables.erase_link(a.collection, a.record_id);
      if (tables.links_of(a.person).empty())
        tables.erase_person(a.person);
    } else if (w.stored && spec != nullptr) {
      connectors::Record& stored = *w.stored;
      target_record = stored.id;
      modified = std::to_string(stored.modified_ms);
      auto link = tables.link(a.collection, a.record_id.empty() ? stored.id : a.record_id);
      if (a.kind == ActionKind::create && link && link->person != a.person) {
        // Linked meanwhile (send_one checked before writing).
        report.failures.push_back({a.collection, stored.id, a.person_email, ErrorClass::per_record,
                                   "the record found by email is linked to another person"});
        continue;
      }
      mapping::LinkRow previous;
      if (link) {
        if (link->record_id != stored.id) {
          // The record answers under another id (a key from before Contracts
          // contacts were keyed by id): its link and conflicts move along.
          if (person)
            tables.move_link(a.collection, link->record_id, stored.id);
          else
            tables.erase_link(a.collection, link->record_id);
        }
        previous = std::move(*link);
      }
      if (a.kind == ActionKind::create && !w.found_existing &&
          tables.tombstoned(a.collection, mapping::normalize_email(a.person_email))) {
        // Deleted everywhere while this create was on the wire (another
        // process planned the deletes): the new record goes too. (A record
        // found by email is someone's own, never ours to delete.)
        mapping::Action undo = mapping::make_action(
            ActionKind::remove, {a.collection, stored.id, a.person, a.person_email},
            "the person was deleted everywhere while this create was on the wire",
            a.origin_collection, a.origin_record);
        undo.parent_id = stored.parent_id;
        state::Outbox::put(txn, store_, undo);
        ++report.pending;
      } else if (person && (link || a.kind == ActionKind::create)) {
        // (An update whose record another process deleted meanwhile links nothing.)
        const mapping::ObservedRecord answer{stored.id, stored.parent_id, std::move(stored.fields),
                                             stored.modified_ms, stored.created_ms};
        tables.put_link(mapping::confirmed_link(*spec, a, answer, std::move(previous), hint));
      }
    }
    state::JournalEntry entry;
    entry.time_ms = w.written_ms;
    entry.person_id = std::to_string(a.person);
    entry.person_email = a.person_email;
    entry.operation = std::string(mapping::to_string(a.kind));
    entry.origin_collection = a.origin_collection;
    entry.origin_record = a.origin_record;
    entry.target_collection = a.collection;
    entry.target_record = target_record;
    for (const auto& c : a.changes) {
      entry.fields.push_back({std::string(mapping::field_name(c.field)), c.before, c.after});
    }
    entry.product_modified_time = modified;
    entry.reason = w.found_existing
                       ? a.reason + "; found by email in the target: linked, not created again"
                       : a.reason;
    state::Journal::append(txn, store_, std::move(entry));
  }
  std::move(txn).commit();
}

// Sends one batch's writes concurrently: each product's rate bucket and
// concurrency cap pace its own writes, a slow product does not hold back the
// others, and a connector that batches (CRM upserts 100 records per call)
// sees the whole batch at once. The writes move into shared state for the
// duration so that a cancelled cycle never leaves a send writing into a freed
// frame. A fault hook's exception (a simulated crash) comes back in `crash`
// once every write in flight has finished.
boost::asio::awaitable<void> OutboxSender::send_batch(
    std::vector<PendingWrite>& writes, const std::set<std::string, std::less<>>& blocked,
    const CycleOptions& options, std::size_t& sent, std::size_t total, std::exception_ptr& crash) {
  struct Shared {
    Shared(const boost::asio::any_io_executor& executor, std::vector<PendingWrite> w)
        : writes(std::move(w)), tasks(executor) {}
    std::vector<PendingWrite> writes;
    std::exception_ptr crash;
    ChildTasks tasks;
  };
  auto executor = co_await boost::asio::this_coro::executor;
  auto shared = std::make_shared<Shared>(executor, std::move(writes));
  for (PendingWrite& w : shared->writes) {
    if (blocked.count(w.action.collection) || w.status != PendingWrite::Status::not_sent)
      continue;
    auto send = [](OutboxSender* sender, PendingWrite* write,
                   const CycleOptions* opts) -> boost::asio::awaitable<void> {
      if (co_await sender->send_one(*write)) {
        write->written_ms = wall_time_ms(*opts);
        fault(*opts, FaultPoint::after_send);
      }
    };
    const std::size_t child = shared->tasks.add();
    boost::asio::co_spawn(executor, send(this, &w, &options),
                          boost::asio::bind_cancellation_slot(
                              shared->tasks.slot(child),
                              [shared, child, &options, &sent, total](std::exception_ptr error) {
                                if (error && !shared->crash)
                                  shared->crash = error;
                                if (options.progress)
                                  options.progress(CyclePhase::sending, ++sent, total);
                                shared->tasks.finished(child);
                              }));
  }
  const bool all_ended = co_await shared->tasks.wait_all();
  writes = std::move(shared->writes);
  crash = shared->crash;
  // Cancelled: the batch's results are not recorded; its writes stay in the
  // outbox and are resumed (a create looked up first), as after a crash.
  if (!all_ended && !crash)
    crash = std::make_exception_ptr(
        boost::system::system_error(boost::asio::error::operation_aborted, "cycle cancelled"));
}

std::optional<mapping::PersonId> OutboxSender::linked_person(std::string_view collection,
                                                             std::string_view record_id) const {
  auto txn = store_.begin_read();
  if (auto link = state::read_link(txn, store_, collection, record_id))
    return link->person;
  return std::nullopt;
}

bool OutboxSender::linked_in(mapping::PersonId person, std::string_view collection) const {
  auto txn = store_.begin_read();
  return state::read_linked_in(txn, store_, person, collection);
}

bool OutboxSender::person_known(mapping::PersonId person) const {
  auto txn = store_.begin_read();
  return state::read_person_exists(txn, store_, person);
}

bool OutboxSender::tombstoned(std::string_view collection, std::string_view email) const {
  auto txn = store_.begin_read();
  return state::read_tombstoned(txn, store_, collection, mapping::normalize_email(email));
}

boost::asio::awaitable<bool> OutboxSender::send_one(PendingWrite& w) {
  const Action& a = w.action;
  connectors::Connector* conn = connector(a.collection);
  if (conn == nullptr) {
    w.status = PendingWrite::Status::failed;
    w.error_class = ErrorClass::configuration;
    w.message = "no connector for " + a.collection;
    co_return false;
  }
  try {
    switch (a.kind) {
      case ActionKind::create: {
        // Deleted everywhere since this create was planned (on_delete =
        // propagate leaves a tombstone in every collection): sent now, it
        // would bring the person back in every product.
        if (tombstoned(a.collection, a.person_email)) {
          w.status = PendingWrite::Status::dropped;
          co_return false;
        }
        // Gone from the state since the create was planned: its only record
        // was deleted, or left out by its collection's include rules. Sent
        // now, it would bring back someone the admin took out of the sync.
        if (!person_known(a.person)) {
          w.status = PendingWrite::Status::dropped;
          co_return false;
        }
        // Created there meanwhile, by another process on the state dir (its
        // plan and this one both saw the person missing there).
        if (linked_in(a.person, a.collection)) {
          w.status = PendingWrite::Status::gone;
          co_return false;
        }
        // Planned under other include rules (a restart with new ones): it
        // gets the values the running rules give a create, and a record they
        // would leave out is not made at all.
        const mapping::CollectionSettings* cs = settings_.collection(a.collection);
        if (cs != nullptr && !cs->include.empty()) {
          mapping::add_create_values(*cs, w.action.payload);
          if (mapping::failed_rule(*cs, a.payload) != nullptr) {
            w.status = PendingWrite::Status::dropped;
            co_return false;
          }
        }
        // Look first: a retry or a resumed create must never duplicate.
        std::optional<connectors::Record> found;
        if (w.lookup_first)
          found = co_await conn->find_by_email(a.person_email);
        if (found) {
          // A record found by email that is linked to another person holds
          // that email only while a conflict keeps it there: writing this
          // person's fields into it would overwrite the other person's.
          if (auto owner = linked_person(a.collection, found->id); owner && *owner != a.person) {
            throw ConnectorError(ErrorClass::per_record,
                                 "the record found by email (" + found->id +
                                     ") is linked to another person; not written");
          }
          // A record the collection's include rules leave out is not taken
          // over: linked, it would be unlinked again by the next listing, and
          // written, it would take the person's fields although the admin
          // left it out of the sync. The next listing that reads it
          // tombstones its email there, so no create is planned again.
          if (const auto* rule = cs ? mapping::failed_rule(*cs, found->fields) : nullptr) {
            throw ConnectorError(ErrorClass::per_record,
                                 "the record found by email (" + found->id +
                                     ") is left out by the include rule \"" + rule->text +
                                     "\"; not linked, not written");
          }
          w.found_existing = true;
          connectors::Fields missing =
              missing_fields(mapping::find_collection(a.collection), a, *found);
          // Values a create carries only to match the rules: the found record
          // matches them already, with values of its own.
          if (cs != nullptr)
            mapping::drop_create_values(*cs, missing);
          if (missing.empty()) {
            w.stored = std::move(found);
          } else {
            w.stored = co_await conn->update(found->id, found->parent_id, std::move(missing));
          }
        } else {
          w.stored = co_await conn->create(a.parent_id, a.payload);
        }
        break;
      }
      case ActionKind::update:
        // The person has no record there any more (it was left out by the
        // include rules, or deleted, while this update waited): the admin's
        // record is not written.
        if (!linked_in(a.person, a.collection)) {
          w.status = PendingWrite::Status::gone;
          co_return false;
        }
        // The record's id does not move with its email in any product (the
        // Contracts connector finds a contact's current URL key itself).
        w.stored = co_await conn->update(a.record_id, a.parent_id, a.payload);
        break;
      case ActionKind::remove:
        co_await conn->remove(a.record_id, a.parent_id);
        break;
      default:
        break;
    }
    w.status = PendingWrite::Status::done;
    co_return true;
  } catch (const ConnectorError& e) {
    w.status = PendingWrite::Status::failed;
    w.error_class = e.error_class();
    w.message = e.what();
  }
  co_return false;
}

}  // namespace zohosync::daemon
