"""Dutch BM25: stemming, compounds and correction of misspelled question words."""

import pytest

from assistant.retrieval.lexical import LexicalIndex

TEXTS = [
    "De aandachtsfunctionaris adviseert collega's over de meldcode.",
    "Een huisverbod duurt in beginsel tien dagen.",
    "De vijf stappen van de meldcode beginnen bij signalen.",
    "Met de kindcheck gaat een professional na of er kinderen zijn.",
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("aandachtsfuntionaris", "aandachtsfunctionaris"),
        ("huisverbood", "huisverbod"),
        ("stapen", "stappen"),
        ("kinchek", "kindcheck"),
        ("huisverbod", "huisverbod"),
        ("pannenkoek", "pannenkoek"),
    ],
)
def test_misspelled_question_words_are_corrected(typed: str, meant: str) -> None:
    assert LexicalIndex(TEXTS).spelled(typed) == meant


def test_a_misspelled_question_still_finds_its_passage() -> None:
    index = LexicalIndex(TEXTS)
    scores = index.scores("huisverbood hoelang")
    assert int(scores.argmax()) == 1
    assert index.coverage("aandachtsfuntionaris", TEXTS[0]) == 1.0
