"""Table-driven tests of the question rules (assistant/questions/rules.yaml)."""

import pytest
import yaml

from assistant.questions.follow_up import leans_on, resolve_follow_up
from assistant.questions.phrases import ends_with, find, matches_rule
from assistant.questions.rules import load
from assistant.questions.understand import (
    answers_kind,
    asked_parts,
    is_aside,
    is_case,
    is_other_part,
    leans_back,
    numbered_in,
    professions_in,
    sides_of,
    step_done,
    subjects_in,
    synonyms_of,
    topics_in,
    understand,
    years_in,
)


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("Ik zag blauwe plekken op zijn arm", "blauwe plek*", True),
        ("Hij sluit haar op in de kamer", "sluit * op", True),
        ("Hij sluit haar elke avond op", "sluit * op", False),
        ("Ze sluiten de deur", "sluit * op", False),
        ("wapenbezit in de kindcheck", "wapen", False),
        ("een wapen in huis", "wapen", True),
    ],
)
def test_phrases_match_on_word_boundaries(text: str, phrase: str, found: bool) -> None:
    assert (find(text, [phrase]) is not None) is found


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("wat gebeurt er na ", True),
        ("wat komt na", True),
        ("wat gebeurt erna ", False),
        ("", False),
    ],
)
def test_a_text_that_closes_with_a_phrase(text: str, ends: bool) -> None:
    assert ends_with(text, ["na", "komt na"]) is ends


def test_a_rule_needs_every_group_in_any_order() -> None:
    rule = [["gesproken", "besproken"], ["ouders", "moeder"]]
    assert matches_rule("met de ouders gesproken", rule)
    assert matches_rule("gesproken met de ouders", rule)
    assert not matches_rule("met de ouders gebeld", rule)


STEPS = [
    ("Ik heb met de ouders gesproken, wat nu?", 3),
    ("Gesproken met de moeder. Wat is de volgende stap?", 3),
    ("Na het gesprek met de cliënt twijfel ik nog. Wat komt er hierna?", 3),
    ("met collega overlegd en signalen op papier, volgende stap?", 2),
    ("Ik heb Veilig Thuis gebeld voor advies, wat moet ik nu?", 2),
    ("De signalen heb ik in kaart gebracht, en nu?", 1),
    ("We hebben het samen afgewogen, en nu", 4),
    ("Ik heb besloten te melden, wat dan?", 5),
    ("welke stap komt na het gesprek met de ouders", 3),
    ("wat komt er na het overleg met mijn collega?", 2),
    ("wat moet ik nou met al die signalen, ik schrijf alles op maar dan?", 1),
    ("ik leg de signalen vast in het dossier. en dan?", 1),
]


@pytest.mark.parametrize(("text", "done"), STEPS)
def test_step_done_in_any_word_order_and_tense(text: str, done: int) -> None:
    assert step_done(text) == done


@pytest.mark.parametrize(("text", "done"), STEPS)
def test_next_step_becomes_the_retrieval_query(text: str, done: int) -> None:
    reading = understand(text)
    if done < 5:
        assert reading.next_step == done + 1
        assert f"stap {done + 1}" in reading.query
    else:
        assert reading.next_step is None


@pytest.mark.parametrize(
    ("text", "step"),
    [("wat komt na stap 2?", 3), ("welke stap volgt op stap 3", 4), ("Wat houdt stap 2 in?", None)],
)
def test_the_step_after_a_named_one(text: str, step: int | None) -> None:
    assert understand(text).next_step == step


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("Bij een acuut risico op meisjesbesnijdenis belt de professional direct.", {"vgv"}),
        ("Ze moet na de zomer trouwen met een neef.", {"huwelijksdwang"}),
        ("Ouderenmishandeling bij een cliënt van 80", {"ouderenmishandeling"}),
        ("Bij acuut gevaar direct 112 bellen.", set()),
        ("Dat is eerder gebeurd.", set()),
    ],
)
def test_forms_of_violence_a_text_names(text: str, subjects: set[str]) -> None:
    assert subjects_in(text) == subjects


