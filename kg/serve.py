"""serve: a read-only SPARQL 1.1 Protocol endpoint over a store (or a graph file).

    kg serve corpus.oxigraph/ --port 7878       # then http://127.0.0.1:7878/sparql

GET /sparql?query=..., POST form (query=...) or POST application/sparql-query. Results as
SPARQL JSON (the default), XML, CSV or TSV by the Accept header or a `format` parameter;
CONSTRUCT and DESCRIBE as N-Triples or Turtle. The default graph is the union of the
articles' named graphs (see kg/store.py) unless `default-graph-uri` says otherwise. Updates (`update=`,
application/sparql-update), LOAD and SERVICE are refused; a query that runs longer than
the timeout gets 503. Over a store folder (`kg serve corpus.oxigraph/`) queries run in worker
processes, each with the store open read-only, and a query past its timeout is stopped by
ending its process: Oxigraph cannot cancel a query, and a thread left running would hold its
worker (one slow query, asked by a few clients, would leave none for anybody). Over a store in
memory (a graph file, tests) they run in threads, and a query past its timeout runs on.

Nothing outside the store is ever read. Oxigraph takes the IRIs of FROM and FROM NAMED as
names of graphs in the store and never dereferences them (no file, no network); SERVICE is
the one construct that reaches the network, and it is refused: the keyword check lexes the
query as SPARQL does (strings, IRIs, comments, prefixed names, tokens written without
spaces between them). A dataset that names a graph the store does not hold (FROM, FROM
NAMED, `default-graph-uri`, `named-graph-uri`) is refused with 400, so that
`FROM <file:///etc/passwd>` gets an answer saying why it would see nothing.

A result of more than `max_rows` solutions (triples, for CONSTRUCT and DESCRIBE) is refused
with 422 and a message saying so, never cut short: a client that gets 200 has the whole
answer. `max_rows=0` sets no limit. Errors are one line of text/plain, never a traceback.
"""
from __future__ import annotations

import queue
import re
import sys
import threading
import time
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
REFUSED = ("SERVICE", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD")
MAX_QUERY = 100_000
MAX_NESTING = 200  # brackets a query may nest (Oxigraph's parser overflows its stack near 2,000)
MAX_ROWS = 100_000
NOT_IN_STORE = "not a graph of this store (kg serve reads only its store: no file, no network)"

# The SPARQL 1.1 terminals that can hide a keyword (comments, IRIs, strings, variables), each
# exactly as the grammar has them, so that nothing the engine reads as a keyword is skipped; a
# comment ends at a carriage return as at a line feed. Any other run of name characters is a
# "word": a keyword, a prefixed name, a number, a blank node.
_NAME_CHAR = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
              "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff_0-9")
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = "\\\\[tbnrf\"'\\\\]|" + _UCHAR
_STRINGS = ["'''(?:(?:'|'')?(?:[^'\\\\]|" + _ECHAR + "))*'''",
            '"""(?:(?:"|"")?(?:[^"\\\\]|' + _ECHAR + '))*"""',
            "'(?:[^'\\\\\\n\\r]|" + _ECHAR + ")*'",
            '"(?:[^"\\\\\\n\\r]|' + _ECHAR + ')*"']
_TOKEN = re.compile("|".join([
    r"(?P<space>\s+)",
    r"(?P<comment>#[^\r\n]*)",
    r"(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|" + _UCHAR + r")*>)",
    "(?P<string>" + "|".join(_STRINGS) + ")",
    "(?P<var>[?$][" + _NAME_CHAR + "][" + _NAME_CHAR + "\u00b7\u0300-\u036f\u203f-\u2040]*)",
    r"(?P<word>(?:[\w\-.:%]|\\.)+)",
    "(?P<quote>['\"])",
    r"(?P<other>.)",
]), re.DOTALL)
_UNESCAPE = re.compile(_UCHAR)


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def tokens(sparql: str):
    """(kind, text) of each token of a query. A quote that opens no valid string makes the
    rest of the query one word, read for keywords with nothing skipped."""
    position = 0
    while position < len(sparql):
        match = _TOKEN.match(sparql, position)
        if match.lastgroup == "quote":
            yield "word", sparql[position:]
            return
        yield match.lastgroup, match.group()
        position = match.end()


