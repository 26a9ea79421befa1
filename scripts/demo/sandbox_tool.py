#!/usr/bin/env python3
"""Small reader of the zoho-sandbox admin API for the demo: picks people, makes
UI-style edits and summarises the request counters. Standard library only."""
import json
import sys
import urllib.request


def call(base, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + "/__sandbox/" + path, data=data,
                                 method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def emails(dump):
    """email (normalised) -> {product: record} for CRM and Inventory contact persons."""
    out = {}
    for rec in dump["crm"]["contacts"]:
        if rec.get("Email"):
            out.setdefault(rec["Email"].strip().lower(), {})["crm"] = rec
    for rec in dump["inventory"]["contact_persons"]:
        if rec.get("email"):
            out.setdefault(rec["email"].strip().lower(), {})["inventory"] = rec
    return out


def conflicting_edit(base):
    """Edits one person's phone in Inventory, then a minute later differently in CRM."""
    both = [(e, r) for e, r in sorted(emails(call(base, "dump")).items()) if len(r) == 2]
    email, recs = both[0]
    call(base, "edit", {"product": "inventory", "collection": "contact_persons", "op": "update",
                        "id": recs["inventory"]["contact_person_id"],
                        "fields": {"phone": "+1 555 0202"}})
    call(base, "clock", {"advance": 60})
    call(base, "edit", {"product": "crm", "collection": "contacts", "op": "update",
                        "id": recs["crm"]["id"], "fields": {"Phone": "+1 555 0101"}})
    print(email)


def phones(base, email):
    recs = emails(call(base, "dump")).get(email, {})
    print("  CRM Phone: %s   Inventory phone: %s" % (
        recs.get("crm", {}).get("Phone"), recs.get("inventory", {}).get("phone")))


def counters(base):
    c = call(base, "counters")
    writes = sum(r["count"] for r in c["requests"]
                 if r["method"] not in ("GET", "HEAD") and r["product"] != "accounts")
    by_product = ", ".join("%s %d" % kv for kv in sorted(c["by_product"].items()))
    print("  sandbox API calls: %d (%s); writes: %d" % (c["total"], by_product, writes))


def population(base):
    d = call(base, "dump")
    print("  inventory: %d contact persons, %d users; projects: %d contacts; crm: %d contacts; "
          "contracts: %d counterparty contacts" % (
              len(d["inventory"]["contact_persons"]), len(d["inventory"]["users"]),
              len(d["projects"]["contacts"]), len(d["crm"]["contacts"]),
              len(d["contracts"]["counterpartyusers"])))


if __name__ == "__main__":
    command, base = sys.argv[1], sys.argv[2]
    if command == "conflicting-edit":
        conflicting_edit(base)
    elif command == "phones":
        phones(base, sys.argv[3])
    elif command == "counters":
        counters(base)
    elif command == "population":
        population(base)
    elif command == "planned-writes":
        print(json.load(sys.stdin)["planned_writes"])
    else:
        sys.exit("unknown command " + command)
