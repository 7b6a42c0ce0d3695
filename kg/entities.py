"""Entity spans: persons, organizations and locations, each where its evidence is strongest.

- Names of real places and organizations from the gazetteer (CLDR, GeoNames, the
  language's tables), through clitics (بكازاخستان → كازاخستان).
- Organizations by their head noun (وزارة الداخلية, لجنة الأمن الوطنية, وكالة "سبوتنيك").
- Persons after an honorific (الشيخ تميم بن حمد آل ثاني); persons after titles are found by
  the title component (kg.roles).
- The statistical NER (when the pipeline has one) for everything else.

Spans go to `doc.ents` with labels PERS, ORG, LOC, and carry how many characters of
proclitic their first token has (`span._.kg_peel`), their gazetteer name and identity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.gazetteer import gazetteer
from kg.lang import LanguageData, load
from kg.lexicon import PhraseLexicon, proclitic_readings, restored
from kg.model import LOCATION, ORGANIZATION, PERSON, Mention
from kg.normalize import DIACRITICS, normalize_text, normalize_word, strip_article

LABELS = {PERSON: "PERS", ORGANIZATION: "ORG", LOCATION: "LOC"}
KIND_OF_LABEL = {"PERS": PERSON, "PER": PERSON, "PERSON": PERSON, "ORG": ORGANIZATION,
                 "LOC": LOCATION, "GPE": LOCATION}
QUOTES = {'"', "«", "»", "“", "”", "'"}
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
MAX_NAME_TOKENS = 6
MAX_ORG_TAIL = 4  # defining words after a head noun
COMMON_SURNAME_ZIPF = 5.0  # an ال-word more frequent than this is not a surname (الوطني)
RARE_WORD_ZIPF = 4.0
RARE_PLACE_ZIPF = 3.0
COMMON_NAME_ZIPF = 4.5  # a word the NER alone calls a name, more frequent than this, is none
COMMON_PLACE_ZIPF = 4.0  # the same for a place  # a definite word rarer than this after a place's head noun is its name  # a name may begin with a word rarer than this, or with a given name

for _name, _default in (("kg_peel", 0), ("kg_name", None), ("kg_ident", ""), ("kg_country", None),
                        ("kg_within", None), ("kg_conf", 0.5), ("kg_ner", False)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


@dataclass
class _Candidate:
    start: int
    end: int
    label: str
    priority: int  # higher wins an overlap of equal length
    conf: float
    peel: int | None = 0  # None: not known, judge by the words
    name: str | None = None
    ident: str = ""
    country: str | None = None
    within: str | None = None  # the country a place lies in
    ner: bool = False  # the statistical NER's span
    exact: bool = False  # a rule that knows where the name ends (a body named after a ruler)


NER_PRIORITY = 2.5  # the NER's span beats the rules' head-noun names of the same words, not the gazetteer's

def words_of(nlp: Language, lang: str) -> "Words":
    """The word classes of `lang`, built once per process and shared by the components."""
    if lang not in _WORDS:
        _WORDS[lang] = Words(nlp, lang)
    return _WORDS[lang]


_WORDS: dict[str, "Words"] = {}


class Words:
    """Word classes of a language that the entity and title rules consult."""

    def __init__(self, nlp: Language, lang: str):
        from wordfreq import zipf_frequency

        self.data: LanguageData = load(lang)
        self.lang = lang
        self.gazetteer = gazetteer(lang)
        self._zipf = zipf_frequency
        self.stop = {normalize_word(w) for w in nlp.Defaults.stop_words} | self.data.stop_words
        # على is not علي: function words are also kept as written, before ى and ي are merged
        self.written_stop = {DIACRITICS.sub("", w) for w in nlp.Defaults.stop_words}
        self.phrase_starts = {form.split()[0] for form in self.data.triggers if " " in form}
        self.titles: PhraseLexicon[str] = PhraseLexicon(self.data, enclitics=True)
        for key in self.data.titles:
            self.titles.add(key, key)
        self.honorifics: PhraseLexicon[str] = PhraseLexicon(self.data)
        for form in self.data.honorifics:
            self.honorifics.add(form, form)
        self.generic: PhraseLexicon[str] = PhraseLexicon(self.data)  # الحكومة, القوات المسلحة
        for form in self.data.generic_orgs:
            self.generic.add(form, form)
        self.blocked = set(self.data.org_heads) | set(self.data.reporting) | set(self.data.triggers) \
            | set(self.data.weekdays) | set(self.data.relative_days) | set(self.data.months) \
            | set(self.data.former) | {w for t in self.data.titles for w in t.split()} \
            | set(self.data.portfolios)
        self.title_phrases: dict[str, list[tuple[str, ...]]] = {}  # first word -> the rest of each title
        for title in self.data.titles:
            first, *rest = title.split()
            if rest:
                self.title_phrases.setdefault(first, []).append(tuple(rest))

    def future_verb(self, norm: str) -> bool:
        """سيعود, ستعقد: a common verb in the future, not a name (سيف, سيرغي)."""
        return norm[:2] in ("سي", "ست", "سن") and norm not in self.data.given_names \
            and self.zipf(norm[1:]) >= RARE_WORD_ZIPF

    def zipf(self, word: str) -> float:
        return self._zipf(word, self.lang)

    def is_common(self, norm: str) -> bool:
        """A function word or a word of the extractors' own tables: never part of a name."""
        return norm in self.stop or any(stem in self.blocked or stem in self.stop or strip_article(stem) in self.blocked
                                        for _, stem in proclitic_readings(norm, self.data))

    def _score(self, word: str, written: str) -> float:
        known = self.gazetteer.names.get(word) is not None or word in self.data.given_names
        return max(self.zipf(word), self.zipf(written)) + (2.0 if known else 0.0)

    def clitic_reading(self, norm: str, written: str | None = None) -> tuple[int, str]:
        """The likelier reading of a word as proclitic + stem, by word rarity and the name tables:
        وواشنطن → (1, واشنطن), وليد → (0, وليد). `written`: the word as written (diacritics
        aside, as long as its norm), which the word lists know better (وزارة, not وزاره: no و + زاره)."""
        written = written if written is not None and len(written) == len(norm) else norm
        best, best_score = (0, norm), self._score(norm, written)
        for peel, stem in proclitic_readings(norm, self.data):
            if peel == 0 or len(stem) < 3:
                continue
            score = self._score(stem, written[peel:])
            if score > best_score or (score == best_score == 0 and peel == 1 and norm[0] in "وفبل"):
                best, best_score = (peel, stem), score
        return best

    def peel(self, token: Token) -> int:
        """Characters of proclitic on a name's first token (وواشنطن → 1)."""
        return self.clitic_reading(token.norm_, DIACRITICS.sub("", token.text))[0]

    def glued_word(self, norm: str) -> bool:
        """A preposition or conjunction glued to a common word (بإطلاق, للسماح, وناقشا): not a name."""
        peel, stem = self.clitic_reading(norm)
        return peel > 0 and self.zipf(stem) >= 3.0

    def name_end(self, doc: Doc, i: int, stop: int | None = None, trust_first: bool = False) -> int:
        """End (exclusive) of the personal name that starts at token i; i if none does.
        With trust_first the first word is taken as a name whatever it also means (after an
        honorific: الدكتور مساعد العيبان)."""
        stop = min(len(doc), stop if stop is not None else len(doc), i + MAX_NAME_TOKENS)
        j = i
        while j < stop:
            token = doc[j]
            norm = token.norm_
            if not token.norm_.isalpha() or token.is_space:
                break
            if j == i and trust_first:
                j += 1
                continue
            if norm.endswith("وا") and len(norm) > 4:
                break  # a verb in the plural (رفعوا): the name has ended
            if "\u064b" in token.text or norm in self.phrase_starts:
                break  # tanween (اتصالاً) or the first word of a trigger phrase: not a name
            if j > i and any(tuple(t.norm_ for t in doc[j + 1:j + 1 + len(rest)]) == rest
                             for rest in self.title_phrases.get(norm, ())):
                break  # ... بن أحمد ولي العهد: a title of several words (ولي is also a given name)
            if j > i and self.future_verb(norm):
                break
            if norm in self.data.name_particles:
                if j + 1 < stop and doc[j + 1].norm_.isalpha():
                    j += 1
                    continue
                break
            first = j == i
            after_particle = j > i and doc[j - 1].norm_ in self.data.name_particles
            if DIACRITICS.sub("", token.text) in self.written_stop:
                break
            if self.is_common(norm) and norm not in self.data.given_names:
                break
            if self.gazetteer.demonyms.get(norm) is not None:
                if first or not doc[j - 1].norm_ in self.data.given_names:
                    break
                j += 1  # منصور التركي: a nationality as a family name ends the name
                break
            if norm not in self.data.given_names and (
                    self.glued_word(norm) or first and self.zipf(norm) >= RARE_WORD_ZIPF):
                break
            if norm.startswith("ال") and not after_particle:
                if first or self.zipf(norm) >= COMMON_SURNAME_ZIPF or norm.endswith("ات"):
                    break  # (a plural in ات is no family name: هادي | الميليشيات)
                j += 1
                break  # an ال-surname ends the name (عمر البشير)
            j += 1
        while j > i and doc[j - 1].norm_ in self.data.name_particles:
            j -= 1
        return j