@pytest.mark.parametrize(
    ("text", "professions"),
    [
        ("Voor artsen schrijft de KNMG-meldcode in stap 2 wel Veilig Thuis voor.", {"artsen"}),
        ("ik ben huisarts, wat nu?", {"artsen"}),
        ("Volgens de JGZ-meldcode handelt de professional binnen een uur.", {"jgz"}),
        ("Letselduiding door een forensisch arts gaat verder dan letsel beschrijven.", set()),
        ("Ik ben docent, moet ik melden?", set()),
    ],
)
def test_professions_with_rules_of_their_own(text: str, professions: set[str]) -> None:
    assert professions_in(text) == professions


@pytest.mark.parametrize(
    ("heading", "question", "aside"),
    [
        ("Artsen: beroepsgeheim en conflict van plichten (KNMG)", "meldrecht beroepsgeheim", True),
        (
            "Artsen: beroepsgeheim en conflict van plichten (KNMG)",
            "ik ben huisarts, mag ik melden?",
            False,
        ),
        (
            "Vrouwelijke genitale verminking (VGV) in de meldcode",
            "ze moet trouwen met een neef",
            True,
        ),
        ("Risicofactoren voor meisjesbesnijdenis", "wat zijn signalen van VGV?", False),
        ("Meldrecht: artikel 5.2.6 Wmo 2015", "mag ik melden zonder toestemming?", False),
    ],
)
def test_a_heading_about_what_the_question_does_not_name(
    heading: str, question: str, aside: bool
) -> None:
    assert is_aside(topics_in(heading), topics_in(question)) is aside


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("wat is stap 2?", {("stap", "2")}),
        ("wat gebeurt er na afweging 3 als de ouders de hulp weigeren?", {("afweging", "4")}),
        ("wat komt na stap 2", {("stap", "3")}),
        ("Stap 3 en AFWEGING 2", {("stap", "3"), ("afweging", "2")}),
        ("wat is de kindcheck?", set()),
    ],
)
def test_the_numbered_parts_a_question_asks_about(
    question: str, parts: set[tuple[str, str]]
) -> None:
    assert asked_parts(question) == parts


@pytest.mark.parametrize(
    ("heading", "question", "other"),
    [
        (
            "Stap 1 van de meldcode: signalen in kaart brengen",
            "signalen gezien. wat is stap 2?",
            True,
        ),
        (
            "Stap 2 van de meldcode: overleggen met een collega",
            "signalen gezien. wat is stap 2?",
            False,
        ),
        ("Afweging 2 van het afwegingskader", "wat houdt stap 3 in?", False),
        ("Afweging 2 van het afwegingskader", "wat is het afwegingskader?", False),
        (
            "Het afwegingskader: vijf afwegingen bij stap 4 en stap 5",
            "wat doe ik in stap 5?",
            False,
        ),
    ],
)
def test_a_heading_about_another_numbered_part(heading: str, question: str, other: bool) -> None:
    assert numbered_in("Stap 3 en AFWEGING 2") == {("stap", "3"), ("afweging", "2")}
    assert is_other_part(numbered_in(heading), numbered_in(question)) is other


@pytest.mark.parametrize(
    ("sentence", "leans"),
    [
        ("Met deze werkwijze geeft Veiligheid Voorop invulling aan de samenwerking.", True),
        ("Dit plan is opgesteld door de werkgroep ViA.", True),
        ("Daarnaast voert de stuurgroep regie.", True),
        ("Deze coalitie zet sinds 2018 in op samenwerken.", True),
        ("De aanpak Veiligheid Voorop staat voor vroegtijdige samenwerking.", False),
        ("Veilig Thuis is bereikbaar via 0800-2000.", False),
        ("Ouders die dit weigeren, worden gemeld.", False),
    ],
)
def test_a_sentence_that_points_back(sentence: str, leans: bool) -> None:
    assert leans_back(sentence) is leans


