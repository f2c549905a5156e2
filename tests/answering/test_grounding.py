"""The grounding check on real passages with the real bundled model and Dutch BM25 terms."""

import pytest

from assistant.answer import Passage
from assistant.answering.grounding import Checker, facts
from assistant.sentences import split
from assistant.service import Assistant
from assistant.units import body_of

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bel Veilig Thuis: 0800-2000, 24/7.", {"tel:08002000", "24", "7"}),
        ("Bel 0800 2000 of 112.", {"tel:08002000", "tel:112"}),
        ("Sinds 01-07-2013", {"1", "maand:juli", "2013"}),
        ("sinds 1 juli 2013", {"1", "maand:juli", "2013"}),
        ("tien dagen, vier weken (28 dagen)", {"10", "4", "28"}),
        ("€ 1.250,50 of 3,5 uur, ruim 70.000 keer", {"1250.5", "3.5", "70000"}),
        ("artikel 5.2.6 van de Wmo 2015", {"5.2.6", "2015"}),
        ("Neem dit in acht; een eerste stap.", set()),
        ("Zie https://www.veiligthuis.nl/melden.", {"url:https://www.veiligthuis.nl/melden"}),
    ],
)
def test_facts_are_numbers_dates_phones_and_links_in_one_spelling(
    text: str, expected: set[str]
) -> None:
    assert facts(text) == expected


def passages_for(assistant: Assistant, question: str) -> list[Passage]:
    """The passages retrieval returns for a question."""
    return assistant.retrieve(question)


@pytest.fixture(scope="module")
def huisverbod(bundled_assistant: Assistant) -> tuple[Assistant, list[Passage], int]:
    """Passages for a question about the huisverbod, and the number of the one on its duration."""
    passages = passages_for(bundled_assistant, "Hoe lang duurt een huisverbod?")
    n = next(i for i, p in enumerate(passages, 1) if "duurt in beginsel 10 dagen" in p.text)
    return bundled_assistant, passages, n


def checker(context: tuple[Assistant, list[Passage], int]) -> Checker:
    """A fresh checker over the huisverbod passages."""
    assistant, passages, _ = context
    return assistant.checker(passages)


def test_a_supported_sentence_is_kept_with_its_source_sentence_as_quote(
    huisverbod: tuple[Assistant, list[Passage], int],
) -> None:
    n = huisverbod[2]
    verdict = checker(huisverbod).check(f"Een huisverbod duurt in beginsel tien dagen [{n}].")
    assert verdict.kept and verdict.reason == "supported" and verdict.cited == [n]
    assert verdict.quotes[n] == "Een huisverbod duurt in beginsel 10 dagen."


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Een huisverbod duurt in beginsel vijftien dagen [{n}].", "fact"),
        ("De uithuisgeplaatste krijgt een vergoeding van 250 euro [{n}].", "fact"),
        ("Bel bij vragen 0800-1234 [{n}].", "fact"),
        (
            "Een verlenging van het huisverbod is ook mogelijk als de dreiging niet blijft "
            "bestaan [{n}].",
            "contradiction",
        ),
        ("Tijdens het huisverbod krijgt het slachtoffer gratis een advocaat [{n}].", "unsupported"),
    ],
)
def test_invented_wrong_number_and_contradicting_sentences_are_dropped(
    huisverbod: tuple[Assistant, list[Passage], int], sentence: str, reason: str
) -> None:
    verdict = checker(huisverbod).check(sentence.format(n=huisverbod[2]))
    assert not verdict.kept and verdict.reason == reason


def test_a_true_sentence_citing_the_wrong_passage_is_dropped(
    huisverbod: tuple[Assistant, list[Passage], int],
) -> None:
    passages, n = huisverbod[1], huisverbod[2]
    other = next(i for i in range(1, len(passages) + 1) if "10 dagen" not in passages[i - 1].text)
    verdict = checker(huisverbod).check(f"Een huisverbod duurt in beginsel tien dagen [{other}].")
    assert not verdict.kept
    assert checker(huisverbod).check(f"Een huisverbod duurt in beginsel tien dagen [{n}].").kept


def test_an_uncited_sentence_gets_a_citation_only_when_a_passage_clearly_supports_it(
    huisverbod: tuple[Assistant, list[Passage], int],
) -> None:
    n = huisverbod[2]
    check = checker(huisverbod)
    cited = check.check("Een huisverbod duurt in beginsel tien dagen.")
    assert cited.kept and cited.reason == "cited_added"
    assert cited.text == f"Een huisverbod duurt in beginsel tien dagen. [{n}]"
    vague = check.check("Neem bij twijfel altijd contact op met een advocaat.")
    assert not vague.kept and vague.reason == "uncited"


def test_feeding_pieces_shows_only_checked_sentences_and_records_the_dropped(
    huisverbod: tuple[Assistant, list[Passage], int],
) -> None:
    n = huisverbod[2]
    reply = (
        f"Een huisverbod duurt in beginsel tien dagen [{n}]. De burgemeester kan het verlengen "
        f"tot ten hoogste vier weken [{n}]. Het slachtoffer krijgt 250 euro [{n}].\n\n"
        "Ik hoop dat dit helpt."
    )
    check = checker(huisverbod)
    shown = "".join(check.feed(reply[i : i + 5]) for i in range(0, len(reply), 5)) + check.flush()
    assert (
        shown
        == check.text
        == (
            f"Een huisverbod duurt in beginsel tien dagen [{n}]. De burgemeester kan het verlengen "
            f"tot ten hoogste vier weken [{n}]."
        )
    )
    assert check.dropped == [f"Het slachtoffer krijgt 250 euro [{n}].", "Ik hoop dat dit helpt."]
    assert check.quotes[n][0] == "Een huisverbod duurt in beginsel 10 dagen."


def test_a_clause_that_negates_is_compared_with_its_own_clause_in_the_passage(
    bundled_assistant: Assistant,
) -> None:
    passages = passages_for(bundled_assistant, "Is de meldcode een meldplicht?")
    phrase = "maar de meldcode is geen meldplicht"
    n = next(i for i, p in enumerate(passages, 1) if phrase in p.text)
    check = bundled_assistant.checker(passages)
    verbatim = (
        "De Wet verplichte meldcode verplicht organisaties om een meldcode te hebben en te "
        f"gebruiken, maar de meldcode is geen meldplicht [{n}]."
    )
    assert check.check(verbatim).kept
    flipped = check.check(f"De meldcode is een meldplicht voor organisaties [{n}].")
    assert not flipped.kept


@pytest.mark.parametrize(
    "question", ["Wat houdt stap 3 van de meldcode in?", "Wat is een kindcheck?"]
)
def test_every_passage_sentence_cited_verbatim_is_kept(
    bundled_assistant: Assistant, question: str
) -> None:
    passages = passages_for(bundled_assistant, question)
    check = bundled_assistant.checker(passages)
    cited = [
        (n, sentence)
        for n, p in enumerate(passages, 1)
        for sentence in split(body_of(p))
        if not sentence.startswith("Bronnen:")
    ]
    assert len(cited) >= 10
    assert [s for n, s in cited if not check.check(f"{s} [{n}]").kept] == []
