"""A corpus-sized graph made up in memory (kg's vocabulary, invented names), so that tests
can draw a 1,000-article graph without reading a real corpus."""
from __future__ import annotations

import datetime as dt
import random

from rdflib import Dataset, Literal

from kg.vocab import CAMEO, ID, KG, NIF, RDF, RDFS, SKOS, XSD

GIVEN = ["محمد", "أحمد", "علي", "خالد", "عمر", "يوسف", "سلمان", "فيصل", "عبدالله", "حسن", "سعيد", "ماجد", "نورة",
         "فاطمة", "ليلى", "قاسم", "طارق", "هشام", "وليد", "بندر"]
FAMILY = ["العتيبي", "الشمري", "القحطاني", "الحربي", "الدوسري", "المطيري", "الزهراني", "الغامدي", "السبيعي",
          "العنزي", "توكاييف", "بوتين", "ماسيموف", "الكعبي", "المنصوري", "الهاشمي", "الخطيب", "النجار"]
ORG_HEADS = ["وزارة", "هيئة", "مجلس", "جهاز", "شركة", "جامعة", "حزب", "منظمة"]
ORG_TAILS = ["الداخلية", "الخارجية", "الأمن الوطني", "الطاقة", "الصحة", "التعليم", "النقل", "الإعلام", "الدفاع",
             "المالية", "التجارة", "العمل"]
PLACES = ["الرياض", "جدة", "مكة", "المدينة", "الدمام", "أبها", "تبوك", "القاهرة", "دبي", "عمان", "بيروت", "بغداد",
          "الدوحة", "الكويت", "المنامة", "مسقط", "ألما آتا", "موسكو", "واشنطن", "باريس"]
CODES = ["010", "020", "036", "041", "042", "043", "051", "057", "061", "111", "112", "141", "145", "173", "190"]
TITLES = ["وزير", "رئيس", "أمير", "سفير", "مدير"]


def synthetic_corpus(articles: int = 1000, seed: int = 6) -> Dataset:
    """About five events an article among a few thousand entities; a few entities are in many
    events (as kings and capitals are), most in one or two."""
    rng = random.Random(seed)
    ds = Dataset(default_union=True)
    g = ds.graph(ID["article/synthetic"])
    persons = [ID[f"person/p{i}"] for i in range(articles * 3 // 2)]
    orgs = [ID[f"organization/o{i}"] for i in range(articles * 2 // 5)]
    places = [ID[f"location/l{i}"] for i in range(articles // 5)]
    for i, node in enumerate(persons):
        g.add((node, RDF.type, KG.Person))
        g.add((node, SKOS.prefLabel, Literal(f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i // len(GIVEN)) % len(FAMILY)]}"
                                             f"{' ' + str(i) if i >= len(GIVEN) * len(FAMILY) else ''}", lang="ar")))
    for i, node in enumerate(orgs):
        g.add((node, RDF.type, KG.Organization))
        g.add((node, SKOS.prefLabel, Literal(f"{ORG_HEADS[i % len(ORG_HEADS)]} {ORG_TAILS[i % len(ORG_TAILS)]} {i}",
                                             lang="ar")))
    for i, node in enumerate(places):
        g.add((node, RDF.type, KG.Location))
        g.add((node, SKOS.prefLabel, Literal(PLACES[i] if i < len(PLACES) else f"مدينة {i}", lang="ar")))

    def skewed(nodes):  # Zipf-like: the first few are picked often
        return nodes[min(int(rng.paretovariate(1.1)) - 1, len(nodes) - 1) if rng.random() < 0.6
                     else rng.randrange(len(nodes))]

    start = dt.date(2015, 1, 1)
    for a in range(articles):
        day = start + dt.timedelta(days=a * 180 // articles)
        for n in range(5):
            event = ID[f"event/a{a}/{n}"]
            code = CODES[rng.randrange(len(CODES))]
            agent, patient = skewed(persons + orgs[:40]), skewed(persons)
            place = skewed(places)
            g.add((event, RDF.type, KG.Event))
            g.add((event, KG.eventType, CAMEO[code]))
            g.add((event, RDFS.label, Literal("حدث", lang="ar")))
            g.add((event, KG.agent, agent))
            if rng.random() < 0.7:
                g.add((event, KG.patient, patient))
            if rng.random() < 0.6:
                g.add((event, KG.place, place))
            g.add((event, KG.date, Literal((day + dt.timedelta(days=rng.randrange(-2, 1))).isoformat(),
                                           datatype=XSD.date)))
            mention, sentence = ID[f"article/a{a}#char={n * 100},{n * 100 + 5}"], ID[f"article/a{a}#s{n}"]
            g.add((event, KG.mention, mention))
            g.add((mention, NIF.sentence, sentence))
            g.add((sentence, NIF.anchorOf, Literal(f"جملة الخبر رقم {n + 1} من المقال {a + 1}.")))
    for i in range(articles // 4):
        role = ID[f"role/r{i}"]
        g.add((role, RDF.type, KG.Role))
        g.add((role, KG.holder, persons[i]))
        g.add((role, KG.roleOf, orgs[i % len(orgs)] if i % 2 else places[i % len(places)]))
        g.add((role, RDFS.label, Literal(TITLES[i % len(TITLES)], lang="ar")))
        g.add((role, KG.former, Literal(i % 7 == 0)))
    return ds
