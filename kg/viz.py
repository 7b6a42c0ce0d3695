"""viz: the graph as a picture (a self-contained vis-network page) and as a network for
Gephi and Cytoscape (GraphML, GEXF).

Nodes are the persons, organizations, locations and events; edges the events' roles
(agent, patient, place) and the roles people hold (holder → of, labelled by the title).
Events are labelled by their CAMEO name in Arabic and English; hovering shows the sentence
and the day. Big graphs are cut to what a browser draws at once (`select`), and the page
says what was left out.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.vocab import KG, NIF, RDF, RDFS, SKOS

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset

KINDS = ("person", "organization", "location", "event")
KIND_OF_CLASS = {KG.Person: "person", KG.Organization: "organization", KG.Location: "location", KG.Event: "event"}
KIND_NAMES = {"person": "شخص", "organization": "منظمة", "location": "مكان", "event": "حدث"}
EDGES = {KG.agent: "agent", KG.patient: "patient", KG.place: "place"}
COUNTS = {KG.arrestedCount: "arrested", KG.killedCount: "killed", KG.injuredCount: "injured"}
DEFAULT_LIMIT = 300  # nodes a browser lays out and draws in well under 5 s
EXPORT_FORMATS = ("graphml", "gexf")


def _label(g, node, lang="ar") -> str:
    labels = list(g.objects(node, SKOS.prefLabel)) or list(g.objects(node, RDFS.label))
    preferred = sorted(str(l) for l in labels if getattr(l, "language", None) == lang)
    return (preferred or sorted(str(l) for l in labels) or [str(node).rsplit("/", 1)[-1]])[0]


def _sentence(g, node) -> str:
    for mention in sorted(g.objects(node, KG.mention)):
        for sentence in g.objects(mention, NIF.sentence):
            for text in g.objects(sentence, NIF.anchorOf):
                return " ".join(str(text).split())
    return ""


def network(dataset: "Dataset", cameo_names: dict[str, tuple[str, str]] | None = None) -> "nx.MultiDiGraph":
    """The graph of actors and events. Every node has kind, label, cameo, date and title (the
    hover text); every edge kind (agent, patient, place, role) and label. All are strings."""
    import networkx as nx

    g = dataset
    net = nx.MultiDiGraph()
    for cls, kind in KIND_OF_CLASS.items():
        for node in sorted(set(g.subjects(RDF.type, cls))):
            net.add_node(str(node), kind=kind, label=_label(g, node), cameo="", date="", title=_sentence(g, node))
    for event in sorted(set(g.subjects(RDF.type, KG.Event))):
        code = min((str(c).rsplit("/", 1)[-1] for c in g.objects(event, KG.eventType)), default="")
        ar, en = (cameo_names or {}).get(code, ("", ""))
        date = min((str(d) for d in g.objects(event, KG.date)), default="")
        attrs = net.nodes[str(event)]
        trigger = attrs["label"]
        attrs.update(label=f"{ar or trigger}\n{en} ({code})" if en else (ar or trigger), cameo=code, date=date)
        counts = [f"{what}: {n}" for prop, what in COUNTS.items() for n in g.objects(event, prop)]
        head = " · ".join(x for x in (date or "no date", f"{code} {en}".strip(), trigger) if x)
        attrs["title"] = "\n".join([head, *counts, attrs["title"]]).strip()
        for prop, name in EDGES.items():
            for other in sorted(g.objects(event, prop)):
                if str(other) in net:
                    net.add_edge(str(event), str(other), kind=name, label=name)
    held: dict[str, list[str]] = {}
    for role in sorted(set(g.subjects(RDF.type, KG.Role))):
        holder = next(g.objects(role, KG.holder), None)
        of = next(g.objects(role, KG.roleOf), None)
        title = _label(g, role) + (" (سابق)" if any(str(f).lower() == "true" for f in g.objects(role, KG.former))
                                   else "")
        if holder is None or str(holder) not in net:
            continue
        held.setdefault(str(holder), []).append(title + (f" — {net.nodes[str(of)]['label']}" if of and str(of) in net
                                                         else ""))
        if of is not None and str(of) in net:
            net.add_edge(str(holder), str(of), kind="role", label=title)
    for node, attrs in net.nodes(data=True):
        if attrs["kind"] != "event":
            head = f"{attrs['label']} · {KIND_NAMES[attrs['kind']]} ({attrs['kind']})"
            attrs["title"] = "\n".join([head, *held.get(node, []), attrs["title"]]).strip()
    return net


def cameo_names() -> dict[str, tuple[str, str]]:
    """CAMEO code → (Arabic name, English name), from ontology/cameo.ttl."""
    from rdflib import Graph

    from kg.validate import ontology_file

    g = Graph().parse(data=ontology_file("cameo.ttl"), format="turtle")
    names = {}
    for concept in g.subjects(SKOS.notation, None):
        code = str(next(g.objects(concept, SKOS.notation)))
        labels = {getattr(l, "language", None): str(l) for l in g.objects(concept, SKOS.prefLabel)}
        names[code] = (labels.get("ar", ""), labels.get("en", ""))
    return names


# ---------------------------------------------------------------- choosing what to draw

def _connections(net: "nx.MultiDiGraph", node: str) -> int:
    """How many distinct nodes a node is linked to, either way."""
    return len(set(net.successors(node)) | set(net.predecessors(node)))


def _most_connected(net: "nx.MultiDiGraph", nodes) -> list[str]:
    return sorted(nodes, key=lambda n: (-_connections(net, n), net.nodes[n]["label"], n))


def _cap(view: "nx.MultiDiGraph", limit: int) -> set[str]:
    """At most `limit` nodes worth drawing: the most connected entities (a third of the room),
    then the events that link most of them, then more entities those events name."""
    def near(n):
        return {*view.successors(n), *view.predecessors(n)}

    ranked = _most_connected(view, [n for n in view if view.nodes[n]["kind"] != "event"])
    chosen = set(ranked[: max(1, limit // 3)])
    events = [n for n in view if view.nodes[n]["kind"] == "event"]
    links = {e: len(near(e) & chosen) for e in events}
    events = sorted((e for e in events if links[e]), key=lambda e: (-links[e], -_connections(view, e), e))
    chosen |= set(events[: limit - len(chosen)])
    named = {m for e in chosen if view.nodes[e]["kind"] == "event" for m in near(e)}
    for n in sorted(named - chosen, key=ranked.index) + [n for n in ranked if n not in named]:
        if len(chosen) >= limit:
            break
        chosen.add(n)
    if len(chosen) < limit:  # no room taken by entities: the graph is events only
        chosen |= set(_most_connected(view, set(view) - chosen)[: limit - len(chosen)])
    cut = view.subgraph(chosen)
    return {n for n in chosen if _connections(cut, n) or not _connections(view, n)}


def find_nodes(net: "nx.MultiDiGraph", entity: str) -> list[str]:
    """The nodes an --focus argument names: its IRI, or a label containing it (spelling
    normalized, so أ/ا and ة/ه do not matter)."""
    from kg.normalize import normalize_text

    if entity in net:
        return [entity]
    wanted = normalize_text(entity)
    if not wanted:
        return []
    return [n for n, a in net.nodes(data=True)
            if wanted in normalize_text(a["label"]) or n.rsplit("/", 1)[-1] == entity]


def select(net: "nx.MultiDiGraph", *, focus: str | None = None, depth: int = 2, types=None,
           date_from: dt.date | None = None, date_to: dt.date | None = None, top: int | None = None,
           limit: int = DEFAULT_LIMIT, orphans: bool = False) -> tuple["nx.MultiDiGraph", list[str]]:
    """The part of `net` worth drawing, and notes (in English) saying what was left out."""
    from kg.ingest import InputError

    notes = []
    keep = set(net)
    if not orphans:
        lonely = {n for n in keep if _connections(net, n) == 0}
        if lonely:
            notes.append(f"{len(lonely):,} nodes linked to nothing (entities in no event or role, events with no "
                         "participant or place) are not drawn; --all draws them")
        keep -= lonely
    if date_from or date_to:
        lo, hi = (date_from or dt.date.min).isoformat(), (date_to or dt.date.max).isoformat()
        events = {n for n in keep if net.nodes[n]["kind"] == "event"}
        kept = {n for n in events if net.nodes[n]["date"] and lo <= net.nodes[n]["date"] <= hi}
        near = {m for n in kept for m in (*net.successors(n), *net.predecessors(n))}
        keep = kept | {n for n in keep - events if n in near}
        notes.append(f"{len(kept):,} of {len(events):,} events dated {date_from or '…'} to {date_to or '…'}")
    if types:
        unknown = set(types) - set(KINDS)
        if unknown:
            raise InputError(f"unknown --type {', '.join(sorted(unknown))} (choose from {', '.join(KINDS)})")
        keep = {n for n in keep if net.nodes[n]["kind"] in types}
        notes.append(f"only {', '.join(types)}")
    view = net.subgraph(keep)
    if focus:
        centres = find_nodes(view, focus)
        if not centres:
            raise InputError(f"--focus {focus!r}: no node has that IRI or a label containing it")
        import networkx as nx

        around = set()
        for centre in centres:
            around |= set(nx.ego_graph(view.to_undirected(as_view=True), centre, radius=depth))
        keep &= around
        names = ", ".join(f"\u2068{view.nodes[c]['label'].split(chr(10))[0]}\u2069" for c in centres[:3])
        notes.append(f"around {names}{' …' if len(centres) > 3 else ''} (depth {depth})")
        view = net.subgraph(keep)
    if top:
        actors = _most_connected(view, [n for n in view if view.nodes[n]["kind"] != "event"])[:top]
        events = {m for a in actors for m in (*view.successors(a), *view.predecessors(a))
                  if view.nodes[m]["kind"] == "event"}
        keep = set(actors) | events
        notes.append(f"the {len(actors):,} most connected entities and their events")
        view = net.subgraph(keep)
    if limit and len(view) > limit:
        total = len(view)
        view = net.subgraph(_cap(view, limit))
        notes.insert(0, f"showing {len(view):,} of {total:,} nodes: the most connected entities and the events "
                        "between them; use --focus, --top, --type or --from/--to to choose others")
    view = view.copy()
    view.graph["focus"] = [c for c in (centres if focus else []) if c in view]
    return view, notes


# ---------------------------------------------------------------- GraphML and GEXF

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # no XML 1.0 file holds these


def export_network(dataset: "Dataset", fmt: str, path: Path) -> None:
    """Write the network of `dataset` as GraphML or GEXF (atomically), with the picture's
    attributes: kind, label, cameo, date and title on nodes, kind and label on edges. Control
    characters that XML cannot hold (an article's U+001A) are left out of the attributes."""
    import io

    import networkx as nx

    from kg.ingest import InputError
    from kg.output import check_output, write_output

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown network format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    path = Path(path)
    check_output(path)
    net = network(dataset, cameo_names())
    for attrs in [a for _n, a in net.nodes(data=True)] + [a for *_e, a in net.edges(keys=True, data=True)]:
        for name, value in attrs.items():
            if isinstance(value, str):
                attrs[name] = _NOT_XML.sub("", value)
    write = nx.write_graphml if fmt == "graphml" else nx.write_gexf
    write_output(path, lambda stream: write(net, stream, encoding="utf-8"))


# ---------------------------------------------------------------- the command

def add_arguments(parser) -> None:
    """The options of `kg viz`."""
    parser.add_argument("graph", type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path, help="the HTML page to write")
    parser.add_argument("--focus", metavar="ENTITY", help="draw only what is near ENTITY (an IRI or part of a label)")
    parser.add_argument("--depth", type=int, default=2, help="steps from --focus (default 2: an entity's events "
                                                             "and their other participants)")
    parser.add_argument("--type", dest="types", metavar="KINDS",
                        help=f"comma-separated kinds to draw: {','.join(KINDS)}")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="events on or after this day")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="events on or before this day")
    parser.add_argument("--top", type=int, metavar="N", help="the N most connected entities and their events")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                        help=f"draw at most N nodes, the most connected (default {DEFAULT_LIMIT}; 0: no limit)")
    parser.add_argument("--all", dest="orphans", action="store_true",
                        help="also draw the nodes linked to nothing")


