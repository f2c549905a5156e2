"""The question rules of rules.yaml as typed data, loaded once."""

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

Rule = list[list[str]]

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Danger(_Strict):
    """Signals of acute danger and the wording of policy questions that are not."""

    expansion: str
    high_risk: list[str]
    acts: list[str]
    suicide: list[str]
    now: list[str]
    policy_opening: list[str]
    policy_terms: list[str]
    hypothetical: list[str]


class Case(_Strict):
    """A described situation that ends in 'what do I do?'."""

    asks: list[str]
    signals: list[str]
    expansion: str


class StepDone(_Strict):
    """Wording that says a Meldcode step is done."""

    step: int
    rules: list[Rule]


class NextStep(_Strict):
    """'I did X, what now?'."""

    asks: list[str]
    explicit: list[str]
    done: list[StepDone]


class FollowUp(_Strict):
    """How a follow-up leans on the previous question."""

    openings: list[str]
    question_words: list[str]
    anaphors: list[str]
    next: list[str]
    previous: list[str]
    numbered: list[str]
    numbered_after: list[str]
    clarify: list[str]


class Rules(_Strict):
    """Everything in rules.yaml."""

    danger: Danger
    injection: list[Rule]
    domain: list[str]
    kinds: dict[str, list[Rule]]
    open_openings: list[str]
    answer_markers: dict[str, list[str]]
    leaning_openings: list[str]
    subjects: dict[str, list[str]]
    professions: dict[str, list[str]]
    facts: dict[str, list[Rule]]
    fact_patterns: dict[str, str]
    comparison: str
    case: Case
    next_step: NextStep
    follow_up: FollowUp
    synonyms: dict[str, str]


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (plain YAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(
                None, None, f"key given twice: {', '.join(twice)}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Rules:
    """Rules from YAML text (every key once)."""
    return Rules.model_validate(yaml.load(text, Loader=_UniqueKeys))  # a SafeLoader


@cache
def rules() -> Rules:
    """The rules, read from rules.yaml on first use."""
    return load(RULES_FILE.read_text(encoding="utf-8"))
