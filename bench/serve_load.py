"""Load on `kg serve`: concurrent clients firing the example queries over loopback.

Starts `kg serve` on a store (a small one built here from examples/articles/ unless a path
is given), then CLIENTS threads send QUERIES requests in all (stdlib urllib, GET and POST,
JSON, CSV, TSV and XML answers): every query of examples/queries/, a few others (ASK,
COUNT, CONSTRUCT, GRAPH, FROM NAMED) and two that must be refused (SERVICE, an update).
Prints latency percentiles, queries per second and the number of errors (a status other
than the one expected, or no answer); exits 1 if there is any.

    python bench/serve_load.py [STORE] [--clients 8] [--queries 400] [--skip who-spoke-to]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "examples" / "queries"
ACCEPTS = ("application/sparql-results+json", "text/csv", "text/tab-separated-values",
           "application/sparql-results+xml")
OTHERS = {
    "ask": "ASK { ?s a ?class }",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 200",
    "per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "labels-ar": "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                 "FILTER(langMatches(lang(?l), 'ar')) } LIMIT 500",
}
REFUSED = {  # must come back with this status, never run
    "service": ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403),
    "update": ("CLEAR ALL", 403),
}


def build_store(folder: Path) -> Path:
    store = folder / "store"
    subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "examples" / "articles"), "--store", str(store),
                    "--jobs", "1", "-q"], check=True, cwd=ROOT)
    return store


def start_server(store: Path, max_rows: int | None = None) -> tuple[subprocess.Popen, str]:
    """`kg serve` on a free port; its URL read from the line it prints once listening."""
    command = [sys.executable, "-m", "kg", "serve", str(store), "--port", "0", "-q"]
    if max_rows is not None:
        command += ["--max-rows", str(max_rows)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stderr.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not line or "http://" not in line[0]:
        proc.kill()
        raise RuntimeError(f"kg serve did not start: {(line or ['no output'])[0].strip()}")
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep its pipe drained
    return proc, line[0].split()[2]


def workload(store_graph: str | None, skip: tuple[str, ...] = ()) -> list[tuple[str, str, int]]:
    """(name, query, expected status) of every query the clients send, in turn; `skip` names
    queries to leave out."""
    work = [(p.stem, p.read_text(encoding="utf-8"), 200) for p in sorted(QUERIES.glob("*.rq"))]
    work += [(name, q, 200) for name, q in OTHERS.items()]
    if store_graph:
        work.append(("from-named", f"SELECT (COUNT(*) AS ?n) FROM NAMED <{store_graph}> "
                                   f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", 200))
    work += [(name, q, status) for name, (q, status) in REFUSED.items()]
    return [w for w in work if w[0] not in skip]


def one_request(url: str, name: str, query: str, i: int) -> tuple[int, int]:
    """Status and body size of one request: GET or POST form or POST sparql-query, in turn."""
    accept = ACCEPTS[i % len(ACCEPTS)]
    if name == "update":
        request = urllib.request.Request(url, data=query.encode("utf-8"),
                                         headers={"Content-Type": "application/sparql-update"})
    elif i % 3 == 0:
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": accept})
    elif i % 3 == 1:
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode("utf-8"),
                                         headers={"Accept": accept,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(url, data=query.encode("utf-8"),
                                         headers={"Accept": accept, "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def run(url: str, clients: int, queries: int, store_graph: str | None = None, skip: tuple[str, ...] = ()) -> dict:
    """Fire `queries` requests from `clients` threads; the figures."""
    work = workload(store_graph, skip)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        start.wait()
        for i in range(number, queries, clients):
            name, query, expected = work[i % len(work)]
            began = time.perf_counter()
            try:
                status, _ = one_request(url, name, query, i)
            except Exception as exc:  # a refused connection, a reset, a timeout: an error
                status = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if status != expected:
                    errors.append(f"{name}: {status} (expected {expected})")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ms = sorted(x * 1000 for x in latencies)

    def pct(p):
        return ms[min(len(ms) - 1, max(0, round(p / 100 * len(ms)) - 1))] if ms else 0.0

    return {"requests": len(latencies), "clients": clients, "kinds": len(work), "wall_s": wall,
            "qps": len(latencies) / wall if wall else 0.0, "p50_ms": pct(50), "p95_ms": pct(95),
            "p99_ms": pct(99), "max_ms": ms[-1] if ms else 0.0,
            "mean_ms": statistics.fmean(ms) if ms else 0.0, "errors": errors}


def a_store_graph(url: str) -> str | None:
    query = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=60) as response:
        rows = response.read().decode("utf-8").split()
    return rows[1] if len(rows) > 1 else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", nargs="?", type=Path,
                   help="an Oxigraph store folder (default: build one from examples/articles)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--queries", type=int, default=400, help="requests in all, shared by the clients")
    p.add_argument("--max-rows", type=int, help="passed to kg serve")
    p.add_argument("--skip", action="append", default=[], metavar="NAME",
                   help="leave out a query by name (e.g. who-spoke-to: minutes on a corpus store)")
    args = p.parse_args(argv)
    if args.clients < 1 or args.queries < 1:
        p.error("--clients and --queries must be 1 or more")

    with tempfile.TemporaryDirectory(prefix="kg-serve-load-") as tmp:
        if args.store is None:
            started = time.perf_counter()
            store = build_store(Path(tmp))
            print(f"store: built from examples/articles in {time.perf_counter() - started:.1f} s")
        else:
            store = args.store
        proc, url = start_server(store, args.max_rows)
        try:
            figures = run(url, args.clients, args.queries, a_store_graph(url), tuple(args.skip))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    f = figures
    print(f"kg serve {store}: {f['requests']} requests ({f['kinds']} kinds of query) from {f['clients']} clients "
          f"in {f['wall_s']:.2f} s")
    print(f"  {f['qps']:.1f} queries/s; latency ms: p50 {f['p50_ms']:.1f}  p95 {f['p95_ms']:.1f}  "
          f"p99 {f['p99_ms']:.1f}  max {f['max_ms']:.1f}  (mean {f['mean_ms']:.1f})")
    print(f"  errors: {len(f['errors'])}")
    for error in sorted(set(f["errors"]))[:10]:
        print(f"    {error}")
    return 1 if f["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
