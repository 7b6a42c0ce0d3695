"""Hostile inputs: a folder of the inputs issue 11 found breaking kg, and a build over it.

Writes a corpus folder of good articles that look like trouble (the same file name in two
folders and two zip folders, ids that differ only in characters an IRI slug maps to `_`,
ids with `..`, ids that are empty once their scheme is dropped, JSON Lines records holding
U+2028, U+2029 and U+0085, a bad byte in an article and in one record, UTF-16 without a BOM,
a long article, a FIFO, a symbolic link loop, a store folder of an earlier build) and of bad
ones (a JSON line nested 100,000 deep, a sidecar that is a list, a binary file, an empty
file, a zip member that inflates past the size cap, a repeated id with another text). Then
runs `kg build FOLDER -o OUT/graph.nq` and `kg build FOLDER --store OUT/store` and checks
that every good article was built, every bad input reported in one line, the exit status 0
(what README says for a build that built something), no traceback, and no file outside OUT
touched. Prints what it found; exits 1 if any check fails.

    python bench/hostile.py [--keep DIR] [--long CHARS] [--jobs N]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "examples" / "articles" / "kz-2022-01-08-arrests.txt").read_text(encoding="utf-8")
BASE = "https://w3id.org/kg-news/id/article/"
MAX_SIZE = "4M"  # the run's --max-size: the zip bomb's member inflates past it


def text(n: int) -> str:
    """A short real article, made distinct by its number."""
    return f"{ARTICLE[:700]}\nالخبر رقم {n}.\n"


def make_hostile(folder: Path, long_chars: int = 120_000) -> tuple[list[str], list[str]]:
    """Write the hostile corpus; the identifiers of its good articles (which must be built)
    and the names of its bad inputs (each reported in one line)."""
    folder.mkdir(parents=True, exist_ok=True)
    good: list[str] = []
    bad: list[str] = []
    n = iter(range(1, 1000))

    def write(name: str, data: bytes | str) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def jsonl(name: str, *records) -> None:
        write(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

    write("plain.txt", text(next(n)))
    good.append("plain")
    for where in ("a", "b"):  # the same file name in two folders
        write(f"{where}/news.txt", text(next(n)))
        good.append(f"{where}/news")
    with zipfile.ZipFile(folder / "archive.zip", "w", zipfile.ZIP_DEFLATED) as z:  # and in two zip folders
        for where in ("x", "y"):
            z.writestr(f"{where}/news.txt", text(next(n)))
            good.append(f"archive/{where}/news")
    jsonl("slugs.jsonl", {"id": "news one", "text": text(next(n))}, {"id": "news_one", "text": text(next(n))})
    good += ["news one", "news_one"]
    jsonl("dots.jsonl", {"id": "../../../person/x", "text": text(next(n))})
    good.append("../../../person/x")
    jsonl("empty-ids.jsonl", *({"url": u, "text": text(next(n))} for u in ("http://", "https://www.", "/", "   ")))
    good += [f"empty-ids-{i}" for i in range(1, 5)]
    jsonl("separators.jsonl", *({"id": f"sep-{i}", "text": text(next(n)) + c + "تتمة الخبر."}  # written raw
                                for i, c in enumerate(("\u2028", "\u2029", "\u0085"))))
    good += ["sep-0", "sep-1", "sep-2"]
    write("bad-byte.txt", text(next(n)).encode("utf-8").replace("الخبر".encode("utf-8"), b"\xff", 1))
    good.append("bad-byte")
    lines = [json.dumps({"id": f"rec-{i}", "text": text(next(n))}, ensure_ascii=False).encode("utf-8")
             for i in range(3)]
    lines[1] = lines[1].replace("الخبر".encode("utf-8"), b"\xc3\x28", 1)  # one bad byte in one record
    write("bad-byte.jsonl", b"\n".join(lines) + b"\n")
    good += ["rec-0", "rec-1", "rec-2"]
    write("utf16-no-bom.txt", text(next(n)).encode("utf-16-le"))
    good.append("utf16-no-bom")
    long_text = "\n\n".join([ARTICLE] * (long_chars // len(ARTICLE) + 1))
    write("long.txt", long_text)
    good.append("long")
    jsonl("deep.jsonl", {"id": "beside-deep", "text": text(next(n))})
    with open(folder / "deep.jsonl", "a", encoding="utf-8") as f:
        f.write("[" * 100_000 + "]" * 100_000 + "\n")
    good.append("beside-deep")
    bad.append("deep.jsonl:2")
    write("sidecar-list.txt", text(next(n)))
    write("sidecar-list.json", "[1, 2]")
    bad.append("sidecar-list.txt")
    write("binary.txt", bytes(range(256)) * 8)
    bad.append("binary.txt")
    write("empty.txt", "")
    bad.append("empty.txt")
    with zipfile.ZipFile(folder / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b" " * (64 << 20))  # 64 MiB of spaces, 64 KB zipped
    bad.append("bomb.zip!big.txt")
    jsonl("repeated.jsonl", {"id": "twice", "text": text(next(n))}, {"id": "twice", "text": text(next(n))})
    good.append("twice")
    bad.append("repeated.jsonl:2")
    os.mkfifo(folder / "fifo.txt")  # never opened: a reader would wait for ever
    (folder / "loop").mkdir()
    os.symlink("..", folder / "loop" / "up")
    store = folder / "old-store"  # an earlier build's store inside the corpus: its files are not articles
    import pyoxigraph

    pyoxigraph.Store(str(store)).flush()
    return good, bad


def snapshot(folder: Path) -> dict[str, tuple]:
    """What each file under `folder` is: kind, size, modification time and content hash."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            digest = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
            out[str(path.relative_to(folder))] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