def nesting_depth(sparql: str) -> int:
    """How deep a query nests its brackets ({ ( [) outside strings, IRIs and comments."""
    depth = deepest = 0
    for kind, token in tokens(sparql):
        if kind == "other":
            if token in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif token in "})]":
                depth -= 1
    return deepest


def _keyword_in(word: str) -> str | None:
    """The refused keyword a word holds where the engine could read one. SPARQL needs no space
    between tokens (`1SERVICE`, `trueSERVICE`, `?o.SERVICE`, `SERVICE:x` all call a service in
    Oxigraph), so SERVICE counts anywhere in a word except the local part of a prefixed name;
    the other keywords only as whole words (a query cannot run them at all)."""
    for i, piece in enumerate(word.split(".")):
        exposed = (piece if i else piece.partition(":")[0]).upper()
        if "SERVICE" in exposed:
            return "SERVICE"
        if exposed in REFUSED:
            return exposed
    return None


def _unescaped(sparql: str) -> str:
    def char(match):
        code = int(match.group()[2:], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()
    return _UNESCAPE.sub(char, sparql)


def refused_keyword(sparql: str) -> str | None:
    """The first update or federation keyword outside strings, IRIs and comments, if any; the
    query is read as written and with its \\u escapes decoded, should an engine decode them."""
    for text in (sparql, _unescaped(sparql)):
        for kind, token in tokens(text):
            keyword = _keyword_in(token) if kind == "word" else None
            if keyword:
                return keyword
    return None


def dataset_graphs(sparql: str) -> list[str]:
    """The IRIs of a query's FROM and FROM NAMED clauses, prefixed names expanded and relative
    IRIs resolved against BASE."""
    prefixes: dict[str, str] = {}
    base = ""
    graphs = []
    meaningful = [(k, t) for k, t in tokens(sparql) if k not in ("space", "comment")]

    def iri(kind, text):
        if kind == "iri":
            value = _unescaped(text[1:-1])
            return urllib.parse.urljoin(base, value) if base else value
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            raise Refused(400, f"bad query: undeclared prefix {prefix + ':'!r}")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    for i, (kind, text) in enumerate(meaningful):
        if kind != "word":
            continue
        keyword, following = text.upper(), meaningful[i + 1:i + 3]
        if keyword == "PREFIX" and len(following) == 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = iri(*following[1])
        elif keyword == "BASE" and following and following[0][0] == "iri":
            base = iri(*following[0])
        elif keyword == "FROM" and following:
            if following[0][0] == "word" and following[0][1].upper() == "NAMED":
                following = following[1:]
            if following and (following[0][0] == "iri" or ":" in following[0][1]):
                graphs.append(iri(*following[0]))
    return graphs


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


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _tsv_term(term) -> str:
    """A term as SPARQL TSV writes it (N-Triples; an RDF 1.2 triple term in <<( )>>)."""
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    return str(term)


class Evaluator:
    """Runs one query on a pyoxigraph Store: (status, media type, body), never an exception
    (whose traceback would keep pyoxigraph's results, bound to their thread, alive elsewhere)."""

    def __init__(self, store: ox.Store, timeout: float, max_rows: int):
        self.store, self.timeout, self.max_rows = store, timeout, max_rows

    def run(self, sparql: str, accept: str, fmt: str | None, default_graphs: list[str], named_graphs: list[str],
            deadline: float) -> tuple[int, str, bytes | str]:
        try:
            return 200, *self._evaluate(sparql, accept, fmt, default_graphs, named_graphs, deadline)
        except Refused as exc:
            return exc.status, "text/plain", str(exc)
        except Exception as exc:  # the engine's RuntimeError, OSError...: one line, no traceback
            return 500, "text/plain", f"query failed: {_first_line(exc)}"

    def _bounded(self, results, deadline: float) -> list:
        """The results as a list, refused past max_rows; stops at the deadline."""
        rows = []
        for row in results:
            rows.append(row)
            if self.max_rows and len(rows) > self.max_rows:
                raise Refused(422, f"result too large: more than {self.max_rows:,} rows (this endpoint's "
                                   f"--max-rows); add a LIMIT or narrow the query")
            if not len(rows) % 1024 and time.monotonic() > deadline:
                raise Refused(503, f"query timeout ({self.timeout:g} s)")
        return rows

    def _evaluate(self, sparql, accept, fmt, default_graphs, named_graphs, deadline):
        options = {}
        if default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(sparql, **options)
        except SyntaxError as exc:
            raise Refused(400, f"bad query: {_first_line(exc)}") from None
        if isinstance(result, ox.QueryTriples):
            media = choose_type(accept, fmt, True)
            return media, ox.serialize(self._bounded(result, deadline), format=GRAPH_TYPES[media][1])
        media = choose_type(accept, fmt, False)
        if isinstance(result, ox.QueryBoolean):
            if media in ("text/csv", "text/tab-separated-values"):
                media = "application/sparql-results+json"
            return media, result.serialize(format=RESULT_TYPES[media][1])
        # Counted solutions go back through TSV (N-Triples terms: lossless) to Oxigraph's writers.
        variables = result.variables
        rows = self._bounded(result, deadline)
        tsv = "\t".join(str(v) for v in variables) + "\n" + "".join(
            "\t".join(_tsv_term(term) for term in row) + "\n" for row in rows)
        solutions = ox.parse_query_results(tsv.encode("utf-8"), ox.QueryResultsFormat.TSV)
        return media, solutions.serialize(format=RESULT_TYPES[media][1])


def _answer_queries(location: str, timeout: float, max_rows: int, conn) -> None:
    """A query process: the store opened read-only, queries in, answers out, until the pipe closes."""
    evaluator = Evaluator(ox.Store.read_only(location), timeout, max_rows)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(evaluator.run(*job))


class QueryProcesses:
    """Worker processes that each hold the store open read-only. Oxigraph cannot stop a running
    query, so a query past its deadline is stopped by ending its process, and another takes its
    place: a slow query costs its client a 503, not the endpoint its workers."""

    def __init__(self, location: str, workers: int, timeout: float, max_rows: int):
        import multiprocessing

        self.context = multiprocessing.get_context("spawn")
        self.args = (location, timeout, max_rows)
        self.idle: queue.Queue = queue.Queue()
        self.processes: set = set()
        self.closed = False
        for _ in range(workers):
            self.idle.put(self._start())

    def _start(self):
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_answer_queries, args=(*self.args, child), daemon=True,
                                       name="kg-serve-query")
        process.start()
        child.close()
        self.processes.add(process)
        return process, parent

    def run(self, job: tuple, deadline: float) -> tuple[int, str, bytes | str]:
        timeout = f"query timeout ({self.args[1]:g} s)"
        try:
            process, conn = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return 503, "text/plain", timeout + ": every query process is busy"
        try:
            conn.send(job)
            if conn.poll(max(0.0, deadline - time.monotonic())):
                answer = conn.recv()
                self.idle.put((process, conn))
                return answer
            answer = (503, "text/plain", timeout)
        except (EOFError, OSError):
            answer = (500, "text/plain", "query failed: its process ended")
        self._replace(process, conn)
        return answer

    def _replace(self, process, conn) -> None:
        process.kill()
        process.join(5)
        conn.close()
        self.processes.discard(process)
        if not self.closed:  # (a query that times out while the server stops starts no process)
            self.idle.put(self._start())

    def close(self) -> None:
        self.closed = True
        for process in list(self.processes):
            process.kill()
            process.join(5)
        self.processes.clear()


