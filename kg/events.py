"""Events: triggers found by the `kg_triggers` component, then read into CAMEO-typed events
with agents, patients, place, day and counts, and merged when the article tells one
event several times.

Arabic clause order is read simply: a verb's agent is the actor right after it (VSO) or,
failing that, the nearest actor before it (SVO); its patient the next actor, often after
a preposition (برئيس كازاخستان). In the passive (اعتُقل, تم اعتقال) the actor is the patient.
A verbal noun (توقيف, إقالته) takes its patient from the genitive or pronoun after it and
its agent from the clause before it (أعلنت وزارة الداخلية توقيف ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.lang import load
from kg.entities import words_of
from kg.lexicon import PhraseLexicon, has_article
from kg.model import LOCATION, ORGANIZATION, PERSON, Event, Mention
from kg.normalize import is_passive_form

for _name, _default in (("kg_kind", ""), ("kg_passive", False), ("kg_suffix", ""), ("kg_future", False), ("kg_past", False),
                        ("kg_pluperfect", False), ("kg_definite", False)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)

PASSIVE_AUXILIARIES = {"تم", "يتم", "جري", "يجري"}  # تم اعتقال: the noun is passive
# Words and marks that end a clause: a date or actor beyond them belongs to another verb.
# أن/إن open the reported clause, so the reporting verb's subject and day stay outside it.
CLAUSE_BREAKS = {"فيما", "بينما", "حيث", "بعدما", "عندما", "حين", "لكن", "ولكن", "كما", "ان", "انه", "انها",
                 "بان", "وان", "انهم", ":"}
AGENT_WINDOW = 8  # tokens after the trigger where its object may stand
NOUN_AGENT_WINDOW = 8  # tokens before a verbal noun where the subject of its governing verb may stand
DEFINITE_REACH = 3  # words (address aside) between a definite verbal noun and the subject it takes
NUMBER_WINDOW = 4
COUNTED = {"17": "arrested", "18": "killed", "19": "killed", "20": "killed"}
# Codes whose verbal noun's pronoun is the one it is done to (إقالته, اعتقاله, مقتله); elsewhere
# it is the doer's (إدانتها, تعازيه, تفجيراته, هجماتهم).
DONE_TO = ("08", "09", "17", "181", "182", "186")
# Roots whose verbal noun's genitive is its doer (زيارة بخاري, احتجاجات المعارضة); elsewhere the
# genitive is the one it is done to (اعتقال ماسيموف, إدانة الهجوم).
GENITIVE_AGENT = {"01", "03", "04", "05", "14", "15"}
FIRST_CONFLICT_ROOT = "14"  # CAMEO 14-20: protest, force, coercion, assault, fight, mass violence
VIOLENT = {"18", "19", "20"}  # attacks: a person or body after the noun does it (هجمات بوكو حرام)
PRONOUNS = ("ه", "ها", "هم")  # his, her or its, their
SAID = {"01", "02", "03", "05", "10", "11", "12", "13"}  # roots whose events are done by saying
# A cooperation told in the future (سوف يوقع, سيزور) is an intent: CAMEO's 03 codes, by the root
# of what is intended (CAMEO codebook: 031 material cooperation, 032 diplomatic cooperation,
# 033 aid, 035 yield, 036 meet or negotiate).
INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}


class TriggerFinder:
    def __init__(self, nlp: Language, lang: str):
        self.data = data = load(lang)
        self.honorifics = words_of(nlp, lang).honorifics
        self.triggers: PhraseLexicon = PhraseLexicon(data, enclitics=True)
        for form, trigger in data.triggers.items():
            self.triggers.add(form, trigger)
        self.reporting: PhraseLexicon = PhraseLexicon(data)
        for form in data.reporting:
            self.reporting.add(form, form)

    def __call__(self, doc: Doc) -> Doc:
        norms = [t.norm_ for t in doc]
        in_name = set()
        for ent in doc.ents:
            if ent.label_ in ("ORG", "LOC"):
                in_name.update(range(ent.start, ent.end))
        triggers, reports = [], []
        for m in self.triggers.find_all(norms):
            if m.start in in_name:
                continue
            span = Span(doc, m.start, m.end, label=m.value.cameo)
            span._.kg_kind = m.value.kind
            span._.kg_suffix = m.suffix
            before = norms[m.start - 1] if m.start else ""
            span._.kg_passive = is_passive_form(doc[m.start].text) or (
                m.value.kind != "verb" and before in PASSIVE_AUXILIARIES)
            first = norms[m.start][m.peel:]
            span._.kg_definite = m.value.kind == "noun" and has_article(norms[m.start], m.peel, self.data)
            span._.kg_future = before in self.data.future or first in self.data.future_forms or (
                m.value.kind == "phrase" and first[1:] in self.data.triggers and first[:1] == "س")
            span._.kg_past = m.value.kind == "verb" and first in self.data.past_forms and not span._.kg_future
            # وكان البرلمان أقال يانوكوفيتش: the subject stands between كان and the verb
            span._.kg_pluperfect = m.value.kind == "verb" and any(
                norms[i] in self.data.pluperfect for i in range(max(0, m.start - 3), m.start - 1))
            triggers.append(span)
        for m in self.reporting.find_all(norms):
            reports.append(Span(doc, m.start, m.end, label="REPORT"))
        doc.spans["kg_triggers"] = triggers
        doc.spans["kg_reporting"] = reports
        # forms of address (صاحب السمو الملكي): between a verb and its subject, they do not count
        doc.spans["kg_address"] = [Span(doc, m.start, m.end) for m in self.honorifics.find_all(norms, proclitics=False)]
        return doc


@Language.factory("kg_triggers", default_config={"lang": "ar"})
def make_trigger_finder(nlp: Language, name: str, lang: str) -> TriggerFinder:
    return TriggerFinder(nlp, lang)


@dataclass
class Actor:
    """An entity mention, or a title standing for its holder, at a place in the Doc."""

    key: str
    kind: str
    start: int
    end: int
    preposition: str = ""  # the proclitic or word before it: ب, مع, على, ل, في ...


@dataclass
class _Told:
    event: Event
    root: str
    date_strength: int = 0  # 2: a date in the trigger's clause; 1: elsewhere in the sentence
    reported_by: set[str] = field(default_factory=set)


PREPOSITION_WORDS = {"مع", "علي", "الي", "في", "من", "ضد", "عن", "لدي", "حول", "بين", "عبر", "نحو", "ضمن", "خلال",
                     "دون", "بعد", "قبل", "منذ", "اثر", "بشان", "لصالح", "تجاه"}


def preposition_before(doc: Doc, start: int, peel: int) -> str:
    if peel:
        return doc[start].norm_[:peel][-1]
    if start > 0 and doc[start - 1].norm_ in PREPOSITION_WORDS:
        return doc[start - 1].norm_
    return ""


def _is_relative(norm: str, data) -> bool:
    """A relative pronoun, with a proclitic or not (التي, والتي): it opens a clause of its own."""
    return any(norm == r or (norm.endswith(r) and norm[:-len(r)] in data.prefixes) for r in data.relatives)


def extract_events(doc: Doc, actors: list[Actor], resolve_date, sentence_of, reported: dict[int, str]) -> list[Event]:
    """Events of the Doc. `actors` are its entity mentions and resolved title references,
    `resolve_date(span, tense)` turns a date span into a day (tense 1: the clause tells of what
    is to come, -1: of what was, 0: cannot tell), `reported[token]` gives the source
    (entity key) a reporting verb or وفق attributes the sentence to."""
    told: list[_Told] = []
    # Words that may stand between a verb and its subject: forms of address, titles, dates.
    address = {i for key in ("kg_titles", "kg_address", "kg_dates") for span in doc.spans.get(key, [])
               for i in range(span.start, span.end)}
    last_agents: tuple[int, list[str]] = (-1, [])  # the sentence and agents of the last event with one
    for trig in sorted(doc.spans.get("kg_triggers", []), key=lambda s: s.start):
        sent = doc[trig.start].sent
        lo, hi = _clause(doc, trig, sent)
        in_clause = [a for a in actors if lo <= a.start and a.end <= hi and not (a.start < trig.end and trig.start < a.end)]
        previous = last_agents[1] if last_agents[0] == sent.start else []
        if not previous and trig._.kg_kind == "verb" and trig.start - sent.start <= 1 \
                and not any(sent.start <= a.start < trig.start for a in in_clause):
            previous = last_agents[1]  # وطالب بالسماح له ...: a sentence that opens on its verb goes on with the last subject
        agents, patients = _participants(doc, trig, in_clause, actors, address, previous)
        if agents:
            last_agents = (sent.start, agents)
        used = set(agents) | set(patients)
        places = [a.key for a in _places(in_clause) if a.key not in used][:1] or \
            [a.key for a in in_clause if a.kind == LOCATION and a.key not in used and not a.preposition][:1]
        day, strength = event_day(doc, trig, resolve_date, sentence_of, (lo, hi))
        cameo = trig.label_
        if trig._.kg_future and cameo[:2] in INTENT:
            cameo = INTENT[cameo[:2]]
        event = Event(cameo=cameo, trigger=trig.text, agents=agents, patients=patients, places=places, date=day,
                      mentions=[Mention(trig.start_char, trig.end_char, trig.text, sentence_of(trig.start))],
                      confidence=0.4 + 0.2 * bool(agents or patients) + 0.1 * bool(places) + 0.1 * bool(day))
        count = _count(doc, trig, load(doc.lang_).multipliers)
        if count and cameo[:2] in COUNTED:
            event.counts[COUNTED[cameo[:2]]] = count
        source = reported.get(sent.start)
        if source and not agents and cameo[:2] in SAID and source not in patients:
            agents.append(source)  # قال أمبيكي: ... داعياً اللجنة: what is said, the speaker does
        earlier = next((t for t in reversed(told) if t.root == cameo[:2]), None) if trig._.kg_definite else None
        if earlier is not None and agents and earlier.event.agents and not set(agents) & set(earlier.event.agents):
            earlier = None  # the same word, but someone else does it: another event
        if earlier is not None:  # الهجوم, خلال الاستقبال: the event told before, named again
            told_before = earlier.event
            told_before.mentions.extend(event.mentions)
            for attr in ("agents", "patients"):
                getattr(told_before, attr).extend(k for k in getattr(event, attr)
                                                  if k not in told_before.agents + told_before.patients)
            continue
        if trig._.kg_definite and not (agents or patients):
            continue  # التهديد, القصف المستمر: a kind of event spoken of, with nobody to it
        told.append(_Told(event, cameo[:2], strength, {source} if source else set()))
    return _merge(told)


def event_day(doc: Doc, trig: Span, resolve_date, sentence_of, clause: tuple[int, int] | None = None):
    """The day of the event a trigger names, and how surely: 2 for the day named in the
    trigger's clause (a day of another clause of the sentence, or of a relative clause after
    the trigger, is that clause's: ... والتي تنتهي بتاريخ 8 أغسطس), 0 for the day the sentence
    before or after fixes (the story's time goes on), unless it does not fit the verb's tense."""
    data = load(doc.lang_)
    lo, hi = clause or _clause(doc, trig, doc[trig.start].sent)
    dates = doc.spans.get("kg_dates", [])
    relatives = [i for i in range(trig.end, hi) if _is_relative(doc[i].norm_, data)]
    clause_dates = [d for d in dates if lo <= d.start and d.end <= hi and not any(i < d.start for i in relatives)]
    here = sentence_of(trig.start)
    near_dates = [d for d in dates if abs(sentence_of(d.start) - here) == 1]
    tense = 1 if trig._.kg_future else -1 if trig._.kg_past else 0
    for pool, strength in ((clause_dates, 2), (near_dates, 0)):
        if pool:
            nearest = min(pool, key=lambda d: abs(d.start - trig.start))
            day = resolve_date(nearest, tense)
            if strength == 0 and day != resolve_date(nearest, 0):
                day = None  # a day of another sentence read as is does not fit this verb's tense
            if day is not None:
                return day, strength
    return None, 0


def _clause(doc: Doc, trig: Span, sent: Span) -> tuple[int, int]:
    lo, hi = sent.start, sent.end
    for i in range(trig.start - 1, sent.start - 1, -1):
        if doc[i].norm_ in CLAUSE_BREAKS:
            lo = i + 1
            break
    for i in range(trig.end, sent.end):
        if doc[i].norm_ in CLAUSE_BREAKS:
            hi = i
            break
    return lo, hi


def _can_act(actor: Actor) -> bool:
    """Persons, organizations and countries do things; a city or region is where they happen."""
    return actor.kind != LOCATION or actor.key.startswith("country/")


def _participants(doc: Doc, trig: Span, in_clause: list[Actor], all_actors: list[Actor], address: set[int],
                  previous: list[str]):
    """Agents and patients of a trigger. `previous`: the agents of the sentence's last event,
    the subject a verb with none of its own goes on with (غادر الأمير ... التقى خلالها ...)."""
    after = [a for a in in_clause if a.start >= trig.end]
    before = [a for a in in_clause if a.end <= trig.start]

    def gap(a: Actor) -> int:  # words between the trigger and an actor after it, address and dates aside
        return sum(1 for i in range(trig.end, a.start) if i not in address and doc[i].norm_.isalpha())

    kind = trig._.kg_kind
    agents: list[str] = []
    patients: list[str] = []
    if trig._.kg_suffix in PRONOUNS and trig.label_.startswith(DONE_TO):  # إقالته: the pronoun is the patient
        antecedent = next((a for a in reversed([a for a in all_actors if a.end <= trig.start])
                           if a.kind in (PERSON, ORGANIZATION)), None)
        if antecedent:
            patients.append(antecedent.key)
    if kind == "noun" and trig.label_ == "043" and trig.start > 0 \
            and doc[trig.start - 1].norm_ in load(doc.lang_).hosting:  # وكان في وداع الأمير ... الوزير فلان
        guest = next((a for a in after if gap(a) <= 1 and a.kind == PERSON), None)
        if guest is not None:
            hosts = [a.key for a in after if a.kind == PERSON and a.start > guest.start and a.key != guest.key]
            return list(dict.fromkeys(hosts)), [guest.key]
    if trig._.kg_passive:
        subject = next((a for a in after if a.kind != LOCATION and a.start - trig.end <= AGENT_WINDOW), None)
        if subject is None and before and before[-1].kind != LOCATION and trig.start - before[-1].end <= 2:
            subject = before[-1]  # رئيسه السابق كريم ماسيموف اعتُقل
        if subject and subject.key not in patients:
            patients.append(subject.key)
        return agents, patients
    subject = None
    if trig._.kg_pluperfect:
        subject = next((a for a in reversed(before) if trig.start - a.end <= 2 and _can_act(a)), None)
        if subject is not None:
            agents.append(subject.key)
        obj = next((a for a in after if not a.preposition and _can_act(a) and gap(a) <= AGENT_WINDOW), None)
        if obj is not None and obj.key not in agents:
            patients.append(obj.key)
        return agents, patients
    done_to = trig.label_.startswith(DONE_TO)
    if kind == "verb":
        # (يقصف مواقع داعش: past a noun, the name is its genitive, not the verb's subject)
        subject = next((a for a in after if gap(a) == 0 and not a.preposition and _can_act(a)), None)
    elif not done_to and not trig._.kg_definite:  # (a definite noun heads no genitive)
        subject = _doer_of_noun(trig, after, all_actors, gap)
    violent = done_to or trig.label_[:2] in VIOLENT
    relative = trig.start > 0 and doc[trig.start - 1].norm_ in load(doc.lang_).relatives
    if trig._.kg_definite:  # الهجوم, التهديد: the noun itself says who, or the subject right before
        near = [a for a in before if not a.preposition and _can_act(a) and a.kind != LOCATION
                and sum(1 for i in range(a.end, trig.start) if i not in address) <= DEFINITE_REACH]
        if near and not _trigger_between(doc, near[-1].end, trig.start):
            agents.append(near[-1].key)  # وقدم الدكتور المومني باسم الحكومة التعازي
    elif relative and subject is None:  # الأحزاب التي وافقت: the subject is what the pronoun stands for
        antecedent = next((a for a in before if a.end == trig.start - 1 and _can_act(a)), None)
        if antecedent is not None:
            agents.append(antecedent.key)
    elif subject is None and not patients and previous and (kind == "verb" or not violent):
        agents.extend(previous)
    elif subject is None and not patients:
        near = [a for a in before if (not a.preposition or a.preposition in ("و",)) and _can_act(a)]
        if kind != "verb":  # a verbal noun takes the subject of the verb just before it
            near = [a for a in near if trig.start - a.end <= NOUN_AGENT_WINDOW and a.kind != LOCATION]
            if near and _trigger_between(doc, near[-1].end, trig.start):
                near = []  # يدينون تفجير, اعتُقل بعد بدء تحقيق: that name belongs to the verb between
        if near:
            subject = near[-1]
            # coordinated subjects: بوتين ونظيره توكاييف أجريا
            for a in reversed(near[:-1]):
                if a.kind == subject.kind and trig.start - a.end <= 12 and a.key != subject.key:
                    agents.append(a.key)
    if subject is not None:
        agents.insert(0, subject.key) if subject.key not in agents else None
    start = max(trig.end, subject.end if subject and subject.start >= trig.end else trig.end)
    if violent and not patients:  # التفجير الذي استهدف مسجدا لقوات الطوارئ: whom it hit
        data = load(doc.lang_)
        for i in range(trig.end, min(trig.end + 4, len(doc) - 1)):
            if doc[i].norm_ in data.relatives and doc[i + 1].norm_ in data.target_verbs:
                hit = next((a for a in after if a.start > i + 1 and gap(a) <= i + 5 - trig.end and _can_act(a)
                            and a.key not in agents), None)
                if hit is not None:
                    patients.append(hit.key)
                break
    where = _places(after)
    obj = next((a for a in after if a.start >= start and a.key not in agents and _can_act(a)
                and a not in where and a.start - start <= AGENT_WINDOW
                and (not trig._.kg_definite or a.preposition in ("علي", "ضد", "ل"))), None)
    if obj is not None and obj.key not in patients:
        genitive = kind != "verb" and obj.start == trig.end and not obj.preposition
        if genitive and not agents and trig.label_[:2] in GENITIVE_AGENT:
            agents.append(obj.key)  # زيارة بخاري: Buhari's visit
        else:
            patients.append(obj.key)
    return agents, patients


def _trigger_between(doc: Doc, start: int, end: int) -> bool:
    return any(start <= t.start < end for t in doc.spans["kg_triggers"])


def _places(actors: list[Actor]) -> list[Actor]:
    """The places among actors: after في or ب, and those coordinated with one (في نيجيريا والكاميرون)."""
    out: list[Actor] = []
    for a in actors:
        if a.kind != LOCATION:
            continue
        if a.preposition in ("في", "ب") or a.preposition == "و" and out and a.start - out[-1].end <= 1:
            out.append(a)
    return out


def _doer_of_noun(trig: Span, after: list[Actor], all_actors: list[Actor], gap) -> Actor | None:
    """Who does what a verbal noun names, where the noun says it: its genitive (زيارة بخاري,
    هجمات جماعة بوكو حرام), a person or body after ل (زيارة للرئيس النيجيري), or its pronoun
    (مبايعتها: the body named before). Attacks take a person or body only (قصف المدينة is done to it)."""
    root = trig.label_[:2]
    if root not in GENITIVE_AGENT and root not in VIOLENT:
        return None
    doers = (PERSON, ORGANIZATION) if root in VIOLENT else (PERSON, ORGANIZATION, LOCATION)
    if trig._.kg_suffix in PRONOUNS:
        return next((a for a in reversed([a for a in all_actors if a.end <= trig.start])
                     if a.kind in doers and _can_act(a)), None)
    if trig._.kg_kind != "noun":
        return None  # (أجرى اتصالا هاتفيا بالرئيس: a phrase's doer is the verb's subject)
    first = next((a for a in after if gap(a) <= 1), None)
    if first is None or first.kind not in doers or not _can_act(first):
        return None
    if not first.preposition or first.preposition == "ل" and first.kind != LOCATION:
        return first
    return None


def _count(doc: Doc, trig: Span, multipliers: dict[str, int]) -> int | None:
    """The number of people an event counts: توقيف 4266 شخصا, أكثر من 100, 4 آلاف."""
    for i in range(trig.end, min(len(doc), trig.end + NUMBER_WINDOW)):
        digits = doc[i].text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")).replace(",", "")
        if digits.isdigit():
            following = doc[i + 1].norm_ if i + 1 < len(doc) else ""
            return int(digits) * multipliers.get(following, 1)
    return None


def _specificity(code: str) -> tuple[int, bool]:
    """041 (phone call) says more than 040 (consult): longer codes, then codes not ending in 0."""
    return len(code), not code.endswith("0")


def _same_count(a: int, b: int) -> bool:
    """Two figures of one event: equal, or one a rounding of the other (4 آلاف, 4200, 4266)."""
    return a == b or abs(a - b) <= 0.1 * max(a, b)


def _precision(n: int) -> int:
    """How exact a figure is: the fewer trailing zeros, the more (4266 > 4200 > 4000)."""
    zeros = 0
    while n and n % 10 == 0:
        n, zeros = n // 10, zeros + 1
    return -zeros


def _merge(told: list[_Told]) -> list[Event]:
    """One event per real occurrence: the same root told again with a shared participant and a
    compatible day, or, with no participants at all, the same code again."""
    merged: list[_Told] = []
    for t in told:
        e = t.event
        parts = set(e.agents) | set(e.patients)
        target = None
        for m in merged:
            me = m.event
            if m.root != t.root:
                continue
            mparts = set(me.agents) | set(me.patients)
            same_day = e.date is None or me.date is None or e.date == me.date or m.date_strength != t.date_strength \
                or not (m.date_strength and t.date_strength)  # a day only taken from a neighbour binds nothing
            # (four countries that condemn in a headline are four condemnations: one told alone
            # later is not merged into the headline's)
            if parts and mparts and (parts <= mparts or mparts <= parts) and same_day \
                    and (len(set(e.agents) ^ set(me.agents)) <= 1 or max(len(e.agents), len(me.agents)) < 3):
                target = m
                break
            counts_agree = all(_same_count(me.counts.get(k, v), v) for k, v in e.counts.items()) \
                and not (e.counts and me.patients or me.counts and e.patients)  # 4000 arrested are not one named man
            places_agree = not e.places or not me.places or set(e.places) & set(me.places)
            if (not parts or not mparts) and counts_agree and places_agree and same_day and (
                    me.cameo == e.cameo or not parts and not mparts or e.places and me.places):
                target = m
                break
        if target is None:
            merged.append(t)
            continue
        me = target.event
        if _specificity(e.cameo) > _specificity(me.cameo):
            me.cameo = e.cameo
        for attr in ("agents", "patients", "places"):
            for key in getattr(e, attr):
                if key not in getattr(me, attr) and key not in me.agents + me.patients:
                    getattr(me, attr).append(key)
        if e.date and (me.date is None or t.date_strength > target.date_strength):
            me.date, target.date_strength = e.date, t.date_strength
        me.mentions.extend(e.mentions)
        for k, v in e.counts.items():  # the exact figure over a headline's round one (4266 over 4 آلاف)
            if k not in me.counts or _precision(v) > _precision(me.counts[k]):
                me.counts[k] = v
        me.confidence = max(me.confidence, e.confidence)
        target.reported_by |= t.reported_by
    for m in merged:
        m.event.reported_by = sorted(m.reported_by - set(m.event.agents) - set(m.event.patients))
    # An event with no participant or number tells too little to keep, but for a protest, an arrest
    # or violence in a named place (clashes in Aden): who agreed or met, unnamed, is no news.
    return [m.event for m in merged if m.event.agents or m.event.patients or m.event.counts
            or m.event.places and m.root >= FIRST_CONFLICT_ROOT]