def graphs_of(output: Path, store: bool) -> set[str]:
    """The article identifiers (IRI paths, decoded) whose graphs a graph file or store holds."""
    import urllib.parse

    import pyoxigraph as ox

    if store:
        s = ox.Store.read_only(str(output))
        names = [g.value for g in s.named_graphs()]
        del s
    else:
        s = ox.Store()
        s.bulk_load(path=str(output), format=ox.RdfFormat.N_QUADS)
        names = [g.value for g in s.named_graphs()]
    return {urllib.parse.unquote(g.removeprefix(BASE)) for g in names if g.startswith(BASE)}


def check(name: str, proc, good: list[str], bad: list[str], built: set[str], report_prefix: str) -> list[str]:
    problems = []
    if proc.returncode != 0:
        problems.append(f"{name}: exit status {proc.returncode}, not 0")
    if "Traceback" in proc.stderr:
        problems.append(f"{name}: a traceback:\n{proc.stderr}")
    missing = sorted(set(good) - built)
    if missing:
        problems.append(f"{name}: good articles not built: {missing}")
    lines = [line for line in proc.stderr.splitlines() if line.startswith(report_prefix)]
    for b in bad:
        hits = [line for line in lines if f"{b}: " in line]
        if len(hits) != 1:
            problems.append(f"{name}: {b} reported in {len(hits)} lines, not 1: {hits}")
    if "old-store" in proc.stderr:
        problems.append(f"{name}: the files of a store inside the corpus were read as articles")
    notes = [line for line in proc.stderr.splitlines() if "replaced by U+FFFD" in line]
    if not any("bad-byte.txt" in line for line in notes) or not any("bad-byte.jsonl:2" in line for line in notes):
        problems.append(f"{name}: the replaced characters are not reported with where they were: {notes}")
    return problems


def run(folder: Path, out: Path, jobs: int = 1) -> tuple[list[str], list[str]]:
    """Build the hostile folder into a graph file and a store under `out`; (summary lines, problems)."""
    kg = [sys.executable, "-m", "kg", "build", str(folder), "--max-size", MAX_SIZE]
    good, bad = json.loads((folder.parent / f"{folder.name}.manifest.json").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    before, around = snapshot(folder), sorted(os.listdir(folder.parent))
    summary, problems = [], []
    for name, args, report_prefix, is_store in (
            ("-o graph.nq", ["-o", str(out / "graph.nq"), "-q", "-j", str(jobs)], "kg build: ", False),
            ("--store", ["--store", str(out / "store"), "-q", "-j", str(jobs)], "failed: ", True)):
        started = time.perf_counter()
        proc = subprocess.run([*kg, *args], capture_output=True, text=True, cwd=ROOT, timeout=1800)
        seconds = time.perf_counter() - started
        built = graphs_of(out / ("store" if is_store else "graph.nq"), is_store) if proc.returncode == 0 else set()
        found = check(name, proc, good, bad, built, report_prefix)
        problems += found
        summary.append(f"kg build FOLDER {name}: exit {proc.returncode} in {seconds:.1f} s; "
                       f"{len(set(good) & built)}/{len(good)} good articles built, {len(bad)} bad inputs "
                       f"reported, {'no traceback' if 'Traceback' not in proc.stderr else 'A TRACEBACK'}")
    if snapshot(folder) != before:
        changed = sorted(k for k in set(before) | set(snapshot(folder)) if before.get(k) != snapshot(folder).get(k))
        problems.append(f"files of the input folder touched: {changed}")
    if sorted(os.listdir(folder.parent)) != around:
        problems.append(f"files beside the input folder made: {sorted(set(os.listdir(folder.parent)) - set(around))}")
    summary.append("no file outside the output touched" if not any("touched" in p or "beside" in p
                                                                   for p in problems) else "FILES TOUCHED")
    return summary, problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keep", type=Path, help="make the folders here and keep them (default: a temporary folder)")
    p.add_argument("--long", type=int, default=120_000, help="characters of the long article (default 120000)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes of the builds (default 1)")
    args = p.parse_args(argv)
    top = args.keep or Path(tempfile.mkdtemp(prefix="kg-hostile-"))
    try:
        corpus = top / "inputs" / "corpus"
        good, bad = make_hostile(corpus, args.long)
        (corpus.parent / "corpus.manifest.json").write_text(json.dumps([good, bad], ensure_ascii=False),
                                                            encoding="utf-8")
        print(f"hostile folder   {corpus}: {len(good)} good articles, {len(bad)} bad inputs")
        summary, problems = run(corpus, top / "out", args.jobs)
        for line in summary:
            print(line)
        for problem in problems:
            print("PROBLEM: " + problem)
        return 1 if problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
