#!/usr/bin/env python3
"""The soak run behind scripts/soak.sh: zoho-sandbox (rate limits on) and `zohosync daemon`
as processes, random UI edits through /__sandbox/edit, RSS and open fds of the daemon from
/proc, then convergence checks. Exit 0 only when everything agreed; every process started
here is stopped here."""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Where each create-target collection sits in the sandbox dump: product, list, email field,
# and how to read/write a last name there.
PLACES = {
    "crm": ("crm", "contacts", "Email"),
    "projects": ("projects", "contacts", "email"),
    "inventory": ("inventory", "contact_persons", "email"),
    "contracts": ("contracts", "counterpartyusers", "emailId"),
}
# The "New People" company each sandbox population has in every product.
PARENTS = {"inventory": "460000000000001", "projects": "170876000000000001",
           "contracts": "NewPeople"}


def last_name(product, record):
    if product == "crm":
        return record.get("Last_Name") or ""
    if product == "contracts":
        parts = (record.get("displayName") or record.get("name") or "").split()
        return parts[-1] if parts else ""
    return record.get("last_name") or ""


def name_fields(product, first, last):
    if product == "crm":
        return {"First_Name": first, "Last_Name": last}
    if product == "contracts":
        return {"displayName": f"{first} {last}"}
    return {"first_name": first, "last_name": last}


def record_id(product, record):
    return str(record.get("contact_person_id") if product == "inventory" else record.get("id"))


class Sandbox:
    def __init__(self, exe, args, log):
        self.proc = subprocess.Popen([exe, "--port", "0"] + args, stdout=subprocess.PIPE,
                                     stderr=log, text=True)
        line = self.proc.stdout.readline()  # the one ready line
        if "listening on http://127.0.0.1:" not in line:
            raise RuntimeError("zoho-sandbox did not start: " + line)
        self.port = int(line.rsplit(":", 1)[1])

    def call(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body) if body is not None else None
            conn.request(method, "/__sandbox/" + path, body=payload,
                         headers={"Content-Type": "application/json"})
            reply = conn.getresponse()
            text = reply.read().decode()
            return reply.status, (json.loads(text) if text else {})
        finally:
            conn.close()

    def dump(self):
        status, body = self.call("GET", "dump")
        if status != 200:
            raise RuntimeError(f"dump answered {status}")
        return body


def records_by_email(dump):
    """{product: {email_lower: [records]}} for the four create-target collections."""
    out = {}
    for product, (p, lst, field) in PLACES.items():
        index = {}
        for r in dump[p][lst]:
            email = (r.get(field) or "").strip().lower()
            if email:
                index.setdefault(email, []).append(r)
        out[product] = index
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(path, port, state_dir, poll, metrics_port, limits_on, credentials):
    collections = {
        "inventory.contact_persons": 'create = true\ndefault_contact_id = "460000000000001"\n'
                                     'full_scan_interval = "10m"\n',
        "inventory.users": "create = false\n",
        "projects.contacts": 'create = true\ndefault_client_id = "170876000000000001"\n',
        "crm.contacts": "create = true\n",
        "contracts.counterparty_contacts": 'create = true\ndefault_counterparty = "NewPeople"\n',
    }
    text = (f'[service]\nstate_dir = "{state_dir}"\nmetrics_listen = "127.0.0.1:{metrics_port}"\n'
            f'log_level = "{os.environ.get("SOAK_LOG_LEVEL", "info")}"\nshutdown_timeout = "10s"\n'
            f'[zoho]\nbase_url = "http://127.0.0.1:{port}"\n'
            # The throwaway credentials the sandbox names in /__sandbox/info.
            f'[oauth]\nclient_id = "{credentials["client_id"]}"\nallow_inline_secrets = true\n'
            f'client_secret = "{credentials["client_secret"]}"\n'
            f'refresh_token = "{credentials["refresh_token"]}"\n'
            # Zoho's limits are the defaults and the sandbox enforces them; Contracts has none.
            + ('[http.contracts]\nrequests = 600\nwindow = "1m"\n' if limits_on else "") +
            '[inventory]\nenabled = true\norganization_id = "10234695"\n'
            '[projects]\nenabled = true\nportal_id = "60012345678"\n'
            '[crm]\nenabled = true\ndaily_credits = 50000\n[contracts]\nenabled = true\n'
            # The soak edits one person's last name again after a minute: over an hour that is
            # past the loop guard (4 changes of a field an hour quarantine a person), which is
            # there for echo loops, not for this editor. SOAK_FLIP_LIMIT=4 puts it back.
            f'[sync]\nflip_limit = {int(os.environ.get("SOAK_FLIP_LIMIT", "1000"))}\n')
    if not limits_on:  # the sandbox enforces none: neither need the daemon's own limiters
        for product in ("inventory", "projects", "crm", "contracts"):
            text += f"[http.{product}]\nrequests = 10000\n"
    for cid, extra in collections.items():
        text += (f'[collections.{cid}]\npoll_interval = "{poll}"\npoll_jitter = "1s"\n' + extra)
    with open(path, "w") as f:
        f.write(text)


