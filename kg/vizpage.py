"""vizpage: a network as one self-contained HTML page (vis-network, inlined from pyvis).

Arabic is drawn right to left: the page is `lang="ar" dir="rtl"`, so the canvas the labels
are drawn on has `direction: rtl` (Latin lines get left-to-right marks so their brackets
stay in place); the tooltip sets each line's direction from its own text. Physics lays the
graph out before the first frame and is switched off once it has stabilized, so the picture
stands still. Nothing is loaded from the network.
"""
from __future__ import annotations

import html
import math
import json
import re
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

STYLE = {  # kind → (colour, vis-network shape)
    "person": ("#e4572e", "dot"),
    "organization": ("#4f6d7a", "square"),
    "location": ("#29a36a", "triangle"),
    "event": ("#f3a712", "diamond"),
}
EDGE_COLOURS = {"agent": "#555555", "patient": "#c0392b", "place": "#29a36a", "role": "#3b6ea5"}
KIND_LABELS = {"person": "شخص · person", "organization": "منظمة · organization", "location": "مكان · location",
               "event": "حدث · event"}
FONT = "'Noto Sans Arabic', 'Noto Naskh Arabic', Tahoma, 'DejaVu Sans', Arial, sans-serif"
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LRM = "\u200e"
BIG = 60  # above this many nodes, only the labels of well-connected nodes show until one zooms in


_ALTERNATIVES = re.compile(r"(,| or |، | أو ).*?(?= \(\d+\)$|$)")


def _bidi(label: str) -> str:
    """Latin lines of a label between left-to-right marks, so that '(173)' keeps its place
    on a right-to-left canvas; no markup characters (labels are drawn with vis-network's
    html mode)."""
    label = label.replace("<", "‹").replace(">", "›").replace("&", "＆")
    return "\n".join(line if _ARABIC.search(line) or not line else f"{LRM}{line}{LRM}" for line in label.split("\n"))


def _event_label(label: str) -> str:
    """An event's CAMEO names cut to their first alternative ('Arrest, detain, or charge with
    legal action (173)' → 'Arrest (173)'), the English line in small italics; the hover
    text keeps the full names."""
    lines = _bidi("\n".join(_ALTERNATIVES.sub("", line) for line in label.split("\n"))).split("\n")
    return "\n".join(lines[:1] + [f"<i>{line}</i>" for line in lines[1:]])


def _vis_assets() -> tuple[str, str]:
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _options(n_nodes: int) -> dict:
    big = n_nodes > BIG
    return {
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60 if big else -150, "centralGravity": 0.015,
                                 "springLength": 60 if big else 220, "springConstant": 0.06, "avoidOverlap": 0.8},
            "stabilization": {"enabled": True, "iterations": 250 if big else 400, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
        "nodes": {
            "font": {"size": 15, "face": FONT, "strokeWidth": 4, "strokeColor": "#ffffff", "color": "#222222",
                     "multi": "html", "ital": {"size": 12, "color": "#666666", "face": FONT}},
            "borderWidth": 1,
            "scaling": {"min": 10, "max": 28,
                        "label": {"enabled": big, "min": 10, "max": 80, "drawThreshold": 9, "maxVisible": 22}},
        },
        "edges": {
            "smooth": False, "width": 1.2, "selectionWidth": 2,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 11, "face": FONT, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big},
    }


def page_data(net: "nx.MultiDiGraph") -> tuple[list[dict], list[dict]]:
    """vis-network's nodes and edges, built with pyvis."""
    from pyvis.network import Network

    page = Network(directed=True, cdn_resources="in_line")
    for node, attrs in net.nodes(data=True):
        colour, shape = STYLE[attrs["kind"]]
        degree = len(set(net.successors(node)) | set(net.predecessors(node)))
        label = _event_label(attrs["label"]) if attrs["kind"] == "event" else _bidi(attrs["label"])
        page.add_node(node, label=label, title=attrs.get("title") or attrs["label"], color=colour, shape=shape,
                      value=round(math.sqrt(degree + 1), 2) if attrs["kind"] != "event" else 1)
    for a, b, attrs in net.edges(data=True):
        kind = attrs.get("kind", "")
        page.add_edge(a, b, label=attrs.get("label", ""), color=EDGE_COLOURS.get(kind, "#999999"),
                      dashes=kind == "role")
    return page.nodes, page.edges


