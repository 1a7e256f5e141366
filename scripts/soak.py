"""R3: many concurrent sessions of mixed reads and writes for a while, on loopback: counts the
server errors and samples the server's memory.

Usage: python3 scripts/soak.py BASE_URL SERVER_PID [sessions] [seconds]
"""
import json
import random
import sys
import threading
import time
import urllib.error
import urllib.request

base, pid = sys.argv[1], int(sys.argv[2])
sessions = int(sys.argv[3]) if len(sys.argv) > 3 else 200
seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 600
accounts = ["khanhhoa@demo.amity", "quangnam@demo.amity", "vufo@demo.amity", "viewer@demo.amity",
            "head.khanhhoa@demo.amity", "vietlao@demo.amity"]
reads = ["/api/v1/delegations?per_page=20", "/api/v1/events?year=2025", "/api/v1/partners?q=lao",
         "/api/v1/search?q=lao", "/api/v1/org-units?per_page=50", "/api/v1/audit?per_page=20",
         "/api/v1/reports/summary?period=2025", "/api/v1/agreements", "/api/v1/people?per_page=20"]


def call(method, path, token, body=None):
    req = urllib.request.Request(base + path, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0


tokens = {}
for email in accounts:
    req = urllib.request.Request(base + "/api/v1/auth/token", method="POST",
                                 data=json.dumps({"email": email, "password": "amity-demo"}).encode())
    req.add_header("Content-Type", "application/json")
    tokens[email] = json.loads(urllib.request.urlopen(req).read())["token"]

counts = {}
lock = threading.Lock()
deadline = time.time() + seconds


def session(n):
    rnd = random.Random(n)
    email = accounts[n % len(accounts)]
    token = tokens[email]
    while time.time() < deadline:
        if rnd.random() < 0.2 and "viewer" not in email:
            status = call("POST", "/api/v1/events", token,
                          {"type": "training", "title": f"Soak {n} {rnd.random():.6f}",
                           "start_on": "2026-05-01", "participants": rnd.randint(1, 99)})
        else:
            status = call("GET", rnd.choice(reads), token)
        with lock:
            counts[status] = counts.get(status, 0) + 1


def rss():
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


threads = [threading.Thread(target=session, args=(k,), daemon=True) for k in range(sessions)]
start = time.time()
for t in threads:
    t.start()
samples = []
while time.time() < deadline:
    time.sleep(min(30, max(1, deadline - time.time())))
    now, peak = rss()
    samples.append(now)
    done = sum(counts.values())
    print(f"{time.time() - start:5.0f} s: {done} requests, RSS {now} MB (peak {peak} MB)", flush=True)
for t in threads:
    t.join(timeout=70)
elapsed = time.time() - start
total = sum(counts.values())
errors = sum(v for k, v in counts.items() if k >= 500 or k == 0)
print(f"{sessions} sessions, {elapsed:.0f} s: {total} requests ({total / elapsed:.0f}/s), "
      f"statuses {dict(sorted(counts.items()))}, server errors or failures: {errors}")
third = max(1, len(samples) // 3)
print(f"RSS first third avg {sum(samples[:third]) // third} MB, last third avg "
      f"{sum(samples[-third:]) // third} MB, samples {samples}")
sys.exit(1 if errors else 0)