def proc_sample(pid):
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])  # kB
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds


def metric(port, name, label=""):
    """Sum of a /metrics family (0 when absent), of the samples whose labels hold `label`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and (line[len(name)] in " {") and label in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


class Editor:
    """Random UI edits; remembers what each touched person's last name must end up as."""

    def __init__(self, sandbox, rng):
        self.sb = sandbox
        self.rng = rng
        self.expected = {}    # email -> last name every product must show at the end
        self.created = set()  # emails created by the soak
        self.deleted = set()  # emails the soak deleted somewhere (no longer checked)
        self.touched_at = {}  # email -> time of the last edit
        self.counts = {"create": 0, "update": 0, "delete": 0, "refused": 0}
        self.serial = 0

    def settled(self, index, email, cooldown):
        """Present once in every product, same last name everywhere, not edited lately."""
        if email in self.deleted or time.time() - self.touched_at.get(email, 0) < cooldown:
            return False
        names = set()
        for product in PLACES:
            rows = index[product].get(email, [])
            if len(rows) != 1:
                return False
            names.add(last_name(product, rows[0]))
        return len(names) == 1

    def step(self, cooldown):
        index = records_by_email(self.sb.dump())
        roll = self.rng.random()
        product = self.rng.choice(list(PLACES))
        p, lst, field = PLACES[product]
        self.serial += 1
        if roll < 0.35:
            email = f"soak-{self.serial}-{self.rng.randrange(10**6)}@soak.example.com"
            last = f"Soak{self.serial}"
            fields = name_fields(product, "Pat", last)
            fields[field] = email
            body = {"product": p, "collection": lst, "op": "create", "fields": fields}
            if product in PARENTS:
                body["parent"] = PARENTS[product]
            status, _ = self.sb.call("POST", "edit", body)
            kind = "create"
            if status in (200, 201):
                self.created.add(email)
                self.expected[email] = last
                self.touched_at[email] = time.time()
        else:
            candidates = sorted(e for e in index[product] if self.settled(index, e, cooldown))
            if roll < 0.45:  # delete only what the soak created
                candidates = [e for e in candidates if e in self.created]
            if not candidates:
                return
            email = self.rng.choice(candidates)
            rid = record_id(product, index[product][email][0])
            if roll < 0.45:
                kind = "delete"
                status, _ = self.sb.call("POST", "edit", {"product": p, "collection": lst,
                                                          "op": "delete", "id": rid})
                if status == 200:
                    self.deleted.add(email)
                    self.expected.pop(email, None)
            else:
                kind = "update"
                last = f"Edited{self.serial}"
                first = "Pat" if email in self.created else None
                if first is None:  # keep the seeded first name
                    row = index["crm"][email][0]
                    first = row.get("First_Name") or "Pat"
                status, _ = self.sb.call("POST", "edit", {
                    "product": p, "collection": lst, "op": "update", "id": rid,
                    "fields": name_fields(product, first, last)})
                if status == 200:
                    self.expected[email] = last
            self.touched_at[email] = time.time()
        self.counts[kind if status in (200, 201) else "refused"] += 1

    def problems(self):
        """What still disagrees (empty when everything converged)."""
        index = records_by_email(self.sb.dump())
        out = []
        for product in PLACES:
            for email in self.created:
                n = len(index[product].get(email, []))
                if n > 1:
                    out.append(f"{product}: {n} records for {email}")
        for email, last in self.expected.items():
            for product in PLACES:
                rows = index[product].get(email, [])
                if not rows:
                    out.append(f"{product}: {email} missing")
                elif any(last_name(product, r) != last for r in rows):
                    out.append(f"{product}: {email} has {last_name(product, rows[0])!r}, "
                               f"expected {last!r}")
        return out