def run(args) -> int:
    """`kg viz GRAPH -o PAGE.html [--focus ENTITY --depth N] [--type KINDS] [--from D --to D] [--top N]`."""
    from kg.ingest import InputError, parse_date
    from kg.output import check_output
    from kg.query import load_graph
    from kg.vizpage import write_page

    check_output(args.output, [args.graph])
    for name in ("depth", "top", "limit"):
        if getattr(args, name) is not None and getattr(args, name) < 0:
            raise InputError(f"--{name} must not be negative")
    types = [t.strip() for t in args.types.split(",") if t.strip()] if args.types else None
    date_from = parse_date(args.date_from) if args.date_from else None
    date_to = parse_date(args.date_to) if args.date_to else None
    net = network(load_graph(args.graph), cameo_names())
    view, notes = select(net, focus=args.focus, depth=args.depth, types=types, date_from=date_from,
                         date_to=date_to, top=args.top, limit=args.limit, orphans=args.orphans)
    write_page(view, args.output, heading=args.graph.name, notes=notes, total=net.number_of_nodes())
    print(f"{args.output}: {view.number_of_nodes()} nodes, {view.number_of_edges()} edges", file=sys.stderr)
    for note in notes:
        print("  " + note.replace("\u2068", "").replace("\u2069", ""), file=sys.stderr)
    return 0
