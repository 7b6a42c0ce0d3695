"""The pages in a real browser: Debian's headless Chromium (installed by `make browser`).

Each page must open without a JavaScript error, load nothing from the network, draw its
nodes (pixels on the canvas, not a blank page) within 5 s, and show the sentence on hover.
Screenshots go to $KG_SHOTS when it is set (else to pytest's temporary folder).
"""
import os
from pathlib import Path

import pytest

from chromium import Browser, chromium_binary
from conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.skipif(chromium_binary() is None,
                                reason="chromium is not installed (make browser installs Debian's chromium)")

DRAWN = "document.body.dataset.drawn === 'yes'"
INK = """(() => {  // canvas pixels that are not blank
  const canvas = document.querySelector('#network canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
  return ink;
})()"""


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = Path(os.environ.get("KG_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def example_page(tmp_path_factory):
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("pages")
    for args in (["build", EXAMPLE, "-o", out / "kz.trig", "-q"], ["viz", out / "kz.trig", "-o", out / "kz.html"]):
        proc = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
    return out / "kz.html"


def open_and_check(browser, page_path, shot):
    page = browser.open(page_path)
    seconds = page.wait_for(DRAWN, timeout=30)
    page.screenshot(shot)
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert seconds < 5, f"{page_path.name} took {seconds:.1f} s to draw"
    return page


def test_example_page_draws_its_nodes_right_to_left(browser, example_page, shots):
    page = open_and_check(browser, example_page, shots / "example.png")
    assert page.evaluate("network.body.data.nodes.length") > 15
    assert page.evaluate(INK) > 20_000
    assert page.evaluate("getComputedStyle(document.querySelector('#network canvas')).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("network.physics.options.enabled") is False  # stabilized, then stopped


def test_hovering_a_node_shows_its_sentence_and_day(browser, example_page):
    page = browser.open(example_page)
    page.wait_for(DRAWN)
    x, y = page.evaluate("""(() => {
      const id = network.body.data.nodes.getIds().find(i => i.includes('/event/') &&
                                                      network.body.data.nodes.get(i).title.startsWith('2022'));
      const p = network.canvasToDOM(network.getPositions([id])[id]);
      const box = document.getElementById('network').getBoundingClientRect();
      return [box.left + p.x, box.top + p.y];
    })()""")
    page.mouse_move(x - 30, y - 30)
    page.mouse_move(x, y)
    page.wait_for("document.querySelector('div.vis-tooltip') && "
                  "document.querySelector('div.vis-tooltip').style.visibility !== 'hidden'")
    text = page.evaluate("document.querySelector('div.vis-tooltip').innerText")
    assert text.startswith("2022-01-0")
    assert len(text.split("\n")[-1]) > 20  # the sentence
    assert page.errors == []


def test_corpus_sized_graph_opens_within_5_seconds_and_says_what_it_left_out(browser, tmp_path, shots):
    from kg.viz import DEFAULT_LIMIT, cameo_names, network, select
    from kg.vizpage import write_page
    from synthetic import synthetic_corpus

    net = network(synthetic_corpus(1000), cameo_names())
    view, notes = select(net)
    write_page(view, tmp_path / "corpus.html", heading="1,000 articles (synthetic)", notes=notes,
               total=net.number_of_nodes())
    page = open_and_check(browser, tmp_path / "corpus.html", shots / "corpus.png")
    assert 100 < page.evaluate("network.body.data.nodes.length") <= DEFAULT_LIMIT
    assert page.evaluate(INK) > 20_000
    assert "showing" in page.evaluate("document.querySelector('header .notes').innerText")

    focus, notes = select(net, focus="https://w3id.org/kg-news/id/person/p3", depth=2)
    write_page(focus, tmp_path / "focus.html", heading="around one person", notes=notes, total=net.number_of_nodes())
    page = open_and_check(browser, tmp_path / "focus.html", shots / "corpus-focus.png")
    assert page.evaluate("network.body.data.nodes.length") == focus.number_of_nodes()


def test_timeline_page_opens_without_errors(browser, tmp_path, shots):
    from kg.timeline import write_timeline
    from synthetic import synthetic_corpus

    write_timeline(synthetic_corpus(1000), tmp_path / "timeline.html", heading="1,000 articles (synthetic)")
    page = browser.open(tmp_path / "timeline.html")
    page.screenshot(shots / "timeline.png")
    assert page.errors == []
    assert [u for u in page.requests if not u.startswith("file:")] == []
    assert page.evaluate("document.querySelectorAll('svg circle').length") > 50