def test_a_named_step_is_not_guessed() -> None:
    assert understand("Wat houdt stap 2 in en wat komt daarna?").next_step is None


@pytest.mark.parametrize(
    ("text", "case"),
    [
        ("Jayden (7) komt met blauwe plekken op school. Wat moet ik doen?", True),
        ("Een leerling schrikt als vader haar ophaalt, wat nu?", True),
        ("onze peuter heeft brandplekjes op haar handen, moeder zegt kookongelukje. wat nu?", True),
        ("Mijn cliënt drinkt veel en er zijn twee kleine kinderen thuis, moet ik iets doen?", True),
        ("Meneer van 84 lag weer in een doorweekte luier en had niks gegeten. Wat nu?", True),
        ("Mevrouw zegt dat ze geen geld meer heeft, haar zoon beheert alles. Is dit iets?", True),
        ("Haar ex dreigt de kinderen mee te nemen naar het buitenland, wat kan ik hier mee?", True),
        ("Mijn cliënt (78) zegt dat haar zoon haar geld afpakt, wat nu?", True),
        ("De dochter van mevrouw pakt steeds haar geld, wat moet ik doen?", True),
        ("Leerling komt al een week niet op school en moeder neemt niet op, moet ik iets?", True),
        ("een kind komt steeds zonder jas en eten naar school. melden?", True),
        ("Ik heb signalen van ouderenmishandeling bij een cliënt, wat moet ik doen?", True),
        ("ik vermoed kindermishandeling bij een leerling. wat nu?", True),
        ("Ik maak me zorgen over een kind in mijn klas, wat kan ik doen?", True),
        ("Wat moet ik doen volgens de meldcode?", False),
        ("Wat is kindermishandeling?", False),
        ("welke aanpak heeft oss voor huiselijk geweld", False),
        ("Wat doe ik als er bij afweging 1 geen vermoeden meer is?", False),
        ("Er zijn blauwe plekken gezien.", False),
    ],
)
def test_case_descriptions(text: str, case: bool) -> None:
    assert is_case(text) is case
    assert ("case" in understand(text).kinds) is case


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Wat doet een aandachtsfunctionaris eigenlijk?", "definition"),
        ("Noem de stappen van de meldcode", "list"),
        ("Mag ik zonder toestemming melden?", "may_i"),
        ("Ben ik verplicht om te melden?", "must_i"),
        ("wat gebeurt er als hij het huisverbod overtreedt", "consequence"),
        ("Wat zijn de gevolgen van een melding?", "consequence"),
        ("en als de ouders weigeren?", "consequence"),
        ("wat valt er allemaal onder kindermishandeling", "scope"),
        ("welke beroepsgroepen vallen onder de meldcode", "scope"),
        ("voor wie geldt de kindcheck?", "scope"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert kind in understand(text).kinds


@pytest.mark.parametrize(
    "text", ["wie moet ik bellen als ik denk dat een kind mishandeld wordt?", "waar mag ik melden?"]
)
def test_whom_or_where_is_no_yes_or_no_question(text: str) -> None:
    assert not understand(text).kinds & {"may_i", "must_i"}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("nummer veilig thuis?", "phone"),
        ("Hoeveel subsidie krijgt Oss, welk bedrag?", "amount"),
        ("Wat zijn de openingstijden van het veiligheidshuis?", "time"),
        ("Sinds wanneer is de meldcode verplicht?", "date"),
        ("Wat is een huisverbod?", None),
    ],
)
def test_specific_fact_questions(text: str, fact: str | None) -> None:
    assert understand(text).fact == fact


