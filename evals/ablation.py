"""Retrieval ablation over models, chunk sizes and fusion: `python -m evals.ablation OUT.md`.

Builds one index per (model, chunk size) from the bundled corpus in a temporary folder, runs the
eval cases under each variant and writes a Markdown table for all cases and for `realistic`.
"""

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.retrieval.hybrid import Mode
from assistant.service import Assistant
from assistant.settings import Settings
from evals.cases import CASES_DIR, load_cases
from evals.runner import evaluate
from ingestion.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
_COLUMNS = ["hit_at_1", "hit_at_k", "mrr", "key_fact_coverage", "status_accuracy"]

# name → (index settings, retrieval mode, retrieval settings over that index)
Variant = tuple[dict[str, Any], Mode, dict[str, Any]]
MINILM = {"embedding_backend": "sentence-transformers", "chunk_size": 240}
E5 = {"embedding_backend": "bundled"}
VARIANTS: dict[str, Variant] = {
    "lexical (BM25, Dutch stemming)": (E5, "lexical", {}),
    "dense-MiniLM": (MINILM, "dense", {}),
    "dense-e5": (E5, "dense", {}),
    "old hybrid (MiniLM, 0.95/0.05, 240 tokens)": (
        MINILM,
        "hybrid",
        {"lexical_weight": 0.95, "dense_weight": 0.05, "relevance_feedback": 0.0},
    ),
    "e5 hybrid 0.3/0.7": (E5, "hybrid", {"lexical_weight": 0.3, "dense_weight": 0.7}),
    "e5 hybrid 0.4/0.6": (E5, "hybrid", {"lexical_weight": 0.4, "dense_weight": 0.6}),
    "e5 hybrid 0.6/0.4": (E5, "hybrid", {"lexical_weight": 0.6, "dense_weight": 0.4}),
    "e5 hybrid 0.7/0.3": (E5, "hybrid", {"lexical_weight": 0.7, "dense_weight": 0.3}),
    "e5 hybrid RRF 0.5/0.5": (E5, "hybrid", {"fusion": "rrf"}),
    "e5 hybrid, 200 tokens": ({**E5, "chunk_size": 200}, "hybrid", {}),
    "e5 hybrid, 400 tokens": ({**E5, "chunk_size": 400}, "hybrid", {}),
    "e5 hybrid without feedback": (E5, "hybrid", {"relevance_feedback": 0.0}),
    "e5 hybrid, feedback 0.1": (E5, "hybrid", {"relevance_feedback": 0.1}),
    "e5 hybrid, feedback 0.3": (E5, "hybrid", {"relevance_feedback": 0.3}),
    "new hybrid (default: e5, 0.5/0.5, 300 tokens, feedback 0.2)": (E5, "hybrid", {}),
}


def _row(name: str, scope: dict[str, Any]) -> str:
    return f"| {name} | " + " | ".join(f"{scope[c]:.3f}" for c in _COLUMNS) + " |"


def run(out: Path) -> None:
    """Evaluate every variant and write the tables to out."""
    cases = load_cases([CASES_DIR])
    assistants: dict[str, Assistant] = {}
    rows_all, rows_real, notes = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (index, mode, overrides) in VARIANTS.items():
            key = repr(sorted(index.items()))
            if key not in assistants:
                settings = Settings(
                    data_dir=Path(tmp) / f"index{len(assistants)}",
                    corpus_dir=ROOT / "corpus",
                    _env_file=None,
                    **index,
                )
                started = time.perf_counter()
                report = ingest(settings)
                notes.append(
                    f"- index {dict(index)}: {report.chunks} passages, "
                    f"ingest {time.perf_counter() - started:.0f} s"
                )
                assistants[key] = Assistant.from_settings(settings)
            base = assistants[key]
            variant = Assistant.from_settings(base.settings.model_copy(update=overrides))
            summary = evaluate(variant, cases, 5, mode)
            rows_all.append(_row(name, summary))
            rows_real.append(_row(name, summary["by_tag"]["realistic"]))
            print(rows_all[-1], rows_real[-1], sep="\n", flush=True)
    head = "| variant | " + " | ".join(_COLUMNS) + " |\n|---" + "|---" * len(_COLUMNS) + "|"
    out.write_text(
        "# Retrieval ablation\n\n"
        f"`python -m evals.ablation {out}` on the bundled corpus, {len(cases)} cases "
        f"({sum('realistic' in c.tags for c in cases)} tagged `realistic`), k = 5.\n\n"
        f"## All cases\n\n{head}\n" + "\n".join(rows_all) + "\n\n"
        f"## `realistic` only\n\n{head}\n" + "\n".join(rows_real) + "\n\n"
        "## Indexes\n\n" + "\n".join(notes) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "eval" / "ablation.md")
