"""Runs eval cases through Assistant.ask and aggregates the metrics; `via eval` calls run_cli."""

import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from assistant.errors import ViaError
from assistant.formatting import plain
from assistant.retrieval.hybrid import Mode
from assistant.service import Assistant
from assistant.settings import Settings
from evals import metrics
from evals.cases import Case, load_cases
from evals.tables import COLUMNS, table


@dataclass
class CaseResult:
    """Metrics of one case."""

    id: str
    tags: list[str]
    expect: str
    status: str
    has_evidence: bool
    hit_at_1: float = 0.0
    hit_at_3: float = 0.0
    hit_at_k: float = 0.0
    rr: float = 0.0
    ndcg: float = 0.0
    key_facts: float = 1.0
    status_ok: bool = True
    citations_valid: int = 0
    citations: int = 0
    supported: int = 0
    latency_ms: float = 0.0
    words: int = 0
    has_list: bool = False
    first_sentence: bool = False
    redundant: int = 0
    dropped: int = 0
    fallback: str = ""
    leaks: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


def run_case(assistant: Assistant, case: Case, k: int, mode: Mode) -> CaseResult:
    """Ask one case's question and score the answer."""
    started = time.perf_counter()
    answer = assistant.ask(case.question, case.history, mode=mode)
    latency = (time.perf_counter() - started) * 1000
    result = CaseResult(case.id, case.tags, case.expect, answer.status, bool(case.evidence))
    result.latency_ms = latency
    result.dropped, result.fallback = len(answer.dropped), answer.fallback
    result.status_ok = metrics.status_ok(case, answer)
    if not result.status_ok:
        result.why.append(f"status {answer.status}, verwacht {case.expect}")
    if case.evidence:
        ranks = metrics.relevant_ranks(case, answer, k)
        result.hit_at_1, result.hit_at_3 = metrics.hit_at(ranks, 1), metrics.hit_at(ranks, 3)
        result.hit_at_k, result.rr = metrics.hit_at(ranks, k), metrics.reciprocal_rank(ranks)
        result.ndcg = metrics.ndcg(ranks, k)
        if not ranks:
            result.why.append("geen bewijspassage in de top-k")
        result.supported, _ = metrics.citation_support(case, answer)
    if case.expect != "refuse":
        result.key_facts = metrics.key_fact_coverage(case, answer)
        missing = [i[0] for i in case.must_include if not metrics.contains_any(plain(answer), i)]
        if missing:
            result.why.append(f"ontbreekt: {', '.join(missing)}")
    if answer.status == "answered":
        result.words, result.has_list = metrics.answer_words(answer), metrics.has_list(answer)
        result.first_sentence = metrics.first_sentence_answers(case, answer)
        result.redundant = metrics.redundant_pairs(answer, assistant.sentence_vector)
        if result.redundant:
            result.why.append(f"{result.redundant} zinnen zeggen hetzelfde")
    result.citations_valid, result.citations = metrics.citation_validity(answer)
    result.leaks = metrics.pii_leaks(case, answer)
    if result.leaks:
        result.why.append(f"persoonsgegevens in antwoord: {', '.join(result.leaks)}")
    return result


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def _median(values: list[int]) -> float:
    return float(statistics.median(values)) if values else 0.0


def summarize(results: list[CaseResult]) -> dict[str, Any]:
    """Aggregate metrics; retrieval metrics over cases with evidence."""
    with_evidence = [r for r in results if r.has_evidence]
    answered = [r for r in results if r.status == "answered"]
    answers = [r for r in results if r.expect != "refuse"]
    cited = sum(r.citations for r in results)
    cited_evidence = sum(r.citations for r in with_evidence)
    latencies = [r.latency_ms for r in results]
    return {
        "cases": len(results),
        "hit_at_1": _mean([r.hit_at_1 for r in with_evidence]),
        "hit_at_3": _mean([r.hit_at_3 for r in with_evidence]),
        "hit_at_k": _mean([r.hit_at_k for r in with_evidence]),
        "mrr": _mean([r.rr for r in with_evidence]),
        "ndcg_at_k": _mean([r.ndcg for r in with_evidence]),
        "key_fact_coverage": _mean([r.key_facts for r in answers]),
        "status_accuracy": _mean([float(r.status_ok) for r in results]),
        "citation_validity": round(sum(r.citations_valid for r in results) / cited, 4)
        if cited
        else 1.0,
        "citation_support": round(sum(r.supported for r in with_evidence) / cited_evidence, 4)
        if cited_evidence
        else 1.0,
        "pii_leaks": sum(len(r.leaks) for r in results),
        "answer_words_median": _median([r.words for r in answered if not r.has_list]),
        "redundancy": sum(r.redundant for r in answered),
        "first_sentence_answers": _mean(
            [float(r.first_sentence) for r in answered if r.expect == "answer"]
        ),
        "latency_ms": {
            "p50": round(metrics.percentile(latencies, 50), 1),
            "p95": round(metrics.percentile(latencies, 95), 1),
        },
    }


