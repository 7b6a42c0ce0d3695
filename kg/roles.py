"""Titles and roles: which named person holds which title, of whom, now or formerly.

The `kg_titles` component finds title phrases (الرئيس, وزير خارجية مصر, نظيره, المتحدث باسمه)
and reads around them: the portfolio, whose the title is (a genitive entity, للجنة ..., a
nationality adjective, a pronoun), السابق, and the holder's name after it (adding the
person to `doc.ents` when the NER missed it), after a comma, or just before it.
`extract_roles` then turns the title spans into Role records with entity keys.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.entities import words_of
from kg.gazetteer import gazetteer
from kg.lang import LanguageData
from kg.lexicon import PhraseLexicon, has_article, restored
from kg.model import LOCATION, ORGANIZATION, PERSON, Mention, Role

COMMAS = {"،", ","}
for _name, _default in (("kg_title", ""), ("kg_former", False), ("kg_of", None), ("kg_holder", None),
                        ("kg_class", "office")):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


class TitleFinder:
    def __init__(self, nlp: Language, lang: str):
        self.words = words_of(nlp, lang)
        self.data = self.words.data
        self.titles: PhraseLexicon[str] = PhraseLexicon(self.data, enclitics=True)
        for key in self.data.titles:
            self.titles.add(key, key)
            if not key.startswith("ال"):
                self.titles.add("ال" + key, key)
                # أمين عام, قائد عام: definite, the adjective takes the article too (القائد العام)
                self.titles.add(" ".join("ال" + w for w in key.split()), key)
        self.portfolios: PhraseLexicon[str] = PhraseLexicon(self.data)
        for key in self.data.portfolios:
            self.portfolios.add(key, key)
            self.portfolios.add(key[2:] if key.startswith("ال") else "ال" + key, key)
        self.spokesman_of = "باسم"

    def __call__(self, doc: Doc) -> Doc:
        norms = [t.norm_ for t in doc]
        ents = list(doc.ents)
        spans: list[Span] = []
        chain: list[Span] = []  # titles in a row that one person holds: وزير الدولة عضو مجلس الوزراء
        i = 0
        while i < len(doc):
            m = self.titles.match_at(norms, i)
            if m is not None:  # a title beats the NER's guess over its words
                beaten = [e for e in ents if e.start < m.end and m.start < e.end and e._.kg_ner]
                if beaten:
                    ents = [e for e in ents if e not in beaten]
            if m is not None and m.suffix and self._definite(norms, (m.end - 1, m.peel if m.end - 1 == m.start else 0)):
                m = None  # المحافظة is no المحافظ + ه: the article and a pronoun never meet
            if m is None or self._inside_name(ents, m.start, m.end):
                i += 1
                continue
            span, j = self._read_title(doc, ents, norms, m)
            spans.append(span)
            if not (len(spans) > 1 and self._owned_by(spans[-2], span.start)):
                chain.append(span)  # (the owner of مساعد الرئيس is the president, not the assistant)
            elif span._.kg_class == "epithet":  # سفير خادم الحرمين الشريفين: the king, unnamed
                span._.kg_holder, ents = self._epithet_person(doc, ents, span)
            nxt = self.titles.match_at(norms, j) if j < len(doc) else None
            # The chain goes on through the next title, unless و or another clitic begins a new one
            # (... ووزير الخارجية); a title owned by this one (النائب لرئيس الوزراء) belongs to it.
            if nxt is not None and (not nxt.peel or self._owned_by(span, nxt.start)) \
                    and not self._inside_name(ents, nxt.start, nxt.end):
                i = j
                continue
            if not chain:  # the title just read owns the one before it (مساعد الرئيس)
                i = max(j, m.end)
                continue
            holder, ents = self._holder(doc, ents, norms, chain[0], j)
            if holder is None and chain[-1]._.kg_class == "epithet":
                holder, ents = self._epithet_person(doc, ents, chain[-1])
            for title in chain:
                title._.kg_holder = holder
            chain = []
            i = max(j, m.end)
        doc.ents = self._epithets_of_named(spans, ents)
        doc.spans["kg_titles"] = spans
        return doc

    @staticmethod
    def _epithets_of_named(spans: list[Span], ents: list[Span]) -> list[Span]:
        """An epithet alone (ونقل لخادم الحرمين الشريفين) is the person it is given to by name
        elsewhere in the article (خادم الحرمين الشريفين الملك سلمان): no person of its own."""
        named = {}
        for span in spans:
            if span._.kg_class == "epithet" and span._.kg_holder and span._.kg_holder != (span.start, span.end):
                named.setdefault(span._.kg_title, span._.kg_holder)
        alone = set()
        for span in spans:
            if span._.kg_class == "epithet" and span._.kg_holder == (span.start, span.end) and span._.kg_title in named:
                span._.kg_holder = named[span._.kg_title]
                alone.add((span.start, span.end))
        return [e for e in ents if (e.start, e.end) not in alone]

    @staticmethod
    def _owned_by(span: Span, start: int) -> bool:
        of = span._.kg_of
        return bool(of) and of[0] == "title" and of[1] == start

    def _read_title(self, doc: Doc, ents, norms, m) -> tuple[Span, int]:
        """A title span with its portfolio, owner and السابق; and where its words end."""
        title = self.data.titles[m.value]
        span = Span(doc, m.start, m.end, label="TITLE")
        span._.kg_peel = m.peel
        display = title.title[2:] if title.title.startswith("ال") else title.title
        j = m.end
        of = ("pronoun", m.suffix) if m.suffix else None
        last_word = (m.end - 1, m.peel if m.end - 1 == m.start else 0)  # its token and its clitic
        if title.kind == "epithet" and title.country:  # خادم الحرمين الشريفين: the king of Saudi Arabia
            span._.kg_title, span._.kg_class, span._.kg_of = title.implies, title.kind, ("country", title.country, (m.start, m.end))
            return span, self._skip_postings(norms, ents, m.end)
        if title.english == "minister" and j < len(doc):
            p = self.portfolios.match_at(norms, j, proclitics=False)
            if p:
                display = f"{display} {self.data.portfolios[p.value][0]}"
                j, last_word = p.end, (p.end - 1, 0)
                q = self.portfolios.match_at(norms, j) if j < len(doc) else None
                if q and q.peel and norms[j].startswith("و"):  # وزير الثقافة والإعلام
                    display = f"{display} و{self.data.portfolios[q.value][0]}"
                    j, last_word = q.end, (q.end - 1, q.peel if q.end - 1 == q.start else 0)
        # A title whose last word is definite (الرئيس, ولي العهد, وزير الخارجية) takes no genitive:
        # a name after it is its holder or another phrase, never its owner.
        closed = self._definite(norms, last_word)
        former, j = self._former(norms, j)
        j = self._skip_adjectives(doc, norms, ents, m.start, j)  # المتحدث الرسمي, النائب الثاني
        if j < len(doc) and norms[j].startswith(self.spokesman_of):  # المتحدث باسم الوزارة / باسمه
            rest = norms[j][len(self.spokesman_of):]
            if rest in self.data.suffixes:
                of, j = ("spokesman", rest), j + 1
            else:
                j += 1
        if of is None and j < len(doc) and title.kind != "rank":
            of, j = self._owner(doc, ents, norms, j, closed, construct=not closed and title.kind == "office")
            if of and of[0] == "title" and title.kind not in ("office", "state"):
                of = None  # الملك وزير الخارجية: two people; only an office belongs to another title
            if not (of and of[0] == "title"):
                j = self._skip_adjectives(doc, norms, ents, m.start, j)  # مندوب المملكة الدائم
        f2, j = self._former(norms, j)
        if not (of and of[0] == "title"):
            j = self._skip_postings(norms, ents, j)
        span._.kg_title = display
        span._.kg_class = title.kind
        if of and of[0] == "generic":  # no country's by default either
            of, span._.kg_class = None, "office"
        span._.kg_former = former or f2
        span._.kg_of = of
        return span, j

    def _definite(self, norms, word: tuple[int, int]) -> bool:
        """Whether the word at (token, clitic length) has the article: العهد, للرئيس, والإعلام."""
        return has_article(norms[word[0]], word[1], self.data)

    def _epithet_person(self, doc: Doc, ents, span: Span):
        """A title that names its holder when no name is given (خادم الحرمين الشريفين)."""
        if any(e.start < span.end and span.start < e.end for e in ents):
            return None, ents
        first = doc[span.start]
        new = Span(doc, span.start, span.end, label="PERS")
        new._.kg_conf, new._.kg_ner = 0.6, False
        new._.kg_peel = self.words.peel(first) if first.norm_[:1] in "وفبلك" else 0
        return (span.start, span.end), sorted(ents + [new], key=lambda e: e.start)

    @staticmethod
    def _inside_name(ents, start, end) -> bool:
        return any(e.start <= start and end <= e.end and e.label_ in ("ORG", "LOC", "PERS") and
                   not (e.start == start and e.end == end and e.label_ == "PERS") for e in ents)

    def _skip_adjectives(self, doc: Doc, norms, ents, title_start: int, j: int) -> int:
        """Past up to two adjectives of a title that say nothing of whose it is (الرسمي, الأمني,
        الثاني); a nationality or a name is kept, since it tells the owner; so is a word that
        does not agree with a masculine title (القاضي المحاكمة) or a function word (التي)."""
        starts = {e.start for e in ents}
        masculine = not norms[title_start].endswith("ه")
        for _ in range(2):
            if j < len(norms) and norms[j].startswith("ال") and j not in starts and norms[j] not in self.data.former \
                    and norms[j] not in self.words.stop and not (masculine and norms[j].endswith("ه")) \
                    and self.words.gazetteer.demonyms.get(norms[j]) is None and not self.titles.match_at(norms, j) \
                    and (norms[j] in self.data.ordinals or max(self.words.zipf(norms[j]), self.words.zipf(doc[j].text)) >= 3.5) \
                    and norms[j] not in self.data.honorifics:
                j += 1
        return j

    def _former(self, norms, j):
        if j < len(norms) and norms[j] in self.data.former:
            return True, j + 1
        return False, j

    def _owner(self, doc: Doc, ents, norms, j, closed: bool, construct: bool = True):
        """Whose the title is, read at token j: a nationality adjective; an organization or country
        after ل, ب or في (للجنة الأمن, وزير الخارجية بجمهورية مصر, المستشار في الديوان الملكي); a
        title after ل (النائب الثاني لرئيس مجلس الوزراء); and, after a title open to a genitive,
        an organization, country, person or title right there (رئيس كازاخستان, مساعد البشير)."""
        demonym = self.words.gazetteer.demonyms.match_at(norms, j, proclitics=False)
        if demonym:
            return ("country", demonym.value, (j, demonym.end)), demonym.end
        if norms[j] in self.data.generic_orgs and j + 1 < len(norms):  # باسم الحكومة الأردنية: Jordan
            demonym = self.words.gazetteer.demonyms.match_at(norms, j + 1, proclitics=False)
            if demonym:
                return ("country", demonym.value, (j + 1, demonym.end)), demonym.end
        ent = next((e for e in ents if e.start == j), None)
        marked = norms[j][:1] in self.data.owner_markers  # ل or ب glued to the word
        if ent is not None and ent.label_ in ("ORG", "LOC") and ent._.kg_peel and marked:
            return ("entity", ent.start, ent.end), ent.end
        if norms[j] in self.data.owner_markers:
            after = next((e for e in ents if e.start == j + 1), None)
            if after is not None and after.label_ == "ORG":
                return ("entity", after.start, after.end), after.end
        nested = self.titles.match_at(norms, j)
        if nested and not nested.suffix and nested.peel and marked:
            return ("title", nested.start, nested.end), j
        if closed:
            return None, j
        generic = self.words.generic.match_at(norms, j, proclitics=False)
        if generic is not None and not nested:  # رئيس البرلمان: the head of a body, whoever's it is
            return ("generic",), generic.end
        if ent is not None and ent.label_ == "PERS" and not construct:
            return None, j  # a name after a title that is no genitive's head is its holder
        if ent is not None and ent.label_ in ("ORG", "LOC", "PERS"):
            if ent.label_ != "PERS" and not ent._.kg_country and self.words.name_end(doc, j) > ent.end:
                return None, j  # رئيس نور سلطان نزارباييف: a place name inside the holder's name
            return ("entity", ent.start, ent.end), ent.end
        # مساعد الرئيس, سفير خادم الحرمين الشريفين: a definite title or an epithet owns the one
        # before it; an indefinite one begins the next title of a chain (وزير الدولة عضو ...).
        if nested and not nested.suffix and not nested.peel and (
                norms[j].startswith("ال") or self.data.titles[nested.value].kind == "epithet"):
            return ("title", nested.start, nested.end), j
        return None, j

    def _skip_postings(self, norms, ents, j: int) -> int:
        """Past where the holder serves (لدى جمهورية مصر, في القاهرة) and past a generic body after
        ل (القائد العام للقوات المسلحة), when another title or a form of address follows: the
        titles on either side, and the name after, belong to one person."""
        k = j
        for _ in range(2):
            if k >= len(norms):
                break
            if norms[k] in self.data.postings:
                ent = next((e for e in ents if e.start == k + 1 and e.label_ in ("ORG", "LOC")), None)
                if ent is None:
                    break
                k = ent.end
                continue
            generic = self.words.generic.match_at(norms, k)
            if generic and generic.peel and norms[k][:1] in self.data.owner_markers:
                k = generic.end
                continue
            break
        if k < len(norms) and (self.titles.match_at(norms, k, proclitics=False)
                               or self.words.honorifics.match_at(norms, k, proclitics=False)
                               or any(e.start == k and e.label_ == "PERS" for e in ents)):
            return k
        return j

    def _holder(self, doc: Doc, ents: list[Span], norms, first: Span, j: int):
        """The person who holds the title at [start, j): named after it (skipping honorifics),
        after a comma, or directly before it. Adds the name to the entities if it is new."""
        k = j
        h = self.words.honorifics.match_at(norms, k, proclitics=False) if k < len(doc) else None
        if h:
            k = h.end
        holder = self._person_at(doc, ents, norms, k, after_honorific=h is not None)
        if holder is None and k < len(doc) and doc[k].text in COMMAS:
            cand = self._person_at(doc, ents, norms, k + 1)
            if cand is not None and (cand[1] >= len(doc) or not doc[cand[1]].norm_.isalpha()):
                holder = cand
        if holder is None and first.start > 0 and not (first._.kg_peel and first[0].norm_.startswith(("و", "ف"))):
            prev = next((e for e in ents if e.end == first.start and e.label_ == "PERS"), None)
            if prev is not None:
                holder = (prev.start, prev.end)
        if holder is None:
            return None, ents
        same = next((e for e in ents if e.start == holder[0] and e.end == holder[1] and e.label_ == "PERS"), None)
        if same is not None:
            same._.kg_ner = False  # the NER's name, now borne out by its title: no later title splits it
            same._.kg_conf = max(same._.kg_conf, 0.7)
        else:
            new = Span(doc, holder[0], holder[1], label="PERS")
            # (a Span's extension values are kept by its offsets: the NER's span there may have set them)
            new._.kg_conf, new._.kg_ner = 0.7, False
            new._.kg_peel = self.words.peel(doc[holder[0]]) if holder[0] == j else 0
            ents = sorted([e for e in ents if e.end <= holder[0] or e.start >= holder[1]] + [new],
                          key=lambda e: e.start)
        return holder, ents

    def _person_at(self, doc: Doc, ents: list[Span], norms, k: int, after_honorific: bool = False):
        if k >= len(doc):
            return None
        ent = next((e for e in ents if e.start == k), None)
        if ent is not None and ent.label_ == "PERS":
            end = self.words.name_end(doc, k)  # the NER may stop short: باراك | أوباما
            if not ent._.kg_ner:
                return ent.start, ent.end
            # or run on into a title of several words: نايف بن أحمد | ولي العهد (not نور | سلطان نزارباييف)
            inner = next((t for t in range(k + 1, ent.end) if (m := self.titles.match_at(norms, t, proclitics=False))
                          and m.end - m.start > 1), ent.end)
            return ent.start, max(min(ent.end, inner), end)
        end = self.words.name_end(doc, k)
        if end == k and after_honorific and doc[k].norm_.isalpha() and not doc[k].norm_.startswith("ال"):
            end = self.words.name_end(doc, k, trust_first=True)  # الدكتور مساعد العيبان
            end = end if end > k + 1 else k
        if ent is not None and end <= ent.end:
            return None  # a place or organization stands there
        if end - k == 1 and norms[k] not in self.data.given_names:
            return None  # one word the NER did not read as a name, and no given name: a common word (أعضاء, مبدئيا)
        # After a title, a name runs on even through a place name inside it (نور سلطان نزارباييف),
        # not into one at its end (مدير جوازات منطقة نجران العميد سعد الجهني).
        if end > k and not any(e.start < end and k < e.end and e.label_ in ("ORG", "LOC") and e.start != k and
                               (e.end > end or e.end == end and e.end - e.start > 1) for e in ents):
            return k, end
        return None


@Language.factory("kg_titles", default_config={"lang": "ar"})
def make_title_finder(nlp: Language, name: str, lang: str) -> TitleFinder:
    return TitleFinder(nlp, lang)


@dataclass
class TitleMention:
    """A title span of the Doc with its holder and owner resolved to entity keys."""

    tokens: tuple[int, int]
    title: str
    klass: str
    former: bool
    holder: str | None
    of: str | None
    mention: Mention
    same_as: "TitleMention | None" = None  # a bare title that stands for this named one


def extract_roles(doc: Doc, key_at, entity_kinds, add_country, sentence_of, data: LanguageData) -> tuple[
        list[Role], list[TitleMention]]:
    """Roles from the title spans of `doc`.

    key_at((start, end)) gives the entity key of an entity span; entity_kinds maps keys to
    kinds; add_country(code, mention) returns the key of a country entity (created if the
    article names it only by adjective).
    """
    translations = title_translations(data)
    titles: list[TitleMention] = []
    spans = sorted(doc.spans.get("kg_titles", []), key=lambda s: s.start)
    owned_by: dict[int, tuple[int, int]] = {}  # title index -> tokens of the title that owns it
    for span in spans:
        mention = Mention(span.start_char, span.end_char, span.text, sentence_of(span.start))
        holder = key_at(span._.kg_holder) if span._.kg_holder else None
        of = span._.kg_of
        if of and of[0] == "title":
            owned_by[len(titles)] = (of[1], of[2])
            of = None
        else:
            of = _owner_key(doc, span, key_at, entity_kinds, add_country, holder)
        title = span._.kg_title
        if span._.kg_class == "counterpart":
            previous = next((t for t in reversed(titles) if t.holder and t.holder != holder), None)
            if previous is None:
                continue
            title = previous.title
        titles.append(TitleMention((span.start, span.end), title, span._.kg_class, span._.kg_former, holder, of,
                                   mention))
    # A bare title that stands for a person named elsewhere (رئيس كازاخستان, أمير قطر).
    for t in titles:
        if t.holder is None and t.klass != "descriptor":
            t.holder = next((o.holder for o in titles if o.holder and o.title == t.title and
                             (o.of == t.of or t.of is None or o.of is None) and o.former == t.former), None)
    # A title owned by another: مساعد الرئيس is the president's; النائب لرئيس مجلس الوزراء is the
    # council's when the head is not named; سفير خادم الحرمين الشريفين is Saudi Arabia's.
    for index, tokens in owned_by.items():
        nested = next((t for t in titles if t.tokens == tokens), None)
        if nested is not None:
            titles[index].of = nested.of if nested.klass == "epithet" else nested.holder or nested.of
    for t in titles:
        if t.holder is None and t.of and t.klass != "descriptor":  # مديرها السابق: the former head of it
            t.same_as = next((o for o in titles if o.holder and o.of == t.of and o.former == t.former
                              and o.klass != "descriptor"), None)
            t.holder = t.same_as.holder if t.same_as else None
    own_country = _own_country(doc, key_at, add_country, data)
    roles: dict[tuple, Role] = {}
    for t in titles:
        if t.holder is None or entity_kinds.get(t.holder) != PERSON or t.klass == "descriptor" \
                or t.klass in ("epithet", "noble") and t.of is None:
            continue  # الأمير محمد بن سلمان: a prince, not the emir of anywhere
        of, confidence = t.of, 0.8
        default = own_country.get(t.klass)
        if of is None and default:
            of, confidence = default, 0.5
        title = t.same_as.title if t.same_as else t.title
        key = (t.holder, title, t.former)
        role = roles.get(key)
        if role is None:
            role = roles[key] = Role(t.holder, title, translations.get(title), of, t.former, [], confidence)
        elif role.of is None or (role.confidence < confidence and of):
            role.of, role.confidence = of, confidence
        role.mentions.append(t.mention)
    return list(roles.values()), titles


def _owner_key(doc, span, key_at, entity_kinds, add_country, holder):
    of = span._.kg_of
    if of is None:
        return None
    if of[0] == "country":
        start, end = of[2]
        return add_country(of[1], Mention(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text),
                                          doc[start:end].text))
    if of[0] == "entity":
        return key_at((of[1], of[2]))
    if of[0] in ("pronoun", "spokesman"):
        return _antecedent(doc, span, of[1], key_at, entity_kinds, holder, persons_first=of[0] == "spokesman")
    return None


def _antecedent(doc, span, pronoun, key_at, entity_kinds, holder, persons_first=False):
    """Whom a possessive pronoun on a title points to (رئيسه, مديرها, متحدث باسمه): an organization
    of its sentence before it (a person first for a spokesman), else the nearest person,
    organization or place before it."""
    before = [(ent, key_at((ent.start, ent.end))) for ent in doc.ents if ent.end <= span.start]
    before = [(ent, key) for ent, key in before if key and key != holder]
    sentence_start = doc[span.start].sent.start
    if persons_first:
        persons = [key for ent, key in before if entity_kinds.get(key) == PERSON and ent.start >= sentence_start - 80]
        if persons:
            return persons[-1]
    if pronoun in ("ه", "ها"):
        orgs = [key for ent, key in before if ent.start >= sentence_start and entity_kinds.get(key) == ORGANIZATION]
        if orgs:
            return orgs[-1]
    wanted = (ORGANIZATION, LOCATION) if pronoun == "ها" else (PERSON, ORGANIZATION, LOCATION)
    for ent, key in reversed(before):
        if entity_kinds.get(key) in wanted and ent.start >= sentence_start - 80:
            return key
    return None


def _own_country(doc, key_at, add_country, data: LanguageData) -> dict[str, str | None]:
    """The country whose leaders and ministers the article names without saying whose they are,
    by title class: for ministers the one its bare home word names (المملكة in the Saudi press),
    else, as for leaders, the country it is most about, counting the country's names, its
    nationality adjectives and its cities."""
    counts: Counter = Counter()
    home: Counter = Counter()
    first: dict[str, tuple[int, int]] = {}
    for ent in doc.ents:
        code = ent._.kg_country or ent._.kg_within
        if code:
            counts[code] += 1
            if ent._.kg_country:
                first.setdefault(code, (ent.start, ent.end))
                word = doc[ent.start].norm_
                if restored(word[ent._.kg_peel:], word, ent._.kg_peel, data) in data.home and ent.end == ent.start + 1:
                    home[code] += 1
    norms = [t.norm_ for t in doc]
    for m in gazetteer(data.lang).demonyms.find_all(norms, proclitics=False):
        counts[m.value] += 1
        first.setdefault(m.value, (m.start, m.end))
    def key(counter: Counter) -> str | None:
        code = counter.most_common(1)[0][0] if counter else None
        if code is None or code not in first:
            return None
        start, end = first[code]
        if any((e.start, e.end) == (start, end) for e in doc.ents):
            return key_at((start, end))
        return add_country(code, Mention(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text),
                                         doc[start:end].text))

    # A minister with no owner is the home country's; a president the country the article is about
    # (in the Saudi press الرئيس هادي is Yemen's: the kingdom has no president).
    return {"state": key(home or counts), "leader": key(counts)}


def title_translations(data: LanguageData) -> dict[str, str]:
    """English for every title as roles display it: رئيس → president, وزير الخارجية → minister of ..."""
    out = {t.title[2:] if t.title.startswith("ال") else t.title: t.english for t in data.titles.values()}
    for written, english in data.portfolios.values():
        out[f"وزير {written}"] = f"minister of {english}"
    return out
