"""export: a store or graph file → Turtle, N-Quads, TriG, JSON-LD, a GDELT-like CSV of events,
or a network (GraphML, GEXF, through kg/viz.py); and the counts `kg stats` prints.

Files are written as kg/output.py says (a temporary name renamed; `-` is standard output).
Statements are sorted, so the same graph gives the same bytes. N-Quads, TriG and JSON-LD hold
the articles' named graphs and, in the default graph, their union, as the store keeps it (so
that any tool that loads the file answers queries over the whole without a union-default-graph
setting).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.ingest import InputError
from kg.output import check_output, write_output
from kg.rdf import FORMATS as RDF_EXPORTS, PREFIXES, QUAD_FORMATS, quad_text, write
NETWORK_EXPORTS = ("graphml", "gexf")
EXPORT_FORMATS = (*RDF_EXPORTS, "csv", *NETWORK_EXPORTS)
EVENT_COLUMNS = ["GLOBALEVENTID", "SQLDATE", "EventCode", "EventRootCode", "Actor1Code", "Actor1Name",
                 "Actor1CountryCode", "Actor2Code", "Actor2Name", "Actor2CountryCode", "ActionGeo_FullName",
                 "ActionGeo_CountryCode", "NumMentions", "NumArticles", "SOURCEURL"]
_PRE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def oxigraph_of(store) -> ox.Store:
    """The pyoxigraph Store behind a kg store (a remote one is copied into memory)."""
    if hasattr(store, "store"):
        return store.store
    from kg.store import MemoryStore

    copy = MemoryStore()
    copy.store.bulk_load(store.dump_nquads(), ox.RdfFormat.N_QUADS)
    copy.materialize_union()
    return copy.store


def rdf_bytes(store: ox.Store, fmt: str) -> bytes:
    """Turtle and N-Triples hold the union of the articles' graphs (the store's default
    graph); N-Quads, TriG and JSON-LD the default graph and every article's named graph."""
    if fmt in QUAD_FORMATS:
        by_graph: dict[str | None, list[str]] = {}
        for q in store:
            graph = None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            by_graph.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object}")
        return write(quad_text(by_graph), fmt, quads=True)
    lines = sorted(f"{q.subject} {q.predicate} {q.object} .\n" for q in store.quads_for_pattern(
        None, None, None, ox.DefaultGraph()))
    return write("".join(lines), fmt, quads=False)


def _select(store: ox.Store, sparql: str):
    result = store.query(_PRE + sparql)
    names = [v.value for v in result.variables]
    for row in result:
        yield {n: (None if t is None else t.value) for n, t in zip(names, row)}


def events_csv(store: ox.Store) -> str:
    """One row per event, as GDELT's event table has them: day, CAMEO code, first agent and
    first patient (name, IRI, country), place, how many mentions and articles, a source URL."""
    events = {}
    for r in _select(store, "SELECT ?e ?code ?date WHERE { ?e a kg:Event ; kg:eventType ?code . "
                            "OPTIONAL { ?e kg:date ?date } }"):
        code = r["code"].rsplit("/", 1)[-1]
        current = events.setdefault(r["e"], {"codes": set(), "date": r["date"]})
        current["codes"].add(code)
    roles = defaultdict(lambda: defaultdict(set))
    for r in _select(store, "SELECT ?e ?role ?x WHERE { ?e a kg:Event ; ?role ?x . "
                            "FILTER(?role IN (kg:agent, kg:patient, kg:place)) }"):
        roles[r["e"]][r["role"].rsplit("#", 1)[-1]].add(r["x"])
    names = {r["x"]: r["label"] for r in _select(
        store, "SELECT ?x (MIN(?l) AS ?label) WHERE { ?x skos:prefLabel ?l . "
               "FILTER(isIRI(?x) && STRSTARTS(STR(?x), STR(id:))) } GROUP BY ?x")}
    countries = {r["x"]: r["cc"] for r in _select(store, "SELECT ?x ?cc WHERE { ?x kg:countryCode ?cc }")}
    counts = {r["e"]: (int(r["m"]), int(r["a"]), r["src"]) for r in _select(
        store, "SELECT ?e (COUNT(DISTINCT ?m) AS ?m) (COUNT(DISTINCT ?a) AS ?a) (MIN(?s) AS ?src) WHERE { "
               "?e a kg:Event ; prov:wasDerivedFrom ?a . OPTIONAL { ?e kg:mention ?m } "
               "OPTIONAL { ?a dcterms:source ?s } } GROUP BY ?e")}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EVENT_COLUMNS)

    def first(iris):
        return sorted(iris)[0] if iris else ""

    for iri, e in sorted(events.items(), key=lambda kv: (kv[1]["date"] is None, kv[1]["date"] or "", kv[0])):
        code = sorted(e["codes"])[0]
        agent, patient, place = (first(roles[iri][k]) for k in ("agent", "patient", "place"))
        mentions, articles, source = counts.get(iri, (0, 0, None))
        writer.writerow([iri, (e["date"] or "").replace("-", ""), code, code[:2],
                         agent, names.get(agent, ""), countries.get(agent, ""),
                         patient, names.get(patient, ""), countries.get(patient, ""),
                         names.get(place, ""), countries.get(place, ""), mentions, articles, source or ""])
    return out.getvalue()


def export(store, fmt: str, path: Path) -> None:
    """Write `store` as `fmt` to `path`, atomically."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    path = Path(path)
    check_output(path)
    if fmt in NETWORK_EXPORTS:
        from kg import viz

        viz.export_network(store.dataset(), fmt, path)
        return
    inner = oxigraph_of(store)
    data = events_csv(inner).encode("utf-8") if fmt == "csv" else rdf_bytes(inner, fmt)
    write_output(path, data)


STATS = {
    "articles": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }",
    "persons": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Person }",
    "organizations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Organization }",
    "locations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Location }",
    "roles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Role }",
    "events": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Event }",
    "events told by several articles": "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?x WHERE { ?x a kg:Event ; "
                                       "prov:wasDerivedFrom ?a } GROUP BY ?x HAVING (COUNT(DISTINCT ?a) > 1) } }",
    "mentions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a kg:Mention }",
}


def stats(store) -> dict[str, int]:
    """How many triples, named graphs, articles, entities by kind, roles and events a store holds."""
    out = {"triples": store.count()}
    out["named graphs"] = int(store.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
    for name, sparql in STATS.items():
        out[name] = int(store.select(_PRE + sparql)[0]["n"])
    return out
