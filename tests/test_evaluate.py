"""kg evaluate: the guidelines' matching rules, on Extractions and gold documents."""
import datetime as dt

from kg.evaluate import Scores, same_name, score_document, title_covers
from kg.model import Entity, Event, Extraction, Role


def test_names_match_after_normalization_and_on_two_thirds_of_their_words():
    assert same_name("الرئيس", "رئيس")  # the article
    assert same_name("عبدالفتاح السيسي", "عبدالفتاح  السيسى")  # ى/ي, spaces
    assert same_name("الشيخ تميم بن حمد", "تميم بن حمد")  # honorifics
    assert not same_name("تميم بن حمد آل ثاني", "تميم بن حمد")  # 3 of 5 words
    assert same_name("تميم بن حمد آل", "تميم بن حمد")  # 3 of 4
    assert not same_name("محمد بن سلمان بن عبدالعزيز", "سلمان")  # one word of a longer name
    assert not same_name("حركة النهضة", "النهضة")  # 1 of 2 words
    assert same_name("الجوهرة أف أم", "الجوهرة أف")


def test_a_role_label_matches_a_gold_title_it_contains_in_order():
    assert title_covers("وزير الخارجية المصري", "وزير الخارجية")
    assert not title_covers("وزير", "وزير الخارجية")
    assert not title_covers("الخارجية وزير", "وزير الخارجية")


def _x(entities, roles=(), events=()):
    return Extraction(doc_id="d", text="", entities=list(entities), roles=list(roles), events=list(events))


GOLD = {"persons": [{"name": "كريم ماسيموف", "aliases": ["ماسيموف"]}],
        "organizations": [{"name": "وزارة الداخلية", "aliases": []}],
        "locations": [{"name": "كازاخستان", "aliases": []}, {"name": "روسيا", "optional": True}],
        "roles": [{"person": "كريم ماسيموف", "role": "رئيس", "of": "وزارة الداخلية", "former": True}],
        "events": [{"cameo_root": "17", "agents": ["وزارة الداخلية"], "patients": ["كريم ماسيموف"],
                    "locations": [], "date": "2022-01-06"},
                   {"cameo_root": ["18", "19"], "agents": [], "patients": [], "locations": ["كازاخستان"]}]}


def test_an_entity_found_twice_counts_once_right_and_once_wrong_and_optional_ones_neither_way():
    scores = Scores()
    score_document(_x([Entity("p1", "person", "كريم ماسيموف"), Entity("p2", "person", "ماسيموف"),
                       Entity("l1", "location", "روسيا"), Entity("l2", "location", "كازاخستان")]), GOLD, scores)
    assert (scores.tallies["persons"].tp, scores.tallies["persons"].fp) == (1, 1)
    assert (scores.tallies["locations"].tp, scores.tallies["locations"].fp, scores.tallies["locations"].fn) == (1, 0, 0)
    assert scores.tallies["organizations"].fn == 1


def test_events_match_on_root_and_a_shared_agent_and_an_unmatched_statement_is_not_counted():
    entities = [Entity("p", "person", "كريم ماسيموف"), Entity("o", "organization", "وزارة الداخلية"),
                Entity("l", "location", "كازاخستان")]
    events = [Event("173", "اعتقل", agents=["o"], patients=["p"], date=dt.date(2022, 1, 6)),
              Event("190", "اشتباكات", places=["l"]),
              Event("173", "اعتقل", agents=["p"]),  # the wrong agent: no match
              Event("010", "قال", agents=["o"])]  # an unmatched statement
    roles = [Role("p", "الرئيس السابق", of="o", former=True)]
    scores = Scores()
    score_document(_x(entities, roles, events), GOLD, scores)
    t = scores.tallies["events"]
    assert (t.tp, t.fp, t.fn) == (2, 1, 0)
    assert scores.ratios["events.date"] == [1, 1]
    assert (scores.tallies["roles"].tp, scores.ratios["roles.of"]) == (1, [1, 1])
    rights = [(c, right) for c, _, right, _ in scores.outcomes if c == "events"]
    assert rights == [("events", True), ("events", True), ("events", False)]