FOLLOW_UPS = [
    ("waarom?", "Moet ik bij twijfel Veilig Thuis raadplegen?", "Moet ik bij twijfel"),
    (
        "En welke stap komt daarna?",
        "Wat is stap 2 van de meldcode?",
        "Wat is stap 3 van de meldcode?",
    ),
    ("en de vorige?", "Wat houdt afweging 3 in?", "Wat houdt afweging 2 in?"),
    ("en dan?", "Wat is stap 3 van de meldcode?", "Wat is stap 4 van de meldcode?"),
    (
        "en als ik ga melden, moet ik dan stoppen met mijn eigen hulp?",
        "Wat is stap 5 van de meldcode?",
        "Wat is stap 5 van de meldcode?",
    ),
    ("en de volgende?", "Wat houdt afweging 5 in?", "Wat houdt afweging 5 in?"),
    ("en als de ouders weigeren?", "Moet ik de ouders vragen?", "Moet ik de ouders vragen? en als"),
    (
        "wat bedoel je daarmee?",
        "Wat is structurele onveiligheid?",
        "Wat is structurele onveiligheid?",
    ),
    ("Wie zit in de stuurgroep zorg en veiligheid?", "Wat is stap 2?", "Wie zit in de stuurgroep"),
    ("Hoe lang duurt een huisverbod in Oss?", "Wat is een huisverbod?", "Hoe lang duurt"),
]


@pytest.mark.parametrize(
    ("question", "history", "leans"),
    [
        ("en kan dat langer?", ["huisverbod hoe lang"], True),
        ("En welke stap komt daarna?", ["Wat is stap 2 van de meldcode?"], False),  # moved
        ("Wie zit in de stuurgroep zorg en veiligheid?", ["Wat is stap 2?"], False),
        ("en kan dat langer?", [], False),
    ],
)
def test_a_follow_up_that_leans_on_the_previous_question_as_it_was(
    question: str, history: list[str], leans: bool
) -> None:
    assert leans_on(question, resolve_follow_up(question, history), history) is leans


@pytest.mark.parametrize(("question", "previous", "starts"), FOLLOW_UPS)
def test_a_follow_up_leans_on_the_previous_question(
    question: str, previous: str, starts: str
) -> None:
    resolved = resolve_follow_up(question, [previous])
    assert resolved.startswith(starts)
    assert resolved.endswith(question)
    assert resolve_follow_up(question, []) == question


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Hoeveel meldingen kwamen er in 2024 binnen?", {"2024"}),
        ("Van 1999 tot en met 2030", {"1999", "2030"}),
        ("Bel 0800-2000 of 112", set()),
    ],
)
def test_years_named_in_a_question(text: str, years: set[str]) -> None:
    assert years_in(text) == years


@pytest.mark.parametrize(
    ("question", "added"),
    [
        ("wat gebeurt er na een melding bij het meldpunt", "Veilig Thuis"),
        ("waar staat het stappenplan bij geweld in de wet", "meldcode"),
        ("hoe kan ik laten checken of die blauwe plekken van een val komen", "letselduiding"),
        ("vader is zwaar verslaafd en er zijn twee kinderen", "kindcheck"),
        ("ze moet trouwen met een neef in het buitenland", "huwelijksdwang"),
        ("de zoon regelt alle geldzaken van zijn vader", "financiële uitbuiting"),
        ("het is al de derde keer dit jaar", "structurele onveiligheid"),
        ("dochter zegt dat ze het niet meer trekt met haar vader", "ontspoorde mantelzorg"),
        ("ze heeft geen geld meer voor haar medicijnen", "financiële uitbuiting"),
        ("mag ik info delen met het lokaal team zonder toestemming", "meldrecht"),
        ("het gaat slechter, mag ik nog een keer melden?", "opnieuw melden"),
        ("wanneer moet ik melden volgens het afwegingskader", "professionele norm"),
        ("is de meldcode verplicht voor sportverenigingen", "vrijwilligersorganisaties"),
        ("Wat is de kern van Gefaseerd Samenwerken aan Veiligheid?", "GSV"),
        ("GSV", "Gefaseerd Samenwerken aan Veiligheid"),
        ("ouders willen geen hulp, wat nu?", "afweging 4"),
        ("de moeder weigert elke hulp", "hulp aanvaarden"),
        ("hoe vraag ik een huisverbod aan", "opleggen bevoegdheid"),
        ("kan ik anoniem melden als buurman", "omstander"),
        ("als buren anoniem melden kan dat?", "omstander"),
        ("hoe snel reageert veilig thuis op een melding", "termijn binnen"),
        ("kan ik als buurvrouw melden zonder dat de ouders weten dat ik het was?", "anoniem"),
        ("wat als de ouders de hulp weigeren?", "afweging 4"),
        ("kan ik anoniem melden?", ""),
        ("Wat is stap 3 van de meldcode?", ""),
    ],
)
def test_professionals_words_bring_the_documents_words(question: str, added: str) -> None:
    found = synonyms_of(question)
    assert added in found if added else found == ""
    assert added in understand(question).query


