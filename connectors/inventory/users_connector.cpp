// inventory.users: the organization's users as people with a single "name"
// and an "email" (behaviour described in inventory_connectors.hpp).

// GCC 12 reports a false -Wmismatched-new-delete on Asio's coroutine frames
// (awaitable_frame_base has matching class-level new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/email_address.hpp"
#include "connectors/inventory/inventory_connectors.hpp"
#include "connectors/inventory/inventory_json.hpp"
#include "connectors/inventory/inventory_request.hpp"
#include "connectors/limits/retry_policy.hpp"

namespace zohosync::connectors {

namespace {

using namespace inventory;
namespace json = boost::json;

constexpr int kMaxPages = 10'000;

// The cursor carries nothing: Inventory offers no way to ask for changed
// users, so every listing is a full one.
constexpr const char* kUsersCursor = "users-full";

class UsersConnector final : public Connector {
 public:
  UsersConnector(ApiClient& api, InventoryUsersOptions options)
      : requests_(api, options.organization_id), options_(std::move(options)) {
    options_.per_page = std::clamp(options_.per_page, 1, 200);
  }

  std::string_view collection() const override { return "inventory.users"; }

  boost::asio::awaitable<Listing> list(std::string) override {
    auto users = co_await all_users();
    Listing listing;
    listing.full = true;
    listing.cursor = kUsersCursor;
    for (auto& user : users)
      listing.records.push_back(to_record(std::move(user)));
    co_return listing;
  }

  boost::asio::awaitable<Record> create(std::string, Fields fields) override {
    if (!options_.allow_invite) {
      throw ConnectorError(ErrorClass::configuration,
                           "inventory.users: creating a user sends an invitation e-mail; it is "
                           "off unless allow_invite is set for this collection");
    }
    const std::string email = value_of(fields, "email");
    json::object body;
    body["name"] = value_of(fields, "name");
    body["email"] = email;
    body["user_role"] = options_.invite_role;
    std::string text = json::serialize(body);
    http::QueryParams query;
    http::HttpResponse response;
    bool outcome_unknown = false;
    try {
      response = co_await requests_.send("POST", "/users", std::move(query), std::move(text));
    } catch (const OutcomeUnknown&) {
      outcome_unknown = true;  // looked up below: the invitation may have gone out
    }
    if (!outcome_unknown)
      requests_.ensure_ok(response);
    // The invitation answer carries no user: the list names the new id.
    auto found = co_await find_by_email(email);
    if (found)
      co_return std::move(*found);
    if (outcome_unknown) {
      throw ConnectorError(ErrorClass::transient,
                           "inventory.users: an invitation had no answer and the user is not "
                           "listed; it may be sent again");
    }
    throw ConnectorError(ErrorClass::fatal,
                         "inventory.users: the invitation was accepted but the user is not listed");
  }

  boost::asio::awaitable<Record> update(std::string id, std::string, Fields fields) override {
    // PUT wants name and email together (and keeps the role we send back).
    UserRow current = co_await get_user(id);
    json::object body;
    body["name"] = fields.count("name") ? fields.find("name")->second : current.name;
    body["email"] = fields.count("email") ? fields.find("email")->second : current.email;
    if (!current.user_role.empty())
      body["user_role"] = current.user_role;
    std::string text = json::serialize(body);
    std::string path = "/users/" + id;
    http::QueryParams query;
    auto response =
        co_await requests_.send("PUT", std::move(path), std::move(query), std::move(text));
    requests_.ensure_ok(response);
    // The answer is a message only: read back what Inventory stored.
    co_return to_record(co_await get_user(id));
  }

  boost::asio::awaitable<void> remove(std::string id, std::string) override {
    // Deleting a user is not undoable; marking inactive is, and takes the user
    // out of our listings just the same.
    std::string method = options_.allow_delete ? "DELETE" : "POST";
    std::string path = options_.allow_delete ? "/users/" + id : "/users/" + id + "/inactive";
    http::QueryParams query;
    auto response = co_await requests_.send(std::move(method), std::move(path), std::move(query),
                                            std::string());
    if (!InventoryRequests::is_missing(response))  // already gone: done
      requests_.ensure_ok(response);
  }

  boost::asio::awaitable<std::optional<Record>> find_by_email(std::string email) override {
    const std::string wanted = common::normalize_email(email);
    if (wanted.empty())
      co_return std::nullopt;
    // No email filter is documented for users: the (short) list is searched.
    auto users = co_await all_users();
    std::optional<UserRow> best;
    for (auto& user : users) {
      if (common::normalize_email(user.email) != wanted)
        continue;
      if (!best || older_id(user.user_id, best->user_id))
        best = std::move(user);
    }
    if (!best)
      co_return std::nullopt;
    co_return to_record(std::move(*best));
  }

 private:
  spdlog::logger& log() {
    const auto& logger = requests_.api().options().logger;
    return logger ? *logger : *spdlog::default_logger();
  }

  static std::string value_of(const Fields& fields, std::string_view name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  }

  static Record to_record(UserRow user) {
    Record record;
    record.id = std::move(user.user_id);
    record.fields.emplace("name", std::move(user.name));
    record.fields.emplace("email", std::move(user.email));
    record.modified_ms = 0;  // Inventory gives users no modified time
    return record;
  }

  bool listed(const UserRow& user) const {
    return options_.list_inactive || user.status != "inactive";
  }

  // Every listed user (inactive ones only when asked), paged.
  boost::asio::awaitable<std::vector<UserRow>> all_users() {
    std::vector<UserRow> users;
    for (int page = 1; page <= kMaxPages; ++page) {
      http::QueryParams query{{"page", std::to_string(page)},
                              {"per_page", std::to_string(options_.per_page)}};
      auto response = co_await requests_.send("GET", "/users", std::move(query), std::string());
      requests_.ensure_ok(response);
      auto parsed = parse_users_page(response.body);
      for (const auto& why : parsed.skipped)
        log().warn("[inventory.users] users page {}: {}", page, why);
      for (auto& user : parsed.users) {
        if (listed(user))
          users.push_back(std::move(user));
      }
      if (!parsed.has_more_page)
        break;
    }
    co_return users;
  }

  boost::asio::awaitable<UserRow> get_user(const std::string& id) {
    std::string path = "/users/" + id;
    http::QueryParams query;
    auto response =
        co_await requests_.send("GET", std::move(path), std::move(query), std::string());
    requests_.ensure_ok(response);
    co_return parse_user(response.body);
  }

  InventoryRequests requests_;
  InventoryUsersOptions options_;
};

}  // namespace

std::unique_ptr<Connector> make_inventory_users(ApiClient& api, InventoryUsersOptions options) {
  return std::make_unique<UsersConnector>(api, std::move(options));
}

}  // namespace zohosync::connectors
