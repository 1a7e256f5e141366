"""Measures request latency against a running Amity server (sequential, one keep-alive connection)."""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])


def connect():
    return http.client.HTTPConnection(base.hostname, base.port, timeout=30)


def token(conn, email):
    conn.request("POST", "/api/v1/auth/token", json.dumps({"email": email, "password": "amity-demo"}), {"content-type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    return body["token"]


def measure(conn, tok, paths, rounds):
    times, totals = [], []
    for _ in range(rounds):
        for path in paths:
            start = time.perf_counter()
            conn.request("GET", path, headers={"authorization": f"Bearer {tok}"})
            resp = conn.getresponse()
            body = resp.read()
            times.append((time.perf_counter() - start) * 1000)
            assert resp.status == 200, (path, resp.status, body[:200])
            totals.append(json.loads(body).get("total", 0))
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"n": len(times), "p50_ms": round(p(0.50), 2), "p95_ms": round(p(0.95), 2), "max_ms": round(times[-1], 2), "mean_ms": round(statistics.mean(times), 2), "hits_min": min(totals), "hits_max": max(totals)}


conn = connect()
admin = token(conn, "admin@demo.amity")
union = token(conn, "quangnam@demo.amity")
conn.request("GET", "/api/v1/org-units?per_page=1", headers={"authorization": f"Bearer {admin}"})
units = json.loads(conn.getresponse().read())["total"]
conn.request("GET", "/api/v1/users?per_page=1", headers={"authorization": f"Bearer {admin}"})
accounts = json.loads(conn.getresponse().read())["total"]
conn.request("GET", "/api/v1/audit?per_page=1", headers={"authorization": f"Bearer {admin}"})
audit = json.loads(conn.getresponse().read())["total"]
print(f"data: {units} units today, {accounts} accounts, {audit} audit entries")

dates = [f"{y}-{m:02d}-15" for y in range(2017, 2027) for m in (1, 7)]
tree = [f"/api/v1/org-units?as_of={d}&per_page=500" for d in dates]
queries = ["da nang", "DA NANG", "đà nẵng", "binh", "dong hai", "cán bộ hòa", "quang tri", "lien hiep", "phu long 007", "can bo 2021", "tinh", "khanh hoa"]
search = [f"/api/v1/search?q={urllib.parse.quote(q)}&per_page=20" for q in queries]

measure(conn, admin, tree[:4] + search[:4], 2)  # warm-up
print("as_of tree (whole structure, 500 per page):", measure(conn, admin, tree, 10))
print("search, federation-wide reader:", measure(conn, admin, search, 20))
print("search, one union's reader:", measure(conn, union, search, 20))

years = range(2017, 2027)
national = [f"/api/v1/activity-totals?from={y}-01&to={y}-12" for y in years]
print("national year totals from the live table:", measure(conn, admin, national, 20))
lists = [f"/api/v1/delegations?year={y}&per_page=50" for y in years] + [f"/api/v1/delegations?year={y}&country=LA&state=reported&per_page=50" for y in years]
print("delegation lists (50 per page, filtered by year/country/state):", measure(conn, admin, lists, 5))
events = [f"/api/v1/events?year={y}&per_page=50" for y in years] + [f"/api/v1/events?year={y}&type=contest&per_page=50" for y in years]
print("event lists (50 per page):", measure(conn, admin, events, 5))
