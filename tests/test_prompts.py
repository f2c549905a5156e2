"""Every prompt file renders, and a missing variable is an error."""

import pytest

from assistant.prompts import prompt_names, render

VARIABLES = {"passages": "[1] Titel\nTekst", "question": "Vraag?", "history": "- eerdere vraag"}


@pytest.mark.parametrize("name", prompt_names())
def test_every_prompt_renders(name: str) -> None:
    text = render(name, **VARIABLES)
    assert text and "$" not in text


def test_expected_prompts_exist() -> None:
    assert {"answer_system", "answer_user", "condense"} <= set(prompt_names())


def test_missing_variable_raises() -> None:
    with pytest.raises(KeyError):
        render("answer_user", question="Vraag?")