PAGE = Template("""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$vis_css</style>
<style>
  html, body { margin: 0; height: 100%; font-family: $font; color: #222; background: #fff; }
  body { display: flex; flex-direction: column; }
  header { flex: none; padding: 6px 16px; border-bottom: 1px solid #ddd; background: #fafafa; }
  header h1 { font-size: 18px; margin: 0 0 2px 0; display: inline-block; }
  header .counts { font-size: 13px; color: #555; margin-inline-start: 12px; }
  header .notes { font-size: 13px; color: #8a4b00; margin: 2px 0; direction: ltr; text-align: right; }
  header .legend { list-style: none; padding: 0; margin: 2px 0 0 0; font-size: 13px; }
  header .legend li { display: inline-block; margin-inline-end: 16px; }
  header .legend svg { vertical-align: middle; margin-inline-end: 4px; }
  #network { flex: 1; position: relative; min-height: 300px; }
  #empty { position: absolute; top: 45%; width: 100%; text-align: center; color: #888; font-size: 18px; }
  div.vis-tooltip { white-space: pre-wrap; unicode-bidi: plaintext; text-align: start; max-width: 460px;
                    font-family: $font; font-size: 14px; line-height: 1.5; padding: 6px 9px; }
</style>
<script>$vis_js</script>
</head>
<body>
<header>
  <h1 dir="auto">$heading</h1><span class="counts" dir="ltr">$counts</span>
  $notes
  <ul class="legend">$legend</ul>
</header>
<div id="network"></div>
<script>
var data = $data;
var options = $options;
var container = document.getElementById("network");
var network = new vis.Network(container, {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)},
                              options);
function drawn() { document.body.setAttribute("data-drawn", "yes"); }
network.once("stabilizationIterationsDone", function () {
  network.setOptions({physics: false});
  if (data.focus.length) network.selectNodes(data.focus);
  drawn();
});
if (data.nodes.length === 0) {
  container.innerHTML = '<p id="empty">لا شيء للرسم · nothing to draw</p>';
  drawn();
}
</script>
</body>
</html>
""")

SHAPES = {
    "dot": '<circle cx="7" cy="7" r="6" fill="{c}"/>',
    "square": '<rect x="1" y="1" width="12" height="12" fill="{c}"/>',
    "triangle": '<polygon points="7,1 13,13 1,13" fill="{c}"/>',
    "diamond": '<polygon points="7,0 14,7 7,14 0,7" fill="{c}"/>',
}


def _json(value) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render(net: "nx.MultiDiGraph", heading: str = "", notes=(), total: int | None = None) -> str:
    """The page's HTML."""
    nodes, edges = page_data(net)
    vis_js, vis_css = _vis_assets()
    counts = f"{net.number_of_nodes():,} nodes, {net.number_of_edges():,} edges"
    if total is not None and total != net.number_of_nodes():
        counts += f" (of {total:,} nodes in the graph)"
    legend = "".join(f'<li><svg width="14" height="14">{SHAPES[shape].format(c=colour)}</svg>{KIND_LABELS[kind]}</li>'
                     for kind, (colour, shape) in STYLE.items())
    return PAGE.substitute(
        title=html.escape(heading or "kg"), heading=html.escape(heading), counts=html.escape(counts),
        notes="".join(f'<p class="notes">{html.escape(n)}</p>' for n in notes), legend=legend, font=FONT,
        vis_css=vis_css, vis_js=vis_js.replace("</script", "<\\/script"),
        data=_json({"nodes": nodes, "edges": edges, "focus": net.graph.get("focus", [])}), options=_json(_options(len(nodes))))


def write_page(net: "nx.MultiDiGraph", path: Path, heading: str = "", notes=(), total: int | None = None) -> None:
    """Write the page atomically (a temporary file renamed), so a failed run leaves an older page."""
    from kg.output import write_output

    write_output(Path(path), render(net, heading, notes, total).encode("utf-8"))
