"""The national annual summary on national-scale data: the server's answer (both readings, with
year-over-year) timed over one keep-alive connection, then the same figures computed by DuckDB
from the raw records, timed in the same run and checked against the server's.

Usage: bench_national.py BASE_URL SQLITE_FILE|POSTGRES_URL"""
import csv
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

import duckdb

base = urllib.parse.urlparse(sys.argv[1])
source = sys.argv[2]
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=60)


def get(path, tok):
    conn.request("GET", path, headers={"authorization": f"Bearer {tok}"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200, (path, resp.status, body[:300])
    return json.loads(body)


def rss():
    with open(f"/proc/{os.environ['BENCH_PID']}/status") as f:
        return next(line.split()[1] for line in f if line.startswith("VmRSS")) + " kB"


conn.request("POST", "/api/v1/auth/token", json.dumps({"email": "admin@demo.amity", "password": "amity-demo"}), {"content-type": "application/json"})
admin = json.loads(conn.getresponse().read())["token"]
roots = [u for u in get("/api/v1/org-units?kind=central&per_page=100", admin)["items"] if (u.get("code") or "").startswith("GEN-")]
root = roots[-1]["id"]
this_year = time.localtime().tm_year
year = this_year - 1

# The server.
timings = {}
answers = {}
for structure in ("then", "current"):
    paths = [f"/api/v1/reports/summary?unit={root}&period={y}&structure={structure}" for y in range(this_year - 8, this_year)]
    for p in paths[:2]:
        get(p, admin)  # warm-up
    times = []
    for _ in range(5):
        for p in paths:
            start = time.perf_counter()
            answer = get(p, admin)
            times.append((time.perf_counter() - start) * 1000)
            answers[(structure, answer["period"])] = answer
    times.sort()
    timings[structure] = {"n": len(times), "p50_ms": round(times[len(times) // 2], 2), "p95_ms": round(times[int(len(times) * 0.95)], 2), "max_ms": round(times[-1], 2)}
    print(f"server summary, national, year over year, structure={structure}:", timings[structure], "RSS", rss())
summary = answers[("then", str(year))]
print(f"data: {summary['units_counted']} units counted in {year}; parts: {len(summary['parts'])}")

# The raw records, out of the server's database into CSV files DuckDB reads.
queries = {
    "parents": "SELECT unit_id, parent_id, valid_from, valid_to FROM org_parents",
    "delegations": "SELECT id, owner_unit_id, direction, state, start_on FROM delegations",
    "legs": "SELECT l.delegation_id, c.code FROM delegation_legs l JOIN countries c ON c.id = l.country_id",
    "events": "SELECT id, owner_unit_id, event_type, start_on, participants, foreign_participants FROM events",
    "event_countries": "SELECT a.record_id, c.code FROM activity_links a JOIN countries c ON c.id = a.target_id WHERE a.record_type = 'event' AND a.link_type = 'country'",
}
tmp = tempfile.mkdtemp(prefix="amity-duckdb-")
start = time.perf_counter()
for name, sql in queries.items():
    path = os.path.join(tmp, f"{name}.csv")
    if source.startswith("postgres"):
        subprocess.run(["psql", source, "-q", "-c", f"\\copy ({sql}) TO '{path}' CSV HEADER"], check=True)
    else:
        with sqlite3.connect(source) as db, open(path, "w", newline="") as f:
            cur = db.execute(sql)
            w = csv.writer(f)
            w.writerow([d[0] for d in cur.description])
            while rows := cur.fetchmany(100_000):
                w.writerows(rows)
export_s = time.perf_counter() - start

duck = duckdb.connect()
start = time.perf_counter()
for name in queries:
    duck.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv_auto('{os.path.join(tmp, name + '.csv')}', header = true)")
load_s = time.perf_counter() - start
records = duck.execute("SELECT (SELECT count(*) FROM delegations) + (SELECT count(*) FROM events)").fetchone()[0]
print(f"raw records: {records:,} delegations and events; exported to CSV in {export_s:.1f} s, loaded into DuckDB in {load_s:.1f} s")

# The same summary from the raw records: each record's owner mapped to the root's direct child
# (as organized in the period), and every indicator counted per part, for the year and the one before.
SUMMARY = """
WITH RECURSIVE period AS (SELECT CAST(? AS DATE) AS s, CAST(? AS DATE) AS e),
tree(unit_id, part) AS (
    SELECT p.unit_id, p.unit_id FROM parents p, period
    WHERE p.parent_id = ? AND p.valid_from <= period.e AND (p.valid_to IS NULL OR p.valid_to > period.s)
    UNION ALL
    SELECT p.unit_id, tree.part FROM parents p JOIN tree ON p.parent_id = tree.unit_id, period
    WHERE p.valid_from <= period.e AND (p.valid_to IS NULL OR p.valid_to > period.s)
),
d AS (SELECT d.*, tree.part FROM delegations d JOIN tree ON tree.unit_id = d.owner_unit_id, period
      WHERE d.start_on BETWEEN period.s AND period.e AND d.state IN ('approved', 'completed', 'reported')),
e AS (SELECT e.*, tree.part FROM events e JOIN tree ON tree.unit_id = e.owner_unit_id, period
      WHERE e.start_on BETWEEN period.s AND period.e),
reached AS (
    SELECT d.part, l.code FROM d JOIN legs l ON l.delegation_id = d.id WHERE l.code <> 'VN'
    UNION SELECT e.part, c.code FROM e JOIN event_countries c ON c.record_id = e.id WHERE c.code <> 'VN'
),
parts AS (SELECT DISTINCT part FROM tree)
SELECT parts.part,
    (SELECT count(*) FROM d WHERE d.part = parts.part AND d.direction = 'outbound'),
    (SELECT count(*) FROM d WHERE d.part = parts.part AND d.direction = 'inbound'),
    (SELECT count(*) FROM e WHERE e.part = parts.part),
    (SELECT count(*) FROM e WHERE e.part = parts.part AND e.event_type = 'friendship_exchange'),
    (SELECT count(*) FROM e WHERE e.part = parts.part AND e.event_type = 'conference'),
    (SELECT count(*) FROM e WHERE e.part = parts.part AND e.event_type = 'humanitarian_support'),
    (SELECT coalesce(sum(participants), 0) FROM e WHERE e.part = parts.part),
    (SELECT coalesce(sum(foreign_participants), 0) FROM e WHERE e.part = parts.part),
    (SELECT count(DISTINCT code) FROM reached WHERE reached.part = parts.part)
FROM parts ORDER BY parts.part
"""
CODES = ["delegations_out", "delegations_in", "events", "events_friendship", "events_conference", "events_humanitarian", "participants", "foreign_participants", "countries_reached"]


def duck_summary(y):
    rows = duck.execute(SUMMARY, [f"{y}-01-01", f"{y}-12-31", root]).fetchall()
    return {r[0]: dict(zip(CODES, r[1:])) for r in rows}


duck_summary(year)  # warm-up
times = []
for _ in range(5):
    start = time.perf_counter()
    now, before = duck_summary(year), duck_summary(year - 1)
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print("duckdb, same summary from the raw records (year and the year before):", {"n": len(times), "p50_ms": round(times[len(times) // 2], 2), "max_ms": round(times[-1], 2)})

# The two must agree, part by part and indicator by indicator, in both readings and both years.
mismatches = 0
for structure in ("then", "current"):
    for y, computed in ((year, now), (year - 1, before)):
        server = {p["unit_id"]: p["values"] for p in answers[(structure, str(y))]["parts"]}
        for part, values in computed.items():
            for code, v in values.items():
                if server.get(part, {}).get(code) != v:
                    mismatches += 1
                    if mismatches <= 5:
                        print("MISMATCH", structure, y, part, code, "server", server.get(part, {}).get(code), "duckdb", v)
print(f"server and DuckDB agree on {len(now)} parts × {len(CODES)} indicators × 2 years × 2 readings: {'yes' if mismatches == 0 else f'no, {mismatches} differ'}")