def grounding(results: list[CaseResult]) -> dict[str, Any]:
    """llm mode: how often the grounding check held sentences back, and why answers fell back."""
    reasons = sorted({r.fallback for r in results if r.fallback})
    return {
        "dropped_sentences": sum(r.dropped for r in results),
        "answers_with_drops": sum(r.dropped > 0 for r in results),
        "fallbacks": {why: sum(r.fallback == why for r in results) for why in reasons},
    }


def by_tag(results: list[CaseResult]) -> dict[str, dict[str, Any]]:
    """Per-tag breakdown of the main metrics."""
    tags = sorted({t for r in results for t in r.tags})
    return {t: summarize([r for r in results if t in r.tags]) for t in tags}


def evaluate(
    assistant: Assistant, cases: list[Case], k: int, mode: Mode = "hybrid"
) -> dict[str, Any]:
    """Run all cases; the summary plus failures, per-case detail and per-tag breakdown."""
    if assistant.catalog.size == 0:
        raise ViaError("De index is leeg: voer eerst `via ingest` uit.")
    assistant.warm(mode)  # load the model outside the latencies
    results = [run_case(assistant, case, k, mode) for case in cases]
    summary = summarize(results)
    summary["failures"] = [{"id": r.id, "why": "; ".join(r.why)} for r in results if r.why]
    summary["by_tag"] = by_tag(results)
    summary["curated"] = summarize([r for r in results if "realistic" not in r.tags])
    summary["per_case"] = [asdict(r) for r in results]
    if assistant.chat_model is not None:
        summary["grounding"] = grounding(results)
    return summary


GATED_TAGS = ("realistic",)

VARIANTS: dict[str, tuple[Mode, dict[str, Any]]] = {  # mode and settings overrides
    "lexical": ("lexical", {}),
    "dense": ("dense", {}),
    "hybrid": ("hybrid", {}),
    "hybrid-rrf": ("hybrid", {"fusion": "rrf"}),
    "hybrid-zonder-samenstellingen": ("hybrid", {"compound_split": False}),
}


def ablate(assistant: Assistant, cases: list[Case], k: int) -> dict[str, dict[str, Any]]:
    """The same cases under each retrieval variant."""
    out = {}
    for name, (mode, overrides) in VARIANTS.items():
        settings = assistant.settings.model_copy(update=overrides)
        variant = Assistant.from_settings(settings) if overrides else assistant
        out[name] = evaluate(variant, cases, k, mode)
    return out


def run_cli(
    settings: Settings, qa: list[Path], *, k: int, as_json: bool, report: Path | None, ablate_: bool
) -> int:
    """Entry point of `via eval`."""
    cases = load_cases(qa)
    assistant = Assistant.from_settings(
        settings.model_copy(update={"top_k": max(k, settings.top_k)})
    )
    variants = ablate(assistant, cases, k) if ablate_ else {"hybrid": evaluate(assistant, cases, k)}
    main = variants["hybrid"]
    scopes = {
        "alle casussen": main,
        "curated": main["curated"],
        **{t: main["by_tag"][t] for t in GATED_TAGS if t in main["by_tag"]},
    }
    if as_json:
        payload = {key: v for key, v in main.items() if key != "per_case"}
        if ablate_:
            payload["variants"] = {
                n: {c: s[c] for c in [*COLUMNS, "latency_ms"]} for n, s in variants.items()
            }
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(table(variants if ablate_ else scopes))
        for failure in main["failures"]:
            click.echo(f"  {failure['id']}: {failure['why']}")
        if "grounding" in main:
            g = main["grounding"]
            click.echo(
                f"Taalmodel: {g['dropped_sentences']} zinnen tegengehouden in "
                f"{g['answers_with_drops']} antwoorden; terugval: {g['fallbacks'] or 'geen'}"
            )
    if report is not None:
        from evals.report import write_report

        path = write_report(report, variants, k)
        if not as_json:
            click.echo(f"Rapport: {path}")
    return 0
