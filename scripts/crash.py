"""Kills the server with SIGKILL at random moments during concurrent writes, restarts it, and
checks that every write it acknowledged is there, that `amity check` finds no difference and
(SQLite) that the database passes its integrity check.

Usage: python3 scripts/crash.py BINARY DATA_DIR ROUNDS [DATABASE_URL]
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

binary, data, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
database_url = sys.argv[4] if len(sys.argv) > 4 else None
port = int(os.environ.get("CRASH_PORT", "18095"))
base = f"http://127.0.0.1:{port}"
flags = ["--data-dir", data] + (["--database-url", database_url] if database_url else [])
env = dict(os.environ, AMITY_LOG="warn")
random.seed(int(os.environ.get("CRASH_SEED", "1")))


def call(method, path, body=None, token=None, timeout=10):
    req = urllib.request.Request(base + path, method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, json.loads(r.read() or b"null")


def start(demo=False):
    args = [binary, "serve", "--addr", f"127.0.0.1:{port}"] + flags + (["--demo"] if demo else [])
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if call("GET", "/healthz", timeout=1)[0] == 200:
                return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise SystemExit("the server did not come up")


server = start(demo=True)
_, t = call("POST", "/api/v1/auth/token", {"email": "khanhhoa@demo.amity", "password": "amity-demo"})
token = t["token"]
acked = {}  # id -> title
lock = threading.Lock()
attempted = 0


def writer(n, stop):
    global attempted
    i = 0
    while not stop.is_set():
        i += 1
        title = f"Tập huấn chịu lỗi {n}-{i}-{random.random():.6f}"
        body = {"type": "training", "title": title, "start_on": "2026-06-01", "participants": 30}
        with lock:
            attempted += 1
        try:
            status, created = call("POST", "/api/v1/events", body, token, timeout=5)
        except Exception:
            continue  # not acknowledged: the server died before answering
        if status == 201:
            with lock:
                acked[created["id"]] = title


failures = []
for round_no in range(1, rounds + 1):
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(k, stop)) for k in range(8)]
    for th in threads:
        th.start()
    time.sleep(random.uniform(0.3, 2.5))
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for th in threads:
        th.join()
    if not database_url:
        db = sqlite3.connect(os.path.join(data, "amity.db"))
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        if result != "ok":
            failures.append(f"round {round_no}: integrity check: {result}")
    checked = subprocess.run([binary, "check"] + flags, env=env, capture_output=True, text=True)
    if checked.returncode != 0:
        failures.append(f"round {round_no}: amity check: {checked.stdout[-500:]}")
    server = start()
    # Every acknowledged write, read back through the list (500 at a time).
    stored, page = {}, 1
    while True:
        _, listed = call("GET", f"/api/v1/events?q=chiu%20loi&per_page=500&page={page}", token=token)
        stored.update({e["id"]: e["title"] for e in listed["items"]})
        if page * 500 >= listed["total"]:
            break
        page += 1
    missing = [i for i, title in acked.items() if stored.get(i) != title]
    if missing:
        failures.append(f"round {round_no}: {len(missing)} acknowledged writes lost: {missing[:10]}")
    print(f"round {round_no}: {len(acked)} acknowledged so far, all present: {not missing}", flush=True)

server.send_signal(signal.SIGTERM)
server.wait()
print(f"{rounds} rounds, {attempted} writes attempted, {len(acked)} acknowledged, "
      f"{len(failures)} failures")
for f in failures:
    print("FAILURE:", f)
sys.exit(1 if failures else 0)