class EntityFinder:
    def __init__(self, nlp: Language, lang: str):
        self.words = words_of(nlp, lang)
        self.data = self.words.data
        self._generic = {strip_article(g) for g in self.data.generic_orgs}

    def __call__(self, doc: Doc) -> Doc:
        norms = [t.norm_ for t in doc]
        found = list(self._gazetteer(norms))
        found += self._headed_names(doc, norms)
        found += self._national_bodies(norms)
        found += self._honorific_persons(doc, norms)
        found += self._statistical(doc)
        doc.ents = self._resolve_overlaps(doc, found)
        return doc

    def _gazetteer(self, norms):
        for m in self.words.gazetteer.names.find_all(norms):
            place = m.value
            yield _Candidate(m.start, m.end, LABELS[place.kind], 3, 0.9, m.peel, place.name, place.ident,
                             place.country, place.within)

    def _national_bodies(self, norms: list[str]) -> list[_Candidate]:
        """A generic body with a nationality stands for its country: الحكومة الأردنية, السلطات
        الكازاخستانية → الأردن, كازاخستان (the actor an analyst counts); an army is a body of
        its own (الجيش التركي)."""
        found = []
        for m in self.words.generic.find_all(norms):
            if m.end >= len(norms):
                continue
            demonym = self.words.gazetteer.demonyms.match_at(norms, m.end, proclitics=False)
            country = self.words.gazetteer.countries.get(demonym.value) if demonym else None
            if country is not None and m.value in self.data.national_orgs:  # الجيش التركي
                found.append(_Candidate(m.start, demonym.end, "ORG", 2, 0.7, m.peel))
            elif country is not None:
                found.append(_Candidate(m.start, demonym.end, "LOC", 2, 0.7, m.peel, country.name, country.ident,
                                        country.country))
        return found

    def _headed_names(self, doc: Doc, norms: list[str]) -> list[_Candidate]:
        """Names that begin with a head noun: organizations (وزارة الداخلية, لجنة الأمن الوطنية,
        وكالة "سبوتنيك") and places (منطقة زامبيل, مطار القاهرة الدولي, جمهورية مصر العربية)."""
        found = []
        for i, norm in enumerate(norms):
            for peel, stem in proclitic_readings(norm, self.data):
                head = strip_article(stem)
                if head in self.data.org_heads:
                    found += self._headed(doc, norms, i, peel, stem, "ORG", self.data.org_heads[head])
                    break
                if head in self.data.place_heads:
                    found += self._headed(doc, norms, i, peel, stem, "LOC", self.data.place_heads[head])
                    break
        return found

    def _headed(self, doc: Doc, norms: list[str], i: int, peel: int, stem: str, label: str, kind: str):
        definite = stem.startswith("ال")
        j = i + 1
        if label == "ORG" and j < len(doc) and doc[j].text in QUOTES:  # وكالة "سبوتنيك": the quoted name
            k = j + 1
            while k < len(doc) and k - j <= 5 and doc[k].text not in QUOTES:
                k += 1
            if k < len(doc) and k > j + 1 and doc[k].text in QUOTES:
                return [_Candidate(j + 1, k, "ORG", 2, 0.7)]
            return []
        place = None if definite else self.words.gazetteer.names.match_at(norms, j, proclitics=False) \
            if j < len(doc) else None
        if kind == "state":  # جمهورية مصر العربية: the country itself
            if place is None or place.value.country is None or place.peel:
                return []
            end = self._institutional_tail(norms, place.end)
            c = place.value
            return [_Candidate(i, end, "LOC", 4, 0.9, peel, c.name, c.ident, c.country)]
        if kind == "town":  # مدينة داماتورو: the rare word after the head is the town's name
            if definite or place is not None or j >= len(doc) or not self._rare_name(doc[j]):
                return []
            end = j + 1 if j + 1 >= len(doc) or not self._rare_name(doc[j + 1]) else j + 2
            return [_Candidate(j, end, "LOC", 1, 0.6, 0)]
        if label == "LOC" and place is not None and not place.peel and place.value.kind == LOCATION:
            end = self._institutional_tail(norms, place.end)
            if place.value.region:  # منطقة عسير is عسير
                c = place.value
                return [_Candidate(i, end, "LOC", 4, 0.9, peel, c.name, c.ident, c.country)]
            return [_Candidate(i, end, "LOC", 2, 0.8, peel)]  # منطقة ألما آتا, مطار القاهرة الدولي
        known = None
        if place is not None and not place.peel:
            j = place.end
            if place.value.kind == KIND_OF_LABEL[label] and place.value.ident.startswith("org/"):
                known = place.value  # جماعة بوكو حرام, حركة الحوثيين: the organization the table knows
        elif not definite and j < len(doc) and self._rare_name(doc[j]):
            j += 1  # منطقة زامبيل, قاعدة العند
        elif not definite and j + 1 < len(doc) and self._royal(norms[j]):
            end = self.words.name_end(doc, j + 1, trust_first=True)
            while end > j + 2 and norms[end - 1].startswith("ال") and self.words.zipf(doc[end - 1].text) >= RARE_PLACE_ZIPF:
                end -= 1  # (جامعة الملك سعود | المؤتمر: the word after is no family name)
            if end > j + 1:  # جامعة الملك سعود, مطار الملك خالد الدولي: named after a person
                end = self._institutional_tail(norms, end)
                return [_Candidate(i, end, label, 2, 0.7, peel, exact=True)]
        named_tail = j > i + 1
        j = self._definite_tail(doc, norms, j, chains=label == "ORG")
        if j == i + 1:
            return []
        tail = norms[i + 1:j]
        if not named_tail and not self._defining(tail, definite, label):
            return []  # الجماعة المتشددة, قاعدة عسكرية: a description, not a name
        if kind == "mission" and j + 1 < len(doc) and norms[j] == "في":  # السفارة السعودية في القاهرة
            there = self.words.gazetteer.names.match_at(norms, j + 1, proclitics=False)
            if there is not None and there.value.kind == LOCATION:
                j = there.end
        if strip_article(" ".join([stem, *norms[i + 1:j]])) in self._generic:
            return []
        if known is not None:
            return [_Candidate(i, j, label, 2, 0.8, peel, known.name, known.ident)]
        confidence = 0.5 if definite else 0.6 + 0.1 * named_tail
        return [_Candidate(i, j, label, 1, confidence, peel)]

    def _royal(self, norm: str) -> bool:
        """A ruler's title before a name inside the name of a place or body (الملك, الأمير, الشيخ)."""
        title = self.data.titles.get(strip_article(norm))
        return title is not None and title.kind in ("leader", "noble") and norm.startswith("ال") \
            or norm in self.data.honorifics and norm.startswith("ال")

    def _institutional_tail(self, norms: list[str], j: int) -> int:
        while j < len(norms) and norms[j] in self.data.institutional:
            j += 1
        return j

    def _defining(self, tail: list[str], definite: bool, label: str) -> bool:
        """Whether the words after a head noun make a name of it: for an organization a definite
        word (وزارة الداخلية), or, after a definite head, two words, an institutional adjective
        (الديوان الملكي) or a nationality (القنصلية الأميركية); for a place only the last two."""
        first = tail[0]
        institutional = first in self.data.institutional
        national = self.words.gazetteer.demonyms.get(first) is not None or first in self.data.regional
        if label == "LOC":  # a rare definite word names a place (قاعدة العند); a common one describes it
            rare = first.startswith("ال") and not definite and self.words.zipf(first) < RARE_PLACE_ZIPF
            return institutional or (national and not definite) or rare
        if definite:
            return len(tail) >= 2 or institutional or national
        return any(w.startswith("ال") for w in tail)

    def _definite_tail(self, doc: Doc, norms: list[str], j: int, chains: bool = False) -> int:
        """End of the defining words after a head noun: definite words (الداخلية الإسرائيلية) and,
        with chains, construct chains that reach one (مكافحة الفساد). Stops at honorifics,
        titles, former, dates and function words."""
        start = j
        while j < len(doc) and j - start < MAX_ORG_TAIL:
            n = norms[j]
            if not doc[j].norm_.isalpha() or self._ends_name(n):
                break
            if n.startswith("ال"):
                j += 1
                if (self.words.gazetteer.demonyms.get(n) is not None or n in self.data.regional) and not (
                        n.endswith("ه") and j + 1 < len(doc) and norms[j].endswith("ه") and norms[j + 1].startswith("ال")):
                    # البرلمان العربي | التفجير: a nationality or a region's adjective ends the name, but
                    # for another adjective agreeing with it (الآلية الأفريقية رفيعة المستوى)
                    break
                continue
            if chains and j + 1 < len(doc) and norms[j + 1].startswith("ال") and doc[j + 1].norm_.isalpha() \
                    and not self.words.is_common(n) and not self.words.glued_word(n) \
                    and not self._ends_name(norms[j + 1]) and n not in self.data.given_names \
                    and not any(e.start == j and e.label_ == "PERS" for e in doc.ents):  # (حركة النهضة | راشد الغنوشي)
                j += 2
                continue
            break
        return j

    def _ends_name(self, norm: str) -> bool:
        data = self.data
        return (norm in data.former or norm in self.words.stop or norm in data.relative_days
                or norm in data.weekdays or norm in data.honorifics or strip_article(norm) in data.titles
                or norm in data.titles)

    def _rare_name(self, token: Token) -> bool:
        """A word that can only be a name: not a known word of the language (زامبيل, داماتورو)."""
        norm = token.norm_
        return token.norm_.isalpha() and not norm.startswith("ال") and not self.words.is_common(norm) \
            and not self.words.glued_word(norm) and max(self.words.zipf(norm), self.words.zipf(token.text)) < 3.0

    def _honorific_persons(self, doc: Doc, norms: list[str]) -> list[_Candidate]:
        found = []
        for m in self.words.honorifics.find_all(norms, proclitics=False):
            end = self.words.name_end(doc, m.end)
            if end > m.end:
                found.append(_Candidate(m.end, end, "PERS", 2, 0.7))
        return found

    def _statistical(self, doc: Doc) -> list[_Candidate]:
        """The NER's spans, less the words the language tables know are no name: a title, a
        nationality, a function word or a common word alone (الكازاخستاني, الرئيسين, تنظيم)."""
        found = []
        for ent in doc.ents:
            kind = KIND_OF_LABEL.get(ent.label_)
            if kind is None:
                continue
            start, end = ent.start, ent.end
            if not ARABIC_LETTER.search(ent.text):
                continue  # (Vladimir Putin): the model reads Arabic; a gloss in Latin letters is none of its names
            while start < end and self._not_a_name(doc[start], kind):
                start += 1
            while end > start and self._not_a_name(doc[end - 1], kind):
                end -= 1
            if end > start and not (end - start == 1 and (self._common_alone(doc[start], kind)
                                                          or kind == PERSON and self._adjective(doc, start))) \
                    and not self._described(doc, start, end):
                found.append(_Candidate(start, end, LABELS[kind], NER_PRIORITY, 0.6, None, ner=True))
        return found

    def _not_a_name(self, token: Token, kind: str) -> bool:
        norm = token.norm_
        if kind == PERSON and norm in self.data.given_names and not DIACRITICS.sub("", token.text).endswith("ى"):
            return False  # علي is a name where على (on) is a word: the normalized spelling is one
        if not token.norm_.isalpha() or norm in self.words.stop or norm in self.data.honorifics:
            return True
        if kind == PERSON and (self.words.gazetteer.demonyms.get(norm) is not None or norm.endswith("وا")
                               or self._accusative(norm) or self._common_stem(norm) or self.words.future_verb(norm)
                               or self.words.is_common(norm) and norm not in self.data.given_names):
            return True
        if norm in self.data.given_names:
            return False
        # a title, also in the dual or plural (الرئيسين, المسؤولون)
        return any(self.words.titles.match_at([strip_article(form)], 0) is not None
                   for form in (norm, *(norm[:-2] for end in ("ين", "ان", "ون") if norm.endswith(end))))

    def _described(self, doc: Doc, start: int, end: int) -> bool:
        """A head noun and a common indefinite adjective (قاعدة عسكرية, قوات يمنية): a description."""
        if end - start != 2 or doc[start + 1].norm_.startswith("ال"):
            return False
        head = strip_article(self.words.clitic_reading(doc[start].norm_)[1])
        return (head in self.data.place_heads or head in self.data.org_heads or head in self._generic) \
            and self.words.zipf(doc[start + 1].text) >= COMMON_PLACE_ZIPF

    def _adjective(self, doc: Doc, i: int) -> bool:
        """An ال-word after a definite common noun is its adjective (السلام المستدام), not a surname
        as after a given name or a title (عمر البشير, الرئيس البشير)."""
        if i == 0 or not doc[i].norm_.startswith("ال"):
            return False
        before = doc[i - 1].norm_
        return before.startswith("ال") and before not in self.data.given_names \
            and self.words.titles.match_at([before], 0) is None and before not in self.data.honorifics \
            and self.words.zipf(doc[i - 1].text) >= COMMON_NAME_ZIPF

    def _accusative(self, norm: str) -> bool:
        """A common noun with the accusative alef (جنودا: soldiers), not a name ending in ا (أوباما)."""
        return norm.endswith("ا") and len(norm) > 3 and self.words.zipf(norm[:-1]) >= COMMON_NAME_ZIPF - 0.5 \
            and norm not in self.data.given_names

    def _common_stem(self, norm: str) -> bool:
        """A common word behind a conjunction (والالتزام): a name is rarely glued to و."""
        peel, stem = self.words.clitic_reading(norm)
        return peel > 0 and stem not in self.data.given_names and self.words.zipf(stem) >= COMMON_NAME_ZIPF

    def _common_alone(self, token: Token, kind: str) -> bool:
        """A single word that is a known word of the language, not a name the tables know (a
        place the gazetteer does not know is rarely a common word: ارتكبت is none)."""
        norm = token.norm_
        if self.words.gazetteer.names.get(norm) is not None or norm in self.data.given_names:
            return False
        limit = COMMON_PLACE_ZIPF if kind == LOCATION else COMMON_NAME_ZIPF
        return self.words.is_common(norm) or self.words.zipf(token.text) >= limit

    def _resolve_overlaps(self, doc: Doc, found: list[_Candidate]) -> list[Span]:
        """The longest span wins an overlap, the NER's and the rules' alike (the corpus measures
        it best); of the same words, the stronger evidence (the gazetteer's, then the NER's)."""
        by_key = {}
        for c in sorted(found, key=lambda c: (-c.priority, c.start)):
            by_key.setdefault((c.start, c.end), c)
        rules = [c for c in by_key.values() if not c.ner]
        exact = {c.start for c in rules if c.exact}

        def overreaching(c: _Candidate) -> bool:
            """An NER span that runs over two names the rules found (منظمة التعاون الإسلامي | الاتحاد
            الأوروبي), or past the end of one a rule knows (جامعة الملك سعود | المؤتمر)."""
            return c.ner and (c.start in exact or sum(c.start <= r.start and r.end <= c.end for r in rules) >= 2)

        kept = filter_spans([Span(doc, start, end, label=c.label) for (start, end), c in by_key.items()
                             if not overreaching(c)])
        for span in kept:
            c = by_key[(span.start, span.end)]
            span._.kg_peel = c.peel if c.peel is not None else self.words.peel(doc[span.start])
            span._.kg_name = c.name
            span._.kg_ident = c.ident
            span._.kg_country = c.country
            span._.kg_within = c.within
            span._.kg_conf = c.conf
            span._.kg_ner = c.ner
        return sorted(kept, key=lambda s: s.start)