ANSWER = "In stap 3 van de meldcode gaat de professional in gesprek met de ouders. [1] Meer. [2]"


@pytest.mark.parametrize(
    ("question", "history", "resolved"),
    [
        ("kun je dat uitleggen?", ["volgende stap?"], f"{ANSWER.split(' [1]')[0]} kun je dat"),
        ("wat bedoel je?", [], "In stap 3 van de meldcode gaat de professional in gesprek"),
        ("wat bedoel je met gesprek?", ["Wat is stap 3?"], "Wat is stap 3? wat bedoel je met"),
        ("Wat is een huisverbod?", ["Wat is stap 3?"], "Wat is een huisverbod?"),
    ],
)
def test_a_question_about_the_previous_answer_is_read_with_it(
    question: str, history: list[str], resolved: str
) -> None:
    got = resolve_follow_up(question, history, ANSWER)
    assert got.startswith(resolved) and got.endswith(question)
    assert "[1]" not in got


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("Wat is het verschil tussen casusregie en procesregie?", ("casusregie", "procesregie")),
        (
            "wat is het verschil tussen acute en structurele onveiligheid",
            ("acute", "structurele onveiligheid"),
        ),
        ("verschil tussen meldrecht en meldplicht??", ("meldrecht", "meldplicht")),
        ("Wat is casusregie?", None),
    ],
)
def test_the_two_sides_of_a_comparison(text: str, sides: tuple[str, str] | None) -> None:
    assert sides_of(text) == sides


def test_a_key_given_twice_in_the_rules_is_an_error() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="key given twice: duration"):
        load("fact_patterns:\n  duration: 'a'\n  duration: 'b'\n")


@pytest.mark.parametrize(
    ("sentence", "question", "answers"),
    [
        ("Het meldrecht is geen meldplicht.", "Moet ik melden?", True),
        ("Hij mag zonder toestemming informatie geven.", "Mag ik zonder toestemming melden?", True),
        ("De kindcheck is een onderdeel van de meldcode.", "Moet ik de kindcheck doen?", False),
        ("Overtreding van een huisverbod is strafbaar.", "wat gebeurt er als hij dat doet", True),
        ("Veilig Thuis neemt dan meteen maatregelen.", "en als er acute onveiligheid is?", True),
        ("Iemand overtreedt een huisverbod door binnen te gaan.", "wat als hij terugkomt", False),
        ("Het meldrecht is geen meldplicht.", "Wat is het meldrecht?", None),
        ("Het meldrecht is geen meldplicht.", "wat gebeurt er na een huisverbod", None),
        ("De meldcode geldt voor de kinderopvang.", "moet een gastouder een meldcode hebben", True),
        ("Je moet melden.", "Ik heb signalen van mishandeling, wat moet ik doen?", None),
        ("Onder kindermishandeling vallen ook verwaarlozing.", "wat valt er onder?", True),
        ("Kindermishandeling is elke bedreigende omgang.", "wat valt er onder?", False),
    ],
)
def test_what_a_kind_of_question_asks_of_its_answer(
    sentence: str, question: str, answers: bool | None
) -> None:
    assert answers_kind(sentence, understand(question).kinds) is answers
