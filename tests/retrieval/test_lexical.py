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


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("top3", "De TOP-3-methodiek begint bij veiligheid."),
        ("TOP-3", "Het gezin stelt een Top3 op van onveilige situaties."),
    ],
)
def test_a_number_joined_to_a_word_matches_every_spelling(question: str, text: str) -> None:
    assert LexicalIndex([text, "Een huisverbod duurt tien dagen."]).coverage(question, text) == 1.0


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("wat betekent huiselijk geweld precies", "huiselijk geweld"),
        ("noem de stappen van de meldcode allemaal", "stappen meldcode"),
        ("wat wordt er nou bedoeld met een kindcheck", "kindcheck"),
        ("is er iets speciaals bij eerwraak?", "eerwraak"),
    ],
)
def test_the_words_that_frame_a_question_are_not_its_content(question: str, topic: str) -> None:
    index = LexicalIndex(TEXTS)
    assert index.tokens(question, question=True) == index.tokens(topic, question=True)


def test_parents_are_not_the_elderly() -> None:
    index = LexicalIndex(
        [
            "Bij mishandeling van ouderen is de oudere afhankelijk van wie de schade veroorzaakt.",
            "Accepteren de ouders de hulp niet, dan meldt de professional bij Veilig Thuis.",
        ]
    )
    scores = index.scores("wat als de ouders niet meewerken")
    assert scores[1] > 0 and scores[0] == 0, scores
    assert index.scores("mishandeling van ouderen")[0] > 0
