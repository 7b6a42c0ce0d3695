"""Language data: each language is a folder of plain TSV files (kg/lang/ar/, later kg/lang/en/).

The extractors read whichever language they are given through `load(lang)`; nothing
about Arabic is written in their code. Each file has `#` comments and tab-separated
columns described in its header.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from kg.normalize import normalize_text


def read_table(lang: str, name: str) -> list[list[str]]:
    """Rows of kg/lang/LANG/NAME: tab-separated cells, comments and blank lines skipped."""
    text = resources.files("kg.lang").joinpath(lang, name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Title:
    title: str  # as written in the table, without the article
    english: str
    kind: str  # leader | state | office | rank | noble | counterpart | descriptor | epithet
    implies: str = ""  # an epithet's title (خادم الحرمين الشريفين: ملك)
    country: str = ""  # and the ISO code of the country it is of


@dataclass(frozen=True)
class Trigger:
    cameo: str
    kind: str  # verb | noun | phrase
    english: str


@dataclass
class LanguageData:
    """Everything kg knows about one language, read from its data files."""

    lang: str
    prefixes: list[str] = field(default_factory=list)  # proclitics, longest first
    article_prefixes: list[str] = field(default_factory=list)  # لل = ل + ال
    suffixes: list[str] = field(default_factory=list)  # enclitic pronouns, longest first
    verb_inflections: dict[str, list[str]] = field(default_factory=dict)
    honorifics: set[str] = field(default_factory=set)  # normalized phrases
    titles: dict[str, Title] = field(default_factory=dict)  # normalized title -> Title
    portfolios: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalized -> (as written, english)
    org_heads: dict[str, str] = field(default_factory=dict)  # normalized head -> named | mission
    generic_orgs: set[str] = field(default_factory=set)
    national_orgs: set[str] = field(default_factory=set)  # الجيش: with a nationality, a named body
    organizations: list[tuple[str, list[str], str]] = field(default_factory=list)
    places: list[tuple[str, list[str], str, str]] = field(default_factory=list)
    demonyms: dict[str, str] = field(default_factory=dict)  # normalized adjective -> ISO code
    reporting: dict[str, str] = field(default_factory=dict)  # normalized form -> kind
    triggers: dict[str, Trigger] = field(default_factory=dict)  # normalized form -> Trigger
    weekdays: dict[str, int] = field(default_factory=dict)
    relative_days: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    hijri_months: dict[str, int] = field(default_factory=dict)
    former: set[str] = field(default_factory=set)  # words marking a title as past
    name_particles: set[str] = field(default_factory=set)  # بن, آل, عبد ...
    stop_words: set[str] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)  # inflected forms that are not triggers
    given_names: set[str] = field(default_factory=set)
    not_places: set[str] = field(default_factory=set)  # common words GeoNames lists as towns
    multipliers: dict[str, int] = field(default_factory=dict)  # آلاف -> 1000
    institutional: set[str] = field(default_factory=set)  # الملكي: makes "ال + head" a name
    ordinals: set[str] = field(default_factory=set)
    home: set[str] = field(default_factory=set)  # المملكة: the article's own country
    postings: set[str] = field(default_factory=set)  # لدى: where a title's holder serves
    owner_markers: set[str] = field(default_factory=set)  # ل ب في: before the owner of a title
    future: set[str] = field(default_factory=set)  # سوف: the next verb is to come
    pluperfect: set[str] = field(default_factory=set)  # كان: its subject stands before the verb
    future_forms: set[str] = field(default_factory=set)  # verb forms with the future prefix (سيوقع)
    past_forms: set[str] = field(default_factory=set)  # past verb forms (وقع, وقعت)
    relatives: set[str] = field(default_factory=set)  # الذي التي
    regional: set[str] = field(default_factory=set)  # العربي الدولي: ends the name of a body
    hosting: set[str] = field(default_factory=set)  # في (استقبال, وداع): the hosts follow the guest
    target_verbs: set[str] = field(default_factory=set)  # استهدف: whom an attack hit
    place_heads: dict[str, str] = field(default_factory=dict)  # normalized head -> named | town | state


def _forms(cell: str) -> list[str]:
    return [f.strip() for f in cell.split("|") if f.strip()]


@functools.lru_cache(maxsize=None)
def load(lang: str) -> LanguageData:
    """The language data of `lang` ('ar'), read once per process."""
    from kg.language import check

    lang = check(lang)
    data = LanguageData(lang=lang)
    for kind, form, *_ in read_table(lang, "clitics.tsv"):
        bucket = {"prefix": data.prefixes, "article": data.article_prefixes, "suffix": data.suffixes}[kind]
        bucket.append(normalize_text(form))
    for kind, affixes in read_table(lang, "inflections.tsv"):
        data.verb_inflections[kind] = [a if a != "-" else "" for a in affixes.split()]
    data.honorifics = {normalize_text(row[0]) for row in read_table(lang, "honorifics.tsv")}
    for title, english, kind, *epithet in read_table(lang, "titles.tsv"):
        data.titles[normalize_text(title)] = Title(title, english, kind, *epithet)
    data.portfolios = {normalize_text(p): (p, en) for p, en in read_table(lang, "portfolios.tsv")}
    data.org_heads = {normalize_text(form): kind for form, _english, kind in read_table(lang, "org_heads.tsv")}
    for form, *national in read_table(lang, "generic_orgs.tsv"):
        data.generic_orgs.add(normalize_text(form))
        if national == ["organization"]:
            data.national_orgs.add(normalize_text(form))
    for row in read_table(lang, "organizations.tsv"):
        row += [""] * (3 - len(row))
        data.organizations.append((row[0], _forms(row[1]), row[2]))
    for row in read_table(lang, "places.tsv"):
        row += [""] * (4 - len(row))
        data.places.append((row[0], _forms(row[1]), row[2], row[3]))
    data.demonyms = {normalize_text(adj): code for adj, code in read_table(lang, "demonyms.tsv")}
    data.reporting = {normalize_text(form): kind for form, kind in read_table(lang, "reporting.tsv")}
    for kind, form, *value in read_table(lang, "words.tsv"):
        if kind == "multiplier":
            data.multipliers[normalize_text(form)] = int(value[0])
            continue
        {"former": data.former, "particle": data.name_particles, "stop": data.stop_words,
         "ambiguous": data.ambiguous, "not_place": data.not_places, "institutional": data.institutional,
         "ordinal": data.ordinals, "home": data.home, "posting": data.postings,
         "owner": data.owner_markers, "future": data.future, "pluperfect": data.pluperfect,
         "relative": data.relatives, "target": data.target_verbs, "regional": data.regional,
         "hosting": data.hosting}[kind].add(normalize_text(form))
    data.place_heads = {normalize_text(form): kind for form, _english, kind in read_table(lang, "place_heads.tsv")}
    for kind, cameo, forms, english in read_table(lang, "triggers.tsv"):
        trigger = Trigger(cameo, kind, english)
        for form in _forms(forms):
            if kind == "verb":
                pasts, presents = form.split("/")
                for stem in pasts.split(","):
                    for suffix in data.verb_inflections["past"]:
                        data.triggers.setdefault(normalize_text(stem + suffix), trigger)
                        data.past_forms.add(normalize_text(stem + suffix))
                for stem in presents.split(","):
                    for prefix in data.verb_inflections["present_prefix"]:
                        for suffix in data.verb_inflections["present_suffix"]:
                            data.triggers.setdefault(normalize_text(prefix + stem + suffix), trigger)
                    for prefix in data.verb_inflections.get("future_prefix", []):  # سيوقع: will sign
                        for suffix in data.verb_inflections["present_suffix"]:
                            form = normalize_text(prefix + stem + suffix)
                            data.triggers.setdefault(form, trigger)
                            data.future_forms.add(form)
            else:
                data.triggers.setdefault(normalize_text(form), trigger)
                if kind == "noun" and not form.startswith("ال"):  # التفجير, الاعتقال: with the article
                    data.triggers.setdefault(normalize_text("ال" + form), trigger)
    for kind, form, value in read_table(lang, "dates.tsv"):
        table = {"weekday": data.weekdays, "relative": data.relative_days,
                 "month": data.months, "hijri": data.hijri_months}[kind]
        table[normalize_text(form)] = int(value)
    data.given_names = {normalize_text(row[0]) for row in read_table(lang, "given_names.tsv")}
    for form in data.ambiguous:
        data.triggers.pop(form, None)
    return data
