"""serve: a read-only SPARQL 1.1 Protocol endpoint over a store (or a graph file).

    kg serve corpus.oxigraph/ --port 7878       # then http://127.0.0.1:7878/sparql

GET /sparql?query=..., POST form (query=...) or POST application/sparql-query. Results as
SPARQL JSON (the default), XML, CSV or TSV by the Accept header or a `format` parameter;
CONSTRUCT and DESCRIBE as N-Triples or Turtle. The default graph is the union of the
articles' named graphs (see kg/store.py) unless `default-graph-uri` says otherwise. Updates (`update=`,
application/sparql-update), LOAD and SERVICE are refused; a query that runs longer than
the timeout gets 503.
"""
from __future__ import annotations

import re
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as QueryTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

RESULT_TYPES = {  # media type → (format parameter, pyoxigraph format)
    "application/sparql-results+json": ("json", ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": ("xml", ox.QueryResultsFormat.XML),
    "text/csv": ("csv", ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": ("tsv", ox.QueryResultsFormat.TSV),
}
GRAPH_TYPES = {"application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES), "text/turtle": ("ttl", ox.RdfFormat.TURTLE)}
ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "csv": "text/csv", "tsv": "text/tab-separated-values", "nt": "application/n-triples",
           "ttl": "text/turtle", "turtle": "text/turtle", "application/json": "application/sparql-results+json"}
_QUOTED = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*')
_REFUSED = re.compile(r"(?<![?$:\w])(SERVICE|LOAD|INSERT|DELETE|CLEAR|DROP|CREATE|COPY|MOVE|ADD)(?![:\w])",
                      re.IGNORECASE)
MAX_QUERY = 100_000


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def refused_keyword(sparql: str) -> str | None:
    """The first update or federation keyword outside strings, IRIs and comments, if any."""
    match = _REFUSED.search(_QUOTED.sub(" ", sparql))
    return match.group(1).upper() if match else None


def choose_type(accept: str, fmt: str | None, graph_result: bool) -> str:
    table = GRAPH_TYPES if graph_result else RESULT_TYPES
    wanted = [ALIASES.get(fmt, fmt)] if fmt else [
        ALIASES.get(part.split(";")[0].strip(), part.split(";")[0].strip()) for part in (accept or "").split(",")]
    for media in wanted:
        if media in table:
            return media
    if fmt:
        raise Refused(406, f"unsupported format {fmt!r}")
    return next(iter(table))


class Endpoint:
    """Answers SPARQL queries on a pyoxigraph Store, each within `timeout` seconds."""

    def __init__(self, store: ox.Store, timeout: float = 30.0, workers: int = 4):
        self.store = store
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="sparql")

    def answer(self, sparql: str, accept: str, fmt: str | None, default_graphs: list[str]) -> tuple[str, bytes]:
        if not sparql.strip():
            raise Refused(400, "no query")
        if len(sparql) > MAX_QUERY:
            raise Refused(413, "query too long")
        keyword = refused_keyword(sparql)
        if keyword:
            raise Refused(403, f"{keyword} is not allowed: this endpoint is read-only")
        future = self.pool.submit(self._run, sparql, accept, fmt, default_graphs)
        try:
            return future.result(timeout=self.timeout)
        except QueryTimeout:
            raise Refused(503, f"query timeout ({self.timeout:g} s)") from None

    def _run(self, sparql, accept, fmt, default_graphs):
        options = ({"default_graph": [ox.NamedNode(g) for g in default_graphs]} if default_graphs
                   else {})
        try:
            result = self.store.query(sparql, **options)
        except SyntaxError as exc:
            raise Refused(400, f"bad query: {str(exc).splitlines()[0][:300]}") from None
        if isinstance(result, ox.QueryTriples):
            media = choose_type(accept, fmt, True)
            return media, ox.serialize(result, format=GRAPH_TYPES[media][1])
        media = choose_type(accept, fmt, False)
        if isinstance(result, ox.QueryBoolean) and media in ("text/csv", "text/tab-separated-values"):
            media = "application/sparql-results+json"
        return media, result.serialize(format=RESULT_TYPES[media][1])


def handler_for(endpoint: Endpoint, quiet: bool = True):
    class SparqlHandler(BaseHTTPRequestHandler):
        server_version = "kg-serve"

        def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
            if not quiet:
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

        def _send(self, status: int, media: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, params: dict[str, list[str]], body_query: str | None = None) -> None:
            try:
                if "update" in params:
                    raise Refused(403, "updates are not allowed: this endpoint is read-only")
                sparql = body_query if body_query is not None else (params.get("query") or [""])[0]
                fmt = (params.get("format") or params.get("output") or [None])[0]
                media, body = endpoint.answer(sparql, self.headers.get("Accept", ""), fmt,
                                              params.get("default-graph-uri", []))
                self._send(200, media, body)
            except Refused as exc:
                self._send(exc.status, "text/plain", (str(exc) + "\n").encode("utf-8"))

        def do_GET(self):  # noqa: N802 (the stdlib's name)
            url = urllib.parse.urlsplit(self.path)
            if url.path not in ("/sparql", "/query", "/"):
                return self._send(404, "text/plain", b"not found: the endpoint is /sparql\n")
            params = urllib.parse.parse_qs(url.query)
            if url.path == "/" and "query" not in params:
                return self._send(200, "text/plain", b"kg SPARQL endpoint: GET or POST /sparql?query=...\n")
            self._answer(params)

        def do_POST(self):  # noqa: N802
            url = urllib.parse.urlsplit(self.path)
            if url.path not in ("/sparql", "/query", "/"):
                return self._send(404, "text/plain", b"not found: the endpoint is /sparql\n")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_QUERY * 4:
                return self._send(413, "text/plain", b"request too large\n")
            body = self.rfile.read(length).decode("utf-8", "replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            params = urllib.parse.parse_qs(url.query)
            if media == "application/sparql-update":
                return self._send(403, "text/plain", b"updates are not allowed: this endpoint is read-only\n")
            if media == "application/sparql-query":
                return self._answer(params, body)
            params.update(urllib.parse.parse_qs(body))
            self._answer(params)

        def do_PUT(self):  # noqa: N802
            self._send(403, "text/plain", b"read-only endpoint\n")

        do_DELETE = do_PATCH = do_PUT

    return SparqlHandler


def make_server(store: ox.Store, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                quiet: bool = True) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler_for(Endpoint(store, timeout), quiet))
    server.daemon_threads = True
    return server


def serve_in_thread(store: ox.Store, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0):
    """A running endpoint (for tests and notebooks): the server and its base URL."""
    server = make_server(store, host, port, timeout)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/sparql"
