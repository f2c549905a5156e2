"""Metric functions on hand-built answers."""

from assistant.answer import Answer, Citation, Passage
from assistant.service import Assistant
from evals import metrics
from evals.cases import Case


def _answer(texts: list[str], text: str, cited: list[int]) -> Answer:
    passages = [
        Passage(chunk_id=f"c{i}", doc_id="d", title="T", text=t) for i, t in enumerate(texts, 1)
    ]
    citations = [Citation(n=n, chunk_id=f"c{n}", doc_id="d", title="T") for n in cited]
    return Answer(status="answered", text=text, citations=citations, passages=passages)


CASE = Case(
    id="t",
    question="q",
    expect="answer",
    evidence=["tien  DAGEN"],
    must_include=[["tien dagen"], ["vier weken", "28 dagen"]],
    must_not_include=["Jansen"],
)


def test_retrieval_metrics() -> None:
    answer = _answer(["niets", "duurt tien dagen", "ook tien dagen"], "x", [])
    ranks = metrics.relevant_ranks(CASE, answer, 5)
    assert ranks == [2, 3]
    assert metrics.hit_at(ranks, 1) == 0.0 and metrics.hit_at(ranks, 3) == 1.0
    assert metrics.reciprocal_rank(ranks) == 0.5
    assert 0 < metrics.ndcg(ranks, 5) < 1


def test_answer_metrics() -> None:
    answer = _answer(["duurt tien dagen", "niets"], "Tien dagen [1], mevrouw Jansen", [1, 2])
    assert metrics.key_fact_coverage(CASE, answer) == 0.5
    assert metrics.citation_validity(answer) == (2, 2)
    assert metrics.citation_support(CASE, answer) == (1, 2)
    assert metrics.pii_leaks(CASE, answer) == ["Jansen"]
    assert metrics.status_ok(CASE, answer)


def test_invalid_citation_detected() -> None:
    answer = _answer(["a"], "x", [])
    answer.citations.append(Citation(n=3, chunk_id="zz", doc_id="d", title="T"))
    assert metrics.citation_validity(answer) == (0, 1)


def test_percentile() -> None:
    assert metrics.percentile([5, 1, 3, 2, 4], 50) == 3
    assert metrics.percentile([], 95) == 0.0


def test_redundancy_counts_repeats_but_not_parallel_list_items(
    bundled_assistant: Assistant,
) -> None:
    vector = bundled_assistant.sentence_vector
    repeat = "Een huisverbod duurt tien dagen. Een huisverbod duurt in beginsel tien dagen."
    assert metrics.redundant_pairs(_answer([], repeat, []), vector) == 1
    phases = (
        "De visie kent fasen:\n1. Werken aan directe veiligheid, met een veiligheidsplan.\n"
        "2. Werken aan stabiele veiligheid, met een hulpverleningsplan."
    )
    assert metrics.redundant_pairs(_answer([], phases, []), vector) == 0


def test_a_lead_in_and_its_list_are_one_sentence() -> None:
    text = "Stap 5 kent twee beslissingen:\n1. Is melden nodig?\n2. Is hulp mogelijk? [1] Meer."
    found = metrics.answer_sentences(_answer(["x"], text, [1]))
    assert found == [
        "Stap 5 kent twee beslissingen:\n1. Is melden nodig?\n2. Is hulp mogelijk?",
        "Meer.",
    ]
