"""Measures the aid queries against a running Amity server filled by scripts/bench_aid.sh
(sequential requests over one keep-alive connection), and validates one province-year's IATI
file with xmllint against the 2.03 schema."""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(base.hostname, base.port, timeout=120)
SCHEMA = os.path.join(os.path.dirname(__file__), "..", "data", "reference", "iati", "iati-activities-schema.xsd")


def call(method, path, tok=None, body=None):
    headers = {"content-type": "application/json"}
    if tok:
        headers["authorization"] = f"Bearer {tok}"
    start = time.perf_counter()
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    resp = conn.getresponse()
    data = resp.read()
    ms = (time.perf_counter() - start) * 1000
    assert resp.status == 200 or resp.status == 201, (path, resp.status, data[:300])
    return data, ms


def measure(tok, paths, rounds):
    times = []
    for _ in range(rounds):
        for path in paths:
            times.append(call("GET", path, tok)[1])
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return f"n={len(times)} p50 {p(0.5):.2f} ms, p95 {p(0.95):.2f} ms, max {times[-1]:.2f} ms"


tok = json.loads(call("POST", "/api/v1/auth/token", body={"email": "vufo@demo.amity", "password": "amity-demo"})[0])["token"]
projects = json.loads(call("GET", "/api/v1/aid/projects?per_page=1", tok)[0])["total"]
ngos = json.loads(call("GET", "/api/v1/ngos?per_page=1", tok)[0])["total"]
generated = [u for u in json.loads(call("GET", "/api/v1/org-units?per_page=500", tok)[0])["items"] if (u.get("code") or "").startswith("G") and "-P" in (u.get("code") or "")]
province = generated[0]["id"]
print(f"data: {projects} aid projects, {ngos} NGOs, {len(generated)} generated provinces")

years = list(range(2018, 2027))
national = [f"/api/v1/aid/dashboard?year={y}" for y in years]
one = [f"/api/v1/aid/dashboard?year={y}&unit={province}" for y in years]
measure(tok, national[:2], 1)  # warm-up
print("dashboard, national (9 years × 5):", measure(tok, national, 5))
d = json.loads(call("GET", "/api/v1/aid/dashboard?year=2025", tok)[0])
print(f"  2025: committed {d['committed']['vnd']} đồng / {d['committed']['usd']} USD, disbursed {d['disbursed']['vnd']} đồng / {d['disbursed']['usd']} USD, {d['active_projects']} projects under way, {len(d['by_unit'])} units, {len(d['by_sector'])} sectors, {len(d['by_country'])} countries")
print("dashboard, one province (9 years × 5):", measure(tok, one, 5))
print("aid page, national 2025 (× 10):", measure(tok, ["/aid?year=2025"], 10))
iati = [f"/api/v1/aid/iati.xml?year={y}&unit={province}" for y in years]
print("IATI file, one province-year (9 years × 5):", measure(tok, iati, 5))
xml, ms = call("GET", f"/api/v1/aid/iati.xml?year=2025&unit={province}", tok)
with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as f:
    f.write(xml)
check = subprocess.run(["xmllint", "--noout", "--schema", SCHEMA, f.name], capture_output=True, text=True)
os.unlink(f.name)
print(f"  2025 file: {len(xml)} bytes, {xml.count(b'<iati-activity ')} activities, {xml.count(b'<transaction>')} transactions, xmllint: {check.stderr.strip().splitlines()[-1]}")
print("NGO registry, first page of 50 (× 10):", measure(tok, ["/api/v1/ngos?per_page=50"], 10))
print("NGO registry, needing attention (× 10):", measure(tok, ["/api/v1/ngos?needs_attention=true&per_page=50"], 10))