class Endpoint:
    """Answers SPARQL queries on a pyoxigraph Store, each within `timeout` seconds and
    `max_rows` rows (0: no limit). Given the store's folder (`location`), queries run in
    `workers` processes that a timeout ends; otherwise (a store in memory) in threads, where a
    query past its timeout gets its 503 but runs on to its end."""

    def __init__(self, store: ox.Store, timeout: float = 30.0, workers: int = 4, max_rows: int = MAX_ROWS,
                 location: str | None = None):
        if max_rows < 0:
            raise ValueError(f"--max-rows must be 0 (no limit) or more, not {max_rows}")
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.evaluator = Evaluator(store, timeout, max_rows)
        self.processes = QueryProcesses(location, workers, timeout, max_rows) if location else None
        self.pool = None if self.processes else ThreadPoolExecutor(workers, thread_name_prefix="sparql")

    def answer(self, sparql: str, accept: str, fmt: str | None, default_graphs: list[str],
               named_graphs: list[str] | None = None) -> tuple[str, bytes]:
        if not sparql.strip():
            raise Refused(400, "no query")
        if len(sparql) > MAX_QUERY:
            raise Refused(413, "query too long")
        if nesting_depth(sparql) > MAX_NESTING:
            raise Refused(400, f"query nested too deeply (at most {MAX_NESTING} brackets)")
        keyword = refused_keyword(sparql)
        if keyword:
            raise Refused(403, f"{keyword} is not allowed: this endpoint is read-only and reads only its store")
        self._check_graphs(default_graphs, "default-graph-uri")
        self._check_graphs(named_graphs or [], "named-graph-uri")
        self._check_graphs(dataset_graphs(sparql), "FROM")
        deadline = time.monotonic() + self.timeout
        job = (sparql, accept, fmt, list(default_graphs), list(named_graphs or []), deadline)
        if self.processes:
            status, media, body = self.processes.run(job, deadline)
        else:
            future = self.pool.submit(self.evaluator.run, *job)
            try:
                status, media, body = future.result(timeout=self.timeout)
            except QueryTimeout:
                raise Refused(503, f"query timeout ({self.timeout:g} s)") from None
        if status != 200:
            raise Refused(status, body)
        return media, body

    def _check_graphs(self, iris: list[str], where: str) -> None:
        for value in iris:
            try:
                node = ox.NamedNode(value)
            except ValueError:
                raise Refused(400, f"{where} <{value}>: not a valid IRI") from None
            if not self.store.contains_named_graph(node):
                raise Refused(400, f"{where} <{value}>: {NOT_IN_STORE}")

    def close(self) -> None:
        if self.processes:
            self.processes.close()
        if self.pool:
            self.pool.shutdown(wait=False, cancel_futures=True)


