"""The hybrid retriever's re-ranking on the bundled index: relevance feedback and focus."""

from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.service import Assistant
from assistant.settings import Settings


def _sections(settings: Settings, embeddings: IndexEmbeddings, feedback: float) -> list[str]:
    retriever = HybridRetriever.from_settings(
        settings.model_copy(update={"relevance_feedback": feedback}), embeddings
    )
    return [str(d.metadata["section"]) for d in retriever.invoke("toekomstscenario")]


def test_feedback_puts_the_passage_both_legs_agree_on_first(
    bundled_assistant: Assistant, bundled_settings: Settings, embeddings: IndexEmbeddings
) -> None:
    overview = "Toekomstscenario kind- en gezinsbescherming: wat is het"
    without = _sections(bundled_settings, embeddings, 0.0)
    with_feedback = _sections(bundled_settings, embeddings, 0.2)
    assert not without[0].startswith(overview)  # a passage on its planning came first
    assert with_feedback[0].startswith(overview)
    assert any(s.startswith(overview) for s in without)  # found without it too, lower


def test_a_passage_about_another_profession_gives_way(bundled_assistant: Assistant) -> None:
    retriever = bundled_assistant._retriever
    doctors = "Artsen: beroepsgeheim"
    general = [str(d.metadata["section"]) for d in retriever.invoke("meldrecht beroepsgeheim")]
    for_gp = [
        str(d.metadata["section"]) for d in retriever.invoke("huisarts meldrecht beroepsgeheim")
    ]
    assert not general[0].startswith(doctors) and any(s.startswith(doctors) for s in general)
    assert for_gp[0].startswith(doctors)
