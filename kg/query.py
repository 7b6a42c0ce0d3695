"""query: load a graph file and run SPARQL on it, results as a table, CSV or JSON."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.namespace import NamespaceManager

from kg.ingest import InputError
from kg.rdf import PREFIXES
from kg.vocab import ID

PARSE_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig",
                 ".nq": "nquads"}


def load_graph(path: Path) -> Dataset:
    """A graph file written by `kg build` (any of its formats), its named graphs queried as one;
    or a store folder built by `kg build --store`, read in place."""
    if path.is_dir():
        from kg.store import open_store

        return open_store(str(path), read_only=True).dataset()
    fmt = PARSE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown graph format (expected one of {', '.join(PARSE_FORMATS)})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    dataset = Dataset(default_union=True)
    try:
        dataset.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise InputError(f"{path}: not valid {fmt}: {str(exc).splitlines()[0][:200]}") from None
    return dataset


def run_query(dataset: Dataset, sparql: str):
    try:
        return dataset.query(sparql)
    except Exception as exc:  # pyparsing and rdflib errors
        raise InputError(f"bad SPARQL query: {str(exc).splitlines()[0][:200]}") from None


MAX_CELL = 90


def _cell(value, names: NamespaceManager) -> str:
    """A value as a table shows it: kg's own IRIs by their path, others as prefixed names,
    text on one line and cut to MAX_CELL characters."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        if str(value).startswith(str(ID)):
            return str(value)[len(str(ID)):]
        text = names.normalizeUri(value)
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_result(result, fmt: str, dataset: Dataset) -> str:
    if result.type != "SELECT":
        if result.type == "ASK":
            return ("true" if result.askAnswer else "false") + "\n"
        return result.serialize(format="turtle").decode("utf-8")
    names = dataset.namespace_manager
    for prefix, namespace in PREFIXES.items():
        names.bind(prefix, namespace, override=True, replace=True)
    variables = [str(v) for v in result.vars]
    rows = [[row[v] for v in result.vars] for row in result]
    if fmt == "json":
        return json.dumps([{v: (None if c is None else str(c)) for v, c in zip(variables, r)} for r in rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(variables)
        for r in rows:
            writer.writerow(["" if c is None else str(c) for c in r])
        return out.getvalue()
    cells = [[_cell(c, names) for c in r] for r in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


