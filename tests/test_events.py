"""Events: CAMEO type from the trigger lexicon, agent and patient by clause order and voice."""
import datetime as dt


def events(x, prefix):
    out = []
    for e in x.events:
        if e.cameo.startswith(prefix):
            out.append(({x.entity(k).name for k in e.agents}, {x.entity(k).name for k in e.patients},
                        {x.entity(k).name for k in e.places}, e.date))
    return out


def test_phone_call_has_caller_and_callee(extract_text):
    x = extract_text("أجرى ولي العهد السعودي الأمير محمد بن سلمان اليوم اتصالا هاتفيا بالرئيس الفرنسي إيمانويل ماكرون.")
    calls = events(x, "041")
    assert calls and calls[0][0] == {"محمد بن سلمان"} and calls[0][1] == {"إيمانويل ماكرون"}
    assert calls[0][3] == dt.date(2023, 3, 10)


def test_passive_arrest_makes_the_subject_the_patient(extract_text):
    x = extract_text("اعتُقل الصحفي أحمد منصور في مطار برلين أمس الخميس.")
    arrests = events(x, "173")
    assert arrests and "أحمد منصور" in arrests[0][1] and not arrests[0][0]
    assert arrests[0][3] == dt.date(2023, 3, 9)


def test_condemnation_by_a_country(extract_text):
    x = extract_text("أدانت الكويت بشدة التفجير الإرهابي الذي استهدف مسجدا في أبها.")
    kinds = {e.cameo[:2] for e in x.events}
    assert "11" in kinds
    condemn = events(x, "111")
    assert condemn and condemn[0][0] == {"الكويت"}


def test_reporting_verbs_are_not_events(extract_text):
    x = extract_text("وقال المتحدث إن الوضع هادئ، وأشار إلى أن الطرق مفتوحة.")
    assert x.events == []


def test_counts_of_people_arrested(extract_text):
    x = extract_text("أعلنت وزارة الداخلية توقيف 4266 شخصا في أنحاء البلاد.")
    arrest = next(e for e in x.events if e.cameo == "173")
    assert arrest.counts == {"arrested": 4266}


def test_subject_after_forms_of_address_and_carried_to_the_next_verb(extract_text):
    x = extract_text("غادر صاحب السمو الملكي الأمير خالد الفيصل الرياض متوجها إلى القاهرة في زيارة "
                     "التقى خلالها الرئيس المصري عبدالفتاح السيسي.")
    by_key = {e.key: e.name for e in x.entities}
    meetings = [e for e in x.events if e.cameo.startswith("04")]
    assert meetings
    assert any("خالد الفيصل" in by_key[a] for e in meetings for a in e.agents)
    assert not any(by_key[a] in ("الرياض", "القاهرة") for e in x.events for a in e.agents)  # cities do not act


def test_a_cooperation_in_the_future_is_an_intent_and_kana_puts_the_subject_first(extract_text):
    x = extract_text("وقال الرئيس الأوكراني بيترو بوروشينكو إنه سوف يوقع اتفاقية مع روسيا. "
                     "وكان البرلمان الأوكراني أقال فيكتور يانوكوفيتش في فبراير.")
    by_key = {e.key: e.name for e in x.entities}
    signing = next(e for e in x.events if e.trigger.endswith("اتفاقية"))
    assert signing.cameo.startswith("03")  # CAMEO 03: express intent to cooperate
    dismissal = next(e for e in x.events if e.cameo == "0831")
    assert [by_key[p] for p in dismissal.patients] == ["فيكتور يانوكوفيتش"]
    assert not any("يانوكوفيتش" in by_key[a] for a in dismissal.agents)


def test_who_does_what_a_verbal_noun_names(extract_text):
    x = extract_text("أدانت الولايات المتحدة أمس هجمات جماعة بوكو حرام في نيجيريا والكاميرون. "
                     "وجاء ذلك خلال زيارة للرئيس النيجيري محمد بخاري إلى واشنطن.")
    by_key = {e.key: e.name for e in x.entities}
    attack = next(e for e in x.events if e.cameo.startswith("19"))
    assert [by_key[a] for a in attack.agents] == ["بوكو حرام"]  # not the United States, who condemned it
    assert not attack.patients and {by_key[p] for p in attack.places} <= {"نيجيريا", "الكاميرون"}
    visit = next(e for e in x.events if e.cameo.startswith("04"))
    assert [by_key[a] for a in visit.agents] == ["محمد بخاري"]