@Language.factory("kg_entities", default_config={"lang": "ar"})
def make_entity_finder(nlp: Language, name: str, lang: str) -> EntityFinder:
    return EntityFinder(nlp, lang)


@dataclass(frozen=True)
class EntityMention:
    """One entity span of a Doc, as the extractors see it."""

    kind: str
    mention: Mention
    label: str  # the surface form as a name: the mention, its article restored (للأمم → الأمم)
    tokens: tuple[int, int]
    name: str | None  # gazetteer name, if the gazetteer knows it
    ident: str
    country: str | None
    confidence: float


def _has_words(text: str, words: str) -> bool:
    return f" {words} " in f" {text} "


def span_mention(span: Span, peel: int = 0, sentence: int = 0) -> Mention:
    start = span.start_char + peel
    end = span.end_char
    return Mention(start, end, span.text[peel:], sentence)  # (not doc.text: it is rebuilt at each call)


def entity_mentions(doc: Doc, sentence_of, lang: LanguageData) -> list[EntityMention]:
    """The entity spans of a processed Doc, with their clitics peeled."""
    found = []
    for span in doc.ents:
        kind = KIND_OF_LABEL.get(span.label_)
        if kind is None:
            continue
        mention = span_mention(span, span._.kg_peel, sentence_of(span.start))
        if not mention.text.strip():
            continue
        label = restored(mention.text, doc[span.start].norm_, span._.kg_peel, lang)
        if span._.kg_country and span._.kg_name and not _has_words(normalize_text(label), normalize_text(span._.kg_name)) \
                and gazetteer(lang.lang).names.get(normalize_text(label)) is None:
            label = span._.kg_name  # الحكومة الأردنية is a mention of الأردن, not a name of it
        found.append(EntityMention(kind, mention, label, (span.start, span.end), span._.kg_name, span._.kg_ident,
                                   span._.kg_country, span._.kg_conf))
    return found


