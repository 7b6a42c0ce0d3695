"""kg viz and the network export: what is drawn, what is cut, what Gephi gets."""
import datetime as dt

import networkx as nx
import pytest

from kg.ingest import InputError
from kg.viz import DEFAULT_LIMIT, cameo_names, export_network, find_nodes, network, select
from kg.vizpage import render
from synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def example_net(example):
    import kg

    return network(kg.build(example), cameo_names())


@pytest.fixture(scope="module")
def corpus():
    return synthetic_corpus()


@pytest.fixture(scope="module")
def corpus_net(corpus):
    return network(corpus, cameo_names())


def test_events_are_labelled_by_cameo_name_in_arabic_and_english(example_net):
    arrests = [a for _, a in example_net.nodes(data=True) if a["cameo"] == "173"]
    assert arrests
    assert arrests[0]["label"].startswith("اعتقال")
    assert "Arrest" in arrests[0]["label"] and "(173)" in arrests[0]["label"]
    dated = [a for a in arrests if a["date"]]
    assert dated and all(a["title"].startswith(a["date"]) for a in dated)


def test_every_node_has_a_kind_and_every_edge_a_role(example_net):
    kinds = {a["kind"] for _, a in example_net.nodes(data=True)}
    assert kinds == {"person", "organization", "location", "event"}
    assert {a["kind"] for *_, a in example_net.edges(data=True)} <= {"agent", "patient", "place", "role"}
    assert any(a["kind"] == "role" for *_, a in example_net.edges(data=True))


def test_hover_text_is_the_sentence(example_net, example_text):
    titles = [a["title"] for _, a in example_net.nodes(data=True) if a["kind"] == "person"]
    assert any(line in example_text for t in titles for line in t.split("\n")[1:] if len(line) > 20)


def test_focus_finds_a_name_in_any_spelling(example_net):
    assert find_nodes(example_net, "توكاييف")
    assert find_nodes(example_net, "توكاييف") == find_nodes(example_net, "توكايىف")  # ى/ي
    view, notes = select(example_net, focus="توكاييف", depth=1)
    centre = find_nodes(example_net, "توكاييف")[0]
    assert all(n == centre or view.has_edge(n, centre) or view.has_edge(centre, n) for n in view)
    assert "depth 1" in notes[-1]


def test_focus_on_nothing_is_a_clear_error(example_net):
    with pytest.raises(InputError, match="no node"):
        select(example_net, focus="لا أحد بهذا الاسم")


def test_type_filter_keeps_only_those_kinds(example_net):
    view, _ = select(example_net, types=["person", "event"])
    assert {a["kind"] for _, a in view.nodes(data=True)} == {"person", "event"}
    with pytest.raises(InputError, match="unknown --type"):
        select(example_net, types=["people"])


def test_dates_choose_events(corpus_net):
    view, notes = select(corpus_net, date_from=dt.date(2015, 2, 1), date_to=dt.date(2015, 2, 7), limit=0)
    dates = {a["date"] for _, a in view.nodes(data=True) if a["kind"] == "event"}
    assert dates and all("2015-02-01" <= d <= "2015-02-07" for d in dates)
    assert any("events dated 2015-02-01 to 2015-02-07" in n for n in notes)


def test_top_keeps_the_most_connected_entities(corpus_net):
    view, _ = select(corpus_net, top=5, limit=0)
    entities = [n for n, a in view.nodes(data=True) if a["kind"] != "event"]
    assert len(entities) == 5
    assert "https://w3id.org/kg-news/id/person/p0" in entities  # the synthetic corpus's busiest person


def test_a_corpus_is_cut_to_the_limit_and_the_page_says_so(corpus_net):
    assert corpus_net.number_of_nodes() > 5000
    view, notes = select(corpus_net)
    assert 100 < view.number_of_nodes() <= DEFAULT_LIMIT
    assert notes[0].startswith(f"showing {view.number_of_nodes():,} of ")
    assert sum(a["kind"] != "event" for _, a in view.nodes(data=True)) > 50
    assert not [n for n in view if view.degree(n) == 0]
    page = render(view, "corpus", notes, total=corpus_net.number_of_nodes())
    assert "showing" in page and "the most connected" in page


def test_the_page_is_self_contained_and_right_to_left(example_net):
    page = render(select(example_net)[0], "kz")
    assert '<html lang="ar" dir="rtl">' in page
    assert "stabilizationIterationsDone" in page and "physics: false" in page
    for tag in ("<script src", "<link", "<img", "@import"):
        assert tag not in page
    assert "\u200eArrest (173)\u200e" in page  # Latin lines keep their brackets on an RTL canvas


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_keeps_labels_and_types(example, tmp_path, fmt):
    import kg

    path = tmp_path / f"g.{fmt}"
    export_network(kg.build(example), fmt, path)
    net = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    kinds = nx.get_node_attributes(net, "kind")
    labels = nx.get_node_attributes(net, "label")
    assert set(kinds.values()) == {"person", "organization", "location", "event"}
    assert "قاسم جومارت توكاييف" in labels.values()
    events = [n for n, k in kinds.items() if k == "event"]
    assert all(net.nodes[n]["cameo"] and net.nodes[n]["date"][:8] in ("", "2022-01-") for n in events)
    assert any(net.nodes[n]["date"] for n in events)
    assert {a.get("kind") for *_, a in net.edges(data=True)} >= {"agent", "place"}


def test_export_refuses_an_unknown_format_and_writes_atomically(example, tmp_path):
    import kg

    with pytest.raises(InputError, match="unknown network format"):
        export_network(kg.build(example), "dot", tmp_path / "g.dot")
    with pytest.raises(InputError, match="no such folder"):
        export_network(kg.build(example), "graphml", tmp_path / "missing" / "g.graphml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_an_article_with_a_control_character_exports_and_reads_back(tmp_path, fmt):
    import kg
    from kg.model import Entity, Event, Extraction, Mention

    text = "اعتقلت الشرطة أحمد\x1a منصور في برلين."
    x = Extraction("sub", text, published=dt.date(2023, 3, 10), sentences=[(0, len(text))])
    x.entities = [Entity("person/احمد_منصور", "person", "أحمد\x1a منصور", {"أحمد\x1a منصور"}, [Mention(14, 25, text[14:25])],
                         0.8)]
    x.events = [Event("173", "اعتقلت", [], ["person/احمد_منصور"], mentions=[Mention(0, 6, "اعتقلت")])]
    out = tmp_path / f"sub.{fmt}"
    export_network(kg.build(x), fmt, out)
    net = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert "أحمد منصور" in {a["label"] for _, a in net.nodes(data=True)}
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