def test_a_name_after_the_object_noun_is_no_subject(extract_text):
    x = extract_text("الجيش التركي يقصف مواقع داعش في سوريا.")
    by_key = {e.key: e.name for e in x.entities}
    strike = next(e for e in x.events if e.cameo.startswith("19"))
    assert [by_key[a] for a in strike.agents] == ["الجيش التركي"]
    assert [by_key[p] for p in strike.patients] == ["داعش"]


def test_a_definite_noun_names_the_event_told_before_and_adds_whom_it_hit(extract_text):
    x = extract_text("الكويت تدين تفجير عسير. وأدانت دولة الكويت التفجير الإرهابي الذي استهدف مسجدا "
                     "لقوات الطوارئ في منطقة عسير.")
    by_key = {e.key: e.name for e in x.entities}
    bombings = [e for e in x.events if e.cameo.startswith("18")]
    assert len(bombings) == 1 and len(bombings[0].mentions) == 2
    assert [by_key[p] for p in bombings[0].patients] == ["قوات الطوارئ"]


def test_a_sentence_opening_on_its_verb_goes_on_with_the_last_subject(extract_text):
    x = extract_text("وذكرت الوكالة أن الرئيس السابق محمد مرسي شكا من سوء الطعام في السجن. "
                     "وطالب بالسماح له بإحضار أطعمة من خارجه.")
    by_key = {e.key: e.name for e in x.entities}
    demand = next(e for e in x.events if e.cameo.startswith("10"))
    assert [by_key[a] for a in demand.agents] == ["محمد مرسي"]


def test_what_is_said_the_speaker_does(extract_text):
    x = extract_text("وقال رئيس الآلية الأفريقية ثابو مبيكي في تصريحات صحفية إن المحادثات كانت مثمرة، "
                     "داعياً الحكومة السودانية إلى استئناف التفاوض.")
    by_key = {e.key: e.name for e in x.entities}
    appeal = next(e for e in x.events if e.cameo.startswith("02"))
    assert [by_key[a] for a in appeal.agents] == ["ثابو مبيكي"]


def test_those_who_see_a_guest_off_are_the_hosts(extract_text):
    x = extract_text("وكان في وداع الأمير خالد الفيصل لدى مغادرته مطار القاهرة الدولي معالي وزير الخارجية "
                     "سامح شكري والسفير أحمد قطان.")
    by_key = {e.key: e.name for e in x.entities}
    farewell = next(e for e in x.events if e.cameo == "043")
    assert [by_key[p] for p in farewell.patients] == ["خالد الفيصل"]
    assert {by_key[a] for a in farewell.agents} == {"سامح شكري", "أحمد قطان"}


def test_an_agreement_with_nobody_named_is_no_event_but_clashes_in_a_place_are(extract_text):
    x = extract_text("وأكد البيان أنهما اتفقا على البقاء على تواصل في كازاخستان. واندلعت اشتباكات في عدن أمس.")
    assert not [e for e in x.events if e.cameo.startswith("03")]
    assert [e for e in x.events if e.cameo.startswith("19")]


def test_the_day_goes_on_to_the_next_sentence_and_a_headline_of_many_doers_absorbs_none(extract_text):
    x = extract_text("الكويت والبحرين والأردن يدينون تفجير عسير\n"
                     "أدانت الحكومة الأردنية اليوم التفجير الإرهابي. وأعربت عن تعازيها لأسر الضحايا.")
    by_key = {e.key: e.name for e in x.entities}
    condemnations = [e for e in x.events if e.cameo.startswith("11")]
    assert any([by_key[a] for a in e.agents] == ["الأردن"] for e in condemnations)
    condolences = next(e for e in x.events if e.cameo.startswith("01"))
    assert condolences.date == dt.date(2023, 3, 10)  # اليوم of the sentence before


def test_a_mass_arrest_told_in_round_and_exact_figures_is_one_event_apart_from_a_named_arrest(extract_text):
    x = extract_text("كازاخستان: توقيف 4 آلاف شخص\n"
                     "أعلنت وزارة الداخلية في كازاخستان اليوم توقيف 4266 شخصا على خلفية أعمال الشغب. "
                     "وأعلن جهاز الأمن الوطني أن رئيسه السابق كريم ماسيموف اعتُقل الخميس.")
    arrests = [e for e in x.events if e.cameo.startswith("17")]
    counted = [e for e in arrests if e.counts]
    assert len(counted) == 1 and counted[0].counts["arrested"] == 4266
    named = [e for e in arrests if e.patients]
    assert len(named) == 1 and not named[0].counts
