"""Extractive composition on real passages of the bundled index."""

from assistant.answering import extractive
from assistant.catalog import to_passage
from assistant.questions.understand import understand
from assistant.service import Assistant


def test_a_fact_question_skips_a_number_about_something_else(
    bundled_assistant: Assistant,
) -> None:
    question = "hoe lang mag hij niet thuis komen"
    retriever = bundled_assistant._retriever
    # a passage with a time limit of another subject (Veilig Thuis's triage), ranked first
    triage = to_passage(retriever.invoke("veiligheidsbeoordeling binnen vijf werkdagen")[0])
    assert "vijf werkdagen" in triage.text
    found = [to_passage(d) for d in retriever.invoke(question)]
    passages = [triage.model_copy(update={"score": 1.0}), *found]
    composed = extractive.compose(
        question,
        understand(question),
        passages,
        retriever.lexical,
        lambda passage: None,
        lambda sentence: retriever.meaning(question, sentence),
    )
    assert "dagen" in composed.text and "vijf werkdagen" not in composed.text, composed.text
