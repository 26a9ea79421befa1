#pragma once
// crm.contacts: Zoho CRM v8 module Contacts behind the Connector interface.
//
// Listing: GET /Contacts with fields=, per_page 200, page 1..10 and then
// page_token (Zoho refuses page numbers past 2,000 records); incremental with
// If-Modified-Since = cursor - overlap (304/204 = nothing), plus
// /Contacts/deleted since the same instant. The cursor is the server's time
// (its Date header; our clock when absent) at the start of the listing: every
// change stamped after that instant is read next time, and the overlap covers
// server clock skew and edits committed in the same second.
//
// Writes: creates through POST /Contacts/upsert keyed by Email (a retried
// create updates instead of duplicating, so it is safe to retry); updates by
// id through PUT /Contacts (an upsert keyed by Email would insert a second
// contact when the update changes the email); deletes through
// DELETE /Contacts?ids=. Each record's own code is read from the answer
// (207); what was stored is read back with one GET /Contacts?ids= per batch.
// The batch entry points take up to 100 records; the per-record interface
// goes through a coalescer that batches concurrent calls.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/batch/write_coalescer.hpp"
#include "connectors/connector.hpp"
#include "connectors/crm/crm_connectors.hpp"

namespace zohosync::connectors {

class ApiClient;

class CrmContactsConnector final : public Connector {
 public:
  CrmContactsConnector(ApiClient& api, CrmContactsOptions options);

  std::string_view collection() const override { return "crm.contacts"; }
  boost::asio::awaitable<Listing> list(std::string since) override;
  boost::asio::awaitable<Record> create(std::string parent_id, Fields fields) override;
  boost::asio::awaitable<Record> update(std::string id, std::string parent_id,
                                        Fields fields) override;
  boost::asio::awaitable<void> remove(std::string id, std::string parent_id) override;
  boost::asio::awaitable<std::optional<Record>> find_by_email(std::string email) override;
  // The default lookup, then, when include rules name fields
  // (options.extra_fields), one read of the module's fields: a name CRM does
  // not know is a configuration error (its rule would leave everyone out).
  boost::asio::awaitable<void> probe() override;
  // Creates go through /Contacts/upsert with duplicate_check_fields ["Email"].
  bool create_matches_email() const override { return true; }

  // Batch entry points: any number of records (sent 100 per call); one
  // Outcome per input, in order. An error for one record does not fail the others.
  boost::asio::awaitable<std::vector<batch::Outcome<Record>>> create_many(
      std::vector<Fields> records);
  boost::asio::awaitable<std::vector<batch::Outcome<Record>>> update_many(
      std::vector<std::pair<std::string, Fields>> records);
  boost::asio::awaitable<std::vector<batch::Outcome<bool>>> remove_many(
      std::vector<std::string> ids);

  // Write calls sent (upsert, update, delete; read-backs not counted).
  std::size_t write_calls() const { return write_calls_; }

 private:
  using Update = std::pair<std::string, Fields>;

  boost::asio::awaitable<std::vector<batch::Outcome<Record>>> create_chunk(
      std::vector<Fields> records);
  boost::asio::awaitable<std::vector<batch::Outcome<Record>>> update_chunk(
      std::vector<Update> records);
  boost::asio::awaitable<std::vector<batch::Outcome<bool>>> remove_chunk(
      std::vector<std::string> ids);
  // Reads the stored records back (one call per 100 ids), keyed by id.
  boost::asio::awaitable<std::map<std::string, Record>> read_back(std::vector<std::string> ids);
  boost::asio::awaitable<std::vector<std::string>> list_deleted(std::string since);

  ApiClient& api_;
  CrmContactsOptions options_;
  batch::WriteCoalescer<Fields, Record> creates_;
  batch::WriteCoalescer<Update, Record> updates_;
  batch::WriteCoalescer<std::string, bool> removes_;
  std::size_t write_calls_ = 0;
};

}  // namespace zohosync::connectors