def stop(proc, limit=30):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# SOAK_FAULTS=1: the faults injected while the edits run (share of matching calls).
FAULTS = [
    {"kind": "500", "rate": 0.02},
    {"kind": "reset", "rate": 0.01},
    {"kind": "truncate", "rate": 0.005},
    {"kind": "malformed", "rate": 0.005},
    {"kind": "latency", "rate": 0.01, "ms": 3000},
    {"kind": "hang", "rate": 0.002, "ms": 15000},
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zohosync", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    args = ap.parse_args()
    poll = os.environ.get("SOAK_POLL", "5s")
    sample_every = float(os.environ.get("SOAK_SAMPLE", "30"))
    edit_every = float(os.environ.get("SOAK_EDIT_EVERY", "2"))
    settle = float(os.environ.get("SOAK_SETTLE", "600"))
    people = os.environ.get("SOAK_PEOPLE", "200")
    seed = int(os.environ.get("SOAK_SEED", "7"))
    poll_s = float(poll.rstrip("s"))
    # An edited person is edited again only after every product showed the edit and a few
    # polls passed: two edits of one field in two products at once would be a conflict the
    # policy decides, not something this run can predict.
    cooldown = max(float(os.environ.get("SOAK_COOLDOWN", "60")), 6 * poll_s)

    work = tempfile.mkdtemp(prefix="zohosync-soak.")
    failures = []
    sandbox_log = open(os.path.join(work, "sandbox.log"), "w")
    daemon_log = open(os.path.join(work, "daemon.log"), "w")
    sandbox = daemon = None
    try:
        limits_on = not os.environ.get("SOAK_NO_LIMITS")
        sandbox_args = ["--seed", str(seed), "--people", people, "--overlap", "0.5",
                        "--person-bumps-contact"] + ([] if limits_on else ["--no-limits"])
        sandbox = Sandbox(args.sandbox, sandbox_args, sandbox_log)
        config = os.path.join(work, "zohosync.toml")
        metrics_port = free_port()
        _, info = sandbox.call("GET", "info")
        write_config(config, sandbox.port, os.path.join(work, "state"), poll, metrics_port,
                     limits_on, info)
        print(f"soak: {args.minutes:g} min, sandbox {people} people "
              f"(limits {'on' if limits_on else 'off'}) on port "
              f"{sandbox.port}, daemon polling every {poll}, work dir {work}", flush=True)
        daemon = subprocess.Popen([args.zohosync, "daemon", "--config", config],
                                  stdout=daemon_log, stderr=daemon_log)
        # The daemon makes the first sync itself; the clock starts once every collection was
        # polled once.
        began = time.time()
        while True:
            try:
                if metric(metrics_port, "zohosync_cycles_total") >= 5:
                    break
            except OSError:
                pass
            if daemon.poll() is not None or time.time() - began > 600:
                raise RuntimeError("the daemon did not poll every collection within 600 s")
            time.sleep(0.5)
        print(f"daemon pid {daemon.pid}: every collection polled after {time.time() - began:.0f} s",
              flush=True)
        faults_on = os.environ.get("SOAK_FAULTS") == "1"
        if faults_on:
            # Every kind of network and server fault, at random, on every path, for as long
            # as the edits run: errors, resets, torn and garbage bodies, slow and hung answers.
            status, _ = sandbox.call("POST", "faults", {"rules": FAULTS})
            if status != 200:
                raise RuntimeError(f"the sandbox refused the faults ({status})")
            print("faults on: " + ", ".join(f"{f['kind']} {f['rate']:.1%}" for f in FAULTS),
                  flush=True)
        rng = random.Random(seed)
        editor = Editor(sandbox, rng)
        samples = []
        print(f"{'minute':>7} {'rss_kib':>9} {'fds':>5} {'creates':>8} {'updates':>8} "
              f"{'deletes':>8}", flush=True)
        start = time.time()
        end = start + args.minutes * 60
        next_sample = start
        while True:
            now = time.time()
            if daemon.poll() is not None:
                failures.append(f"daemon exited early with {daemon.returncode}")
                break
            if now >= next_sample:
                rss, fds = proc_sample(daemon.pid)
                samples.append((now - start, rss, fds))
                c = editor.counts
                print(f"{(now - start) / 60:>7.1f} {rss:>9} {fds:>5} {c['create']:>8} "
                      f"{c['update']:>8} {c['delete']:>8}", flush=True)
                next_sample += sample_every
            if now >= end:
                break
            editor.step(cooldown)
            time.sleep(edit_every)

        if faults_on:
            sandbox.call("DELETE", "faults")  # convergence is measured on a healthy network
        if not failures:
            deadline = time.time() + settle
            left = editor.problems()
            while left and time.time() < deadline:
                time.sleep(poll_s)
                left = editor.problems()
            waited = settle - max(0.0, deadline - time.time())
            if left:
                # What every product holds, for a look at what went wrong.
                with open(os.path.join(work, "dump.json"), "w") as f:
                    json.dump(sandbox.call("GET", "dump")[1], f)
                failures.append(f"not converged {settle:.0f} s after the edits stopped: "
                                + "; ".join(left[:10]) + (" ..." if len(left) > 10 else ""))
            else:
                print(f"converged {waited:.0f} s after the edits stopped", flush=True)
            rss, fds = proc_sample(daemon.pid)
            samples.append((time.time() - start, rss, fds))
            try:
                throttled = metric(metrics_port, "zohosync_api_throttled_total")
                cycles = metric(metrics_port, "zohosync_cycles_total")
                timeouts = metric(metrics_port, "zohosync_cycles_total", 'result="timeout"')
                print(f"daemon: {cycles:.0f} collection cycles, {timeouts:.0f} cut at their "
                      f"deadline; {throttled:.0f} throttled answers")
            except OSError as e:
                failures.append(f"/metrics unreachable: {e}")
        code = stop(daemon)
        if code != 0:
            failures.append(f"daemon exited {code} on SIGTERM")
        # Each zohosync process starts with a full request budget of its own: a reconcile
        # right after the daemon could exceed what the two together may send in one window
        # (Projects: 100 per 2 minutes, then 30 minutes locked out). Wait the window out.
        time.sleep(float(os.environ.get("SOAK_WINDOW_GAP", "125" if limits_on else "0")))
        final = subprocess.run([args.zohosync, "reconcile", "--json", "--config", config],
                               capture_output=True, text=True, timeout=600)
        try:
            planned = json.loads(final.stdout)["planned_writes"]
        except (ValueError, KeyError):
            planned = None
        if final.returncode != 0 or planned != 0:
            failures.append(f"final reconcile exited {final.returncode} planning {planned} "
                            f"writes: {final.stderr.strip()[-500:]}")
        _, counters = sandbox.call("GET", "counters")
        limited = counters.get("limited_total", 0)
        if limited:
            failures.append(f"the sandbox refused {limited} calls over its rate limits")

        rss = [s[1] for s in samples]
        fds = [s[2] for s in samples]
        c = editor.counts
        print(f"edits: {c['create']} creates, {c['update']} updates, {c['delete']} deletes "
              f"({c['refused']} refused); API calls {counters.get('total')}, over the limits "
              f"{limited}")
        print(f"rss KiB: start {rss[0]}, end {rss[-1]}, peak {max(rss)}; "
              f"fds: start {fds[0]}, end {fds[-1]}, peak {max(fds)}")
        print(f"final reconcile planned {planned} writes")
    except Exception as e:  # report, then clean up below
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if daemon is not None:
            stop(daemon)
        if sandbox is not None:
            stop(sandbox.proc)
        sandbox_log.close()
        daemon_log.close()
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    if failures or os.environ.get("SOAK_KEEP"):
        print(f"logs kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
