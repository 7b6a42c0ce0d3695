"""timeline: the events of a graph by day and type, as one self-contained HTML page (SVG).

A row per CAMEO root category (تصريح، تشاور، اعتقال …, in Arabic and English), a column per
day (per week when the graph spans more than half a year), a circle whose area is the
number of events; above, the events per day. Hovering a circle names the day, the type
and the count. No script, nothing loaded from the network.
"""
from __future__ import annotations

import datetime as dt
import html
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from kg.vocab import KG, RDF

if TYPE_CHECKING:
    from rdflib import Dataset

WIDTH, LABELS, ROW, BARS, TOP = 1360, 280, 34, 90, 40
COLOURS = ["#e4572e", "#4f6d7a", "#29a36a", "#f3a712", "#7b4b94", "#3b6ea5", "#c0392b", "#8a6d3b", "#1b998b",
           "#d6336c"]
MAX_DAYS = 183  # beyond this, weeks


def dated_events(dataset: "Dataset", date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> tuple[Counter, int]:
    """(day, CAMEO root) → number of events; and the number of events without a day."""
    counts, undated = Counter(), 0
    for event in set(dataset.subjects(RDF.type, KG.Event)):
        day = min((str(d) for d in dataset.objects(event, KG.date)), default="")
        code = min((str(c).rsplit("/", 1)[-1] for c in dataset.objects(event, KG.eventType)), default="")
        if not day:
            undated += 1
            continue
        try:
            day = dt.date.fromisoformat(day[:10])
        except ValueError:
            undated += 1
            continue
        if (date_from and day < date_from) or (date_to and day > date_to):
            continue
        counts[day, code[:2] or "??"] += 1
    return counts, undated


def _svg(counts: Counter, names: dict[str, tuple[str, str]]) -> tuple[str, str]:
    days = [day for day, _ in counts]
    first, last = min(days), max(days)
    weekly = (last - first).days + 1 > MAX_DAYS
    if weekly:
        first -= dt.timedelta(days=first.weekday())
        counts = _sum_by_week(counts)
    step = 7 if weekly else 1
    columns = (last - first).days // step + 1
    roots = sorted({root for _, root in counts})
    plot = WIDTH - LABELS - 20
    col = plot / columns
    height = TOP + BARS + 30 + ROW * len(roots) + 40
    per_column = Counter()
    for (day, _), n in counts.items():
        per_column[day] += n
    peak, biggest = max(per_column.values()), max(counts.values())
    x = lambda day: 10 + ((day - first).days // step + 0.5) * col  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" direction="ltr">']
    unit = "week" if weekly else "day"
    parts.append(f'<text x="10" y="{TOP - 14}" class="axis">events per {unit} (most: {peak:,})</text>')
    for day, n in sorted(per_column.items()):
        h = BARS * n / peak
        parts.append(f'<rect x="{x(day) - col * 0.4:.1f}" y="{TOP + BARS - h:.1f}" width="{max(col * 0.8, 1):.1f}" '
                     f'height="{h:.1f}" fill="#9aa5ab"><title>{day} · {n:,} events</title></rect>')
    base = TOP + BARS + 30
    for i, root in enumerate(roots):
        y = base + ROW * i + ROW / 2
        ar, en = names.get(root, ("", ""))
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<line x1="10" x2="{10 + plot:.0f}" y1="{y}" y2="{y}" stroke="#eee"/>')
        parts.append(f'<text x="{WIDTH - 10}" y="{y - 2}" direction="rtl" text-anchor="start" class="ar">'
                     f'{html.escape(ar or root)}</text>')
        parts.append(f'<text x="{WIDTH - 10}" y="{y + 12}" text-anchor="end" class="en">{html.escape(en)} ({root})</text>')
        for (day, r), n in sorted(counts.items()):
            if r == root:
                radius = max(1.5, (ROW / 2 - 2) * (n / biggest) ** 0.5)
                parts.append(f'<circle cx="{x(day):.1f}" cy="{y}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.75">'
                             f'<title>{day} · {html.escape(ar)} · {html.escape(en)}: {n:,}</title></circle>')
    axis_y = base + ROW * len(roots) + 16
    tick = first
    while tick <= last:
        if tick.day == 1 if columns * step > 62 else (tick - first).days % 7 == 0:
            parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{TOP}" y2="{axis_y - 12}" stroke="#ddd"/>'
                         f'<text x="{x(tick):.1f}" y="{axis_y}" class="axis" text-anchor="middle">{tick}</text>')
        tick += dt.timedelta(days=1)
    parts.append("</svg>")
    return "\n".join(parts), unit


def _sum_by_week(counts: Counter) -> Counter:
    weeks = Counter()
    for (day, root), n in counts.items():
        weeks[day - dt.timedelta(days=day.weekday()), root] += n
    return weeks


PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{title}</title>
<style>
  body {{ margin: 0; padding: 8px 16px; font-family: 'Noto Sans Arabic', Tahoma, 'DejaVu Sans', sans-serif; color: #222; }}
  h1 {{ font-size: 18px; margin: 4px 0; }}
  p {{ font-size: 13px; color: #555; margin: 2px 0; }}
  .scroll {{ overflow-x: auto; direction: ltr; }}
  svg .ar {{ font-size: 14px; fill: #222; }}
  svg .en {{ font-size: 11px; fill: #777; }}
  svg .axis {{ font-size: 11px; fill: #777; }}
</style></head>
<body>
<h1 dir="auto">{heading}</h1>
<p dir="ltr">{summary}</p>
<div class="scroll">{svg}</div>
</body></html>
"""


def write_timeline(dataset: "Dataset", path: Path, heading: str = "", date_from: dt.date | None = None,
                   date_to: dt.date | None = None) -> str:
    """Write the timeline page atomically; returns its one-line summary."""
    from kg.output import check_output, write_output
    from kg.viz import cameo_names

    path = Path(path)
    check_output(path)
    counts, undated = dated_events(dataset, date_from, date_to)
    total = sum(counts.values())
    if counts:
        svg, unit = _svg(counts, cameo_names())
        days = sorted(day for day, _ in counts)
        summary = f"{total:,} events from {days[0]} to {days[-1]}, by {unit} and CAMEO category"
    else:
        svg, summary = "", "no dated events to show"
    if undated:
        summary += f"; {undated:,} events without a day are not shown"
    page = PAGE.format(title=html.escape(heading or "kg timeline"), heading=html.escape(heading),
                       summary=html.escape(summary), svg=svg)
    write_output(path, page.encode("utf-8"))
    return summary


def add_arguments(parser) -> None:
    """The options of `kg timeline`."""
    parser.add_argument("graph", type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path, help="the HTML page to write")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="events on or after this day")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="events on or before this day")


def run(args) -> int:
    """`kg timeline GRAPH -o PAGE.html [--from D] [--to D]`."""
    from kg.ingest import parse_date
    from kg.output import check_output
    from kg.query import load_graph

    check_output(args.output, [args.graph])

    date_from = parse_date(args.date_from) if args.date_from else None
    date_to = parse_date(args.date_to) if args.date_to else None
    summary = write_timeline(load_graph(args.graph), args.output, args.graph.name, date_from, date_to)
    print(f"{args.output}: {summary}", file=sys.stderr)
    return 0
