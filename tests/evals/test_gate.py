"""The CI gate: the eval suite on the bundled corpus meets evals/thresholds.yaml."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.service import Assistant
from evals.cases import CASES_DIR, load_cases
from evals.runner import evaluate

THRESHOLDS = yaml.safe_load((CASES_DIR.parent / "thresholds.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary(bundled_assistant: Assistant) -> dict[str, Any]:
    return evaluate(bundled_assistant, load_cases([CASES_DIR]), k=5)


def test_case_files_are_large_enough() -> None:
    cases = load_cases([CASES_DIR])
    tags = [t for c in cases for t in c.tags]
    assert len(cases) >= 100
    assert len({c.id for c in cases}) == len(cases)
    assert sum(bool(c.history) for c in cases) >= 10
    assert tags.count("out-of-scope") >= 10 and tags.count("emergency") >= 8
    assert tags.count("pii") >= 8 and tags.count("injection") >= 5
    realistic = [c for c in cases if "realistic" in c.tags]
    assert len(realistic) >= 120
    assert sum("case-description" in c.tags for c in realistic) >= 8
    assert sum("not-covered" in c.tags for c in realistic) >= 4


AT_MOST = {"answer_words_median", "redundancy"}
GATES = [
    (scope, metric)
    for scope, limits in THRESHOLDS.items()
    for metric in limits
    if metric != "pii_leaks"
]


def _scope(summary: dict[str, Any], scope: str) -> dict[str, Any]:
    return summary["curated"] if scope == "curated" else summary["by_tag"][scope]


@pytest.mark.slow
@pytest.mark.parametrize(("scope", "metric"), GATES)
def test_metric_meets_threshold(summary: dict[str, Any], scope: str, metric: str) -> None:
    got, limit = _scope(summary, scope)[metric], THRESHOLDS[scope][metric]
    failures = "\n".join(f"{f['id']}: {f['why']}" for f in summary["failures"])
    ok = got <= limit if metric in AT_MOST else got >= limit
    assert ok, f"{scope} {metric}={got}\n{failures}"


@pytest.mark.slow
@pytest.mark.parametrize("scope", list(THRESHOLDS))
def test_no_personal_data_leaks(summary: dict[str, Any], scope: str) -> None:
    assert _scope(summary, scope)["pii_leaks"] <= THRESHOLDS[scope]["pii_leaks"]


def test_unknown_case_file_is_accepted(tmp_path: Path, bundled_assistant: Assistant) -> None:
    path = tmp_path / "nieuw.yaml"
    path.write_text(
        "- id: x1\n  question: Hoe vaak komt de stuurgroep zorg en veiligheid bijeen?\n"
        "  expect: answer\n  evidence: [Drie keer per jaar]\n  must_include: [[drie keer]]\n",
        encoding="utf-8",
    )
    result = evaluate(bundled_assistant, load_cases([path]), k=5)
    assert result["cases"] == 1 and result["hit_at_k"] == 1.0 and result["key_fact_coverage"] == 1.0
