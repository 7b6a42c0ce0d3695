"""What a plain `pip install .` gives is enough: every distribution kg's commands import is one
that kg's requirements bring, as the oldest pip a Python 3.11 venv ships resolves them (it
installs an extra only when the name is spelt as the package spells it: trafilatura's
`lxml[html_clean]` brings nothing, and HTML input then failed). CI also runs the suite in such
a venv (Makefile)."""
import json
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import EXAMPLE, ROOT

COMMANDS = """
import json, pathlib, sys, tempfile
from kg.cli import main
out = pathlib.Path(tempfile.mkdtemp())
page, graph = str(out / "page.html"), str(out / "page.trig")
pathlib.Path(page).write_text("<!doctype html><html><head><title>خبر</title></head><body><nav>القائمة</nav><article><p>"
                              + pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")[:600]
                              + "</p></article></body></html>", encoding="utf-8")
for args in (["build", page, "-o", graph, "--date", "2022-01-08"], ["validate", graph],
             ["export", graph, "-o", str(out / "g.graphml")], ["viz", graph, "-o", str(out / "g.html")],
             ["timeline", graph, "-o", str(out / "t.html")], ["build", page, "--store", str(out / "store"), "-j", "1"]):
    assert main([*args, "-q"] if args[0] in ("build", "export") else args) == 0, args
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _closure(name: str) -> set[str]:
    """The distributions `pip install NAME` brings, extras followed only when spelt as provided."""
    seen: set[tuple[str, frozenset]] = set()
    todo = [(name, frozenset())]
    while todo:
        dist, extras = todo.pop()
        if (canonicalize_name(dist), extras) in seen:
            continue
        seen.add((canonicalize_name(dist), extras))
        for line in metadata.requires(dist) or []:
            req = Requirement(line)
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in {"", *extras}):
                continue
            provided = set(metadata.metadata(req.name).get_all("Provides-Extra") or [])
            todo.append((req.name, frozenset(req.extras & provided)))
    return {dist for dist, _ in seen}


def test_every_distribution_the_commands_import_is_one_a_plain_install_brings():
    proc = subprocess.run([sys.executable, "-c", COMMANDS, str(EXAMPLE)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = json.loads(proc.stdout.splitlines()[-1])
    distributions = metadata.packages_distributions()
    imported = {canonicalize_name(d) for m in modules for d in distributions.get(m, [])} - {"kg"}
    assert "lxml-html-clean" in imported and "trafilatura" in imported
    assert imported - _closure("kg") == set()