class NamePropagator:
    """Once a person is named in full, their surname alone elsewhere in the article is them too
    (كريم ماسيموف ... ماسيموف; نور سلطان نزارباييف ... دعا نزارباييف)."""

    def __init__(self, nlp: Language, lang: str):
        self.words = words_of(nlp, lang)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        taken = {i for e in ents for i in range(e.start, e.end)}
        surnames = set()
        for e in ents:
            if e.label_ == "PERS" and len(e) >= 2:
                last = e[-1].norm_
                if last not in self.words.data.given_names and not self.words.is_common(last) and len(last) > 2:
                    surnames.add(last)
        if not surnames:
            return doc
        added = []
        for token in doc:
            if token.i in taken or not token.norm_.isalpha():
                continue
            peel, stem = self.words.clitic_reading(token.norm_)
            for p, s in ((0, token.norm_), (peel, stem)):
                if s in surnames:
                    span = Span(doc, token.i, token.i + 1, label="PERS")
                    span._.kg_peel = p
                    span._.kg_conf = 0.6
                    added.append(span)
                    break
        if added:
            doc.ents = sorted(ents + added, key=lambda e: e.start)
        return doc


@Language.factory("kg_names", default_config={"lang": "ar"})
def make_name_propagator(nlp: Language, name: str, lang: str) -> NamePropagator:
    return NamePropagator(nlp, lang)
