"""Model text is cut into sentences and list lines the same way whole and while streaming."""

from hypothesis import given
from hypothesis import strategies as st

from assistant.answering.sentences import SentenceBuffer, model_sentences

TEXT = (
    "Een huisverbod duurt 10 dagen [1]. Daarna kan de burgemeester verlengen tot 28 dagen. [1] "
    "Zie art. 9 van de wet [2].\n\nDe stappen zijn:\n1. Signalen in kaart brengen [3]\n"
    "2. Overleg met een collega [3]\n- Bel 0800-2000, bijv. bij twijfel. Wat nu? Bel 112!"
)


def test_split_keeps_markers_abbreviations_and_list_lines_together() -> None:
    assert model_sentences(TEXT) == [
        "Een huisverbod duurt 10 dagen [1].",
        "Daarna kan de burgemeester verlengen tot 28 dagen. [1]",
        "Zie art. 9 van de wet [2].",
        "De stappen zijn:",
        "1. Signalen in kaart brengen [3]",
        "2. Overleg met een collega [3]",
        "- Bel 0800-2000, bijv. bij twijfel.",
        "Wat nu?",
        "Bel 112!",
    ]


def test_a_sentence_is_held_until_its_marker_has_arrived() -> None:
    buffer = SentenceBuffer()
    assert buffer.feed("Tien dagen. [") == []
    assert buffer.feed("1] Daarna") == ["Tien dagen. [1]"]
    assert buffer.flush() == [" Daarna"]


@given(cuts=st.lists(st.integers(min_value=0, max_value=len(TEXT)), max_size=40))
def test_streaming_in_any_pieces_gives_the_same_sentences(cuts: list[int]) -> None:
    buffer, units, start = SentenceBuffer(), [], 0
    for cut in sorted(cuts):
        units += buffer.feed(TEXT[start:cut])
        start = max(start, cut)
    units += buffer.feed(TEXT[start:]) + buffer.flush()
    assert "".join(units) == TEXT
    assert [u.strip() for u in units] == model_sentences(TEXT)