def handler_for(endpoint: Endpoint, quiet: bool = True):
    class SparqlHandler(BaseHTTPRequestHandler):
        server_version = "kg-serve"
        timeout = 120  # seconds a client may take to send its request

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
                                              params.get("default-graph-uri", []),
                                              params.get("named-graph-uri", []))
                self._send(200, media, body)
            except Refused as exc:
                self._send(exc.status, "text/plain", (str(exc) + "\n").encode("utf-8"))
            except Exception as exc:  # never a traceback to the client or the console
                sys.stderr.write(f"kg serve: internal error: {_first_line(exc)}\n")
                self._send(500, "text/plain", b"internal error\n")

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
            if url.path in ("/update", "/data", "/store"):  # where other endpoints take writes
                return self._send(403, "text/plain", b"updates are not allowed: this endpoint is read-only\n")
            if url.path not in ("/sparql", "/query", "/"):
                return self._send(404, "text/plain", b"not found: the endpoint is /sparql\n")
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit():
                return self._send(400, "text/plain", b"bad Content-Length\n")
            if int(length) > MAX_QUERY * 4:
                return self._send(413, "text/plain", b"request too large\n")
            body = self.rfile.read(int(length)).decode("utf-8", "replace")
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


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the stdlib's 5 drops connections when a few clients arrive at once
    endpoint: Endpoint | None = None  # (None until bound: a busy port closes the server before)

    def server_close(self) -> None:
        super().server_close()
        if self.endpoint is not None:
            self.endpoint.close()


def make_server(store, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                quiet: bool = True, max_rows: int = MAX_ROWS, workers: int = 4) -> ThreadingHTTPServer:
    """An endpoint over a pyoxigraph Store, or over a kg store (kg.store.open_store): an Oxigraph
    folder is queried in worker processes, which a timeout ends."""
    location = str(store.index_path.parent) if getattr(store, "kind", "") == "oxigraph" else None
    endpoint = Endpoint(getattr(store, "store", store), timeout, workers, max_rows, location)
    try:
        server = SparqlServer((host, port), handler_for(endpoint, quiet))
    except OSError:
        endpoint.close()
        raise
    server.endpoint = endpoint
    return server


def serve_in_thread(store, host: str = "127.0.0.1", port: int = 0, timeout: float = 30.0,
                    max_rows: int = MAX_ROWS, workers: int = 4):
    """A running endpoint (for tests and notebooks): the server and its base URL."""
    server = make_server(store, host, port, timeout, max_rows=max_rows, workers=workers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}/sparql"
