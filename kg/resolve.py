"""Entity resolution inside one article: one node per real entity, carrying all its labels.

A surname alone joins the full name (ماسيموف → كريم ماسيموف); a shorter name of an
organization joins the longer one (لجنة الأمن → لجنة الأمن الوطنية), and so do two names whose
defining words agree while their head nouns differ (جهاز الأمن الوطني / لجنة الأمن الوطنية);
places and organizations the gazetteer knows join by their identity. Entity keys are
stable: the gazetteer identity (country/KZ, geonames/1526384) or kind/normalized-name.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from kg.entities import EntityMention
from kg.lang import LanguageData
from kg.model import LOCATION, ORGANIZATION, PERSON, Entity
from kg.normalize import normalize_text, strip_article

REPEAT_BONUS = 0.05
RECENT_CHARS = 400  # how far back a short name looks for the entity it stands for


@dataclass
class _Cluster:
    kind: str
    words: list[str]  # normalized words of the canonical name
    name: str
    ident: str = ""
    country: str | None = None
    members: list[int] = field(default_factory=list)
    forms: list[list[str]] = field(default_factory=list)  # words of every member's name


def name_words(label: str, lang: LanguageData) -> list[str]:
    """Normalized words of a name, honorifics in front removed."""
    words = normalize_text(label).split()
    changed = True
    while changed and len(words) > 1:
        changed = False
        for n in (3, 2, 1):
            if len(words) > n and " ".join(words[:n]) in lang.honorifics:
                words, changed = words[n:], True
                break
    return words


def _contains(longer: list[str], shorter: list[str]) -> bool:
    a, b = [strip_article(w) for w in longer], [strip_article(w) for w in shorter]
    n = len(b)
    return 0 < n <= len(a) and any(a[i:i + n] == b for i in range(len(a) - n + 1))


def _signature(words: list[str]) -> tuple[str, ...]:
    """The defining words of an organization name, agreement endings dropped: الأمن الوطني."""
    out = []
    for w in words[1:]:
        w = strip_article(w)
        out.append(w[:-1] if w.endswith("ه") else w)
    return tuple(out)


def resolve_entities(mentions: list[EntityMention], lang: LanguageData) -> tuple[list[Entity], list[str]]:
    """Entities of an article and, for each mention, the key of its entity."""
    mentions = list(mentions)
    words = [name_words(m.label, lang) or normalize_text(m.label).split() for m in mentions]
    kinds = [m.kind for m in mentions]
    # A name the text gives a person elsewhere is a person here too, whatever the NER said.
    persons = [words[i] for i, m in enumerate(mentions) if m.kind == PERSON and m.confidence >= 0.7]
    for i, m in enumerate(mentions):
        # (a GeoNames town too: بخاري after محمد بخاري is not Bukhara; the tables' own places stay)
        if m.kind != PERSON and (not m.ident or m.ident.startswith("geonames/")) \
                and any(_contains(p, words[i]) for p in persons):
            kinds[i] = PERSON
            mentions[i] = replace(m, kind=PERSON, name=None, ident="", country=None)

    clusters: list[_Cluster] = []
    order = sorted(range(len(mentions)), key=lambda i: (-len(words[i]), mentions[i].mention.start))
    for i in order:
        m, w, kind = mentions[i], words[i], kinds[i]
        if not w:
            continue
        target = None
        fits = []
        for c in clusters:
            if c.kind != kind:
                continue
            if m.ident and c.ident:
                if m.ident == c.ident:
                    fits = [c]
                    break
                continue
            if kind == PERSON and _contains(c.words, w):
                fits.append(c)
            elif kind == ORGANIZATION and any(
                    [strip_article(x) for x in f] == [strip_article(x) for x in w]
                    or (len(w) >= 2 and _contains(f, w) and strip_article(f[0]) == strip_article(w[0]))
                    or (len(w) >= 3 and len(f) == len(w) and _signature(f) == _signature(w)) for f in c.forms):
                fits.append(c)
            elif kind == LOCATION and [strip_article(x) for x in c.words] == [strip_article(x) for x in w]:
                fits.append(c)
        # A short name that fits two entities (وزارة الخارجية beside the Kuwaiti and the Egyptian
        # ministries, العيسى beside two men of that family) joins neither ...
        exact = [c for c in fits if any([strip_article(x) for x in f] == [strip_article(x) for x in w] for f in c.forms)]
        if len(fits) == 1 or exact:
            target = (exact or fits)[0]
        elif fits:  # ... unless one was named just before: the reader takes that one
            target = _last_named(fits, mentions, m.mention.start)
        if target is None:
            target = _Cluster(kind, w, m.name or m.label, m.ident, m.country)
            clusters.append(target)
        elif m.ident and not target.ident:
            target.ident, target.country = m.ident, m.country
            target.name = m.name or target.name
        target.members.append(i)
        target.forms.append(w)

    entities: list[Entity] = []
    keys = [""] * len(mentions)
    for c in sorted(clusters, key=lambda c: min(mentions[i].mention.start for i in c.members)):
        key = c.ident or f"{c.kind}/{'_'.join(c.words)}"
        confidence = max(mentions[i].confidence for i in c.members)
        entity = Entity(key, c.kind, c.name, {c.name}, [], min(0.99, confidence + REPEAT_BONUS * (len(c.members) - 1)),
                        c.country)
        for i in c.members:
            entity.add_mention(mentions[i].mention, mentions[i].label)
            keys[i] = key
        entities.append(entity)
    return entities, keys


def _last_named(fits: list[_Cluster], mentions: list[EntityMention], start: int) -> _Cluster | None:
    """Of the entities a short name fits, the one named last before it, when it was named in the
    same stretch of text (the last 400 characters) and none of the others since."""
    last = {}
    for c in fits:
        before = [mentions[i].mention.start for i in c.members if mentions[i].mention.start < start]
        if before:
            last[id(c)] = max(before)
    if not last:
        return None
    best = max(fits, key=lambda c: last.get(id(c), -1))
    return best if start - last[id(best)] <= RECENT_CHARS else None
