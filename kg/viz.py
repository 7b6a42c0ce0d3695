"""viz: the graph as a picture (pyvis HTML) and as a network for Gephi/Cytoscape (GraphML).

Nodes are the persons, organizations, locations and events; edges the events' roles
(agent, patient, place) and the roles people hold (title → of). Events are labelled by
their CAMEO name in Arabic and English; hovering shows the sentence and the day.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.vocab import KG, NIF, RDF, RDFS, SKOS

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset

STYLE = {  # class → (colour, pyvis shape)
    "person": ("#e4572e", "dot"),
    "organization": ("#4f6d7a", "square"),
    "location": ("#29a36a", "triangle"),
    "event": ("#f3a712", "diamond"),
}
KIND_OF_CLASS = {KG.Person: "person", KG.Organization: "organization", KG.Location: "location", KG.Event: "event"}
EDGES = {KG.agent: "agent", KG.patient: "patient", KG.place: "place"}


def _label(g, node, lang="ar") -> str:
    labels = list(g.objects(node, SKOS.prefLabel)) or list(g.objects(node, RDFS.label))
    preferred = [str(l) for l in labels if getattr(l, "language", None) == lang]
    return (preferred or [str(l) for l in labels] or [str(node).rsplit("/", 1)[-1]])[0]


def _sentence(g, node) -> str:
    for mention in sorted(g.objects(node, KG.mention)):
        for sentence in g.objects(mention, NIF.sentence):
            for text in g.objects(sentence, NIF.anchorOf):
                return str(text).strip()
    return ""


def network(dataset: "Dataset", cameo_names: dict[str, tuple[str, str]] | None = None) -> "nx.MultiDiGraph":
    """The graph of actors and events, with kind, label and hover text on every node."""
    import networkx as nx

    g = dataset
    net = nx.MultiDiGraph()
    for cls, kind in KIND_OF_CLASS.items():
        for node in sorted(set(g.subjects(RDF.type, cls))):
            net.add_node(str(node), kind=kind, label=_label(g, node), title=_sentence(g, node))
    for event in sorted(set(g.subjects(RDF.type, KG.Event))):
        code = next((str(c).rsplit("/", 1)[-1] for c in g.objects(event, KG.eventType)), "")
        ar, en = (cameo_names or {}).get(code, ("", ""))
        date = next((str(d) for d in g.objects(event, KG.date)), "")
        attrs = net.nodes[str(event)]
        attrs["label"] = f"{ar or attrs['label']}\n{en} ({code})".strip()
        attrs["cameo"] = code
        attrs["date"] = date
        attrs["title"] = f"{date}\n{attrs['title']}".strip()
        for prop, name in EDGES.items():
            for other in g.objects(event, prop):
                if str(other) in net:
                    net.add_edge(str(event), str(other), label=name)
    for role in sorted(set(g.subjects(RDF.type, KG.Role))):
        holder = next(g.objects(role, KG.holder), None)
        of = next(g.objects(role, KG.roleOf), None)
        title = _label(g, role)
        former = any(str(f).lower() == "true" for f in g.objects(role, KG.former))
        if holder is not None and of is not None and str(holder) in net and str(of) in net:
            net.add_edge(str(holder), str(of), label=title + (" (سابق)" if former else ""))
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


STABILIZE_THEN_STOP = """
<script type="text/javascript">
  network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });
</script>
</body>"""


def write_html(net: "nx.MultiDiGraph", path: Path, heading: str = "") -> None:
    """An interactive page: coloured, shaped nodes; labelled edges; physics that settles and stops."""
    from pyvis.network import Network

    page = Network(height="800px", width="100%", directed=True, cdn_resources="in_line", heading=heading)
    for node, attrs in net.nodes(data=True):
        colour, shape = STYLE[attrs["kind"]]
        page.add_node(node, label=attrs["label"], title=attrs.get("title") or attrs["label"], color=colour,
                      shape=shape, size=18 if attrs["kind"] == "event" else 14)
    for a, b, attrs in net.edges(data=True):
        page.add_edge(a, b, label=attrs.get("label", ""), arrows="to", font={"size": 10, "align": "middle"})
    page.set_options("""{
      "physics": {"solver": "forceAtlas2Based", "stabilization": {"enabled": true, "iterations": 300}},
      "nodes": {"font": {"size": 14, "face": "Tahoma, Arial, sans-serif"}},
      "edges": {"smooth": false, "color": {"inherit": false, "color": "#999999"}},
      "interaction": {"hover": true, "tooltipDelay": 150}
    }""")
    html = page.generate_html()
    html = html.replace("<html>", '<html lang="ar" dir="ltr">', 1).replace("</body>", STABILIZE_THEN_STOP, 1)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)


def add_arguments(parser) -> None:
    """The options of `kg viz`."""
    parser.add_argument("graph", type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path)


def run(args) -> int:
    """`kg viz GRAPH -o PAGE.html`."""
    from kg.ingest import InputError
    from kg.query import load_graph

    if not args.output.parent.exists():
        raise InputError(f"{args.output.parent}: no such folder for the output")
    net = network(load_graph(args.graph), cameo_names())
    write_html(net, args.output, heading=args.graph.name)
    print(f"{args.output}: {net.number_of_nodes()} nodes, {net.number_of_edges()} edges", file=sys.stderr)
    return 0
