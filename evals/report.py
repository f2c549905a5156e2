"""Markdown report with PNG charts for `via eval --report DIR`."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from evals.tables import table

_CHART_METRICS = ["hit_at_1", "hit_at_k", "mrr", "key_fact_coverage", "status_accuracy"]


def _variant_chart(variants: dict[str, dict[str, Any]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(11, 4))
    width = 0.8 / len(variants)
    for i, (name, summary) in enumerate(variants.items()):
        xs = [j + i * width for j in range(len(_CHART_METRICS))]
        ax.bar(xs, [summary[m] for m in _CHART_METRICS], width, label=name)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(_CHART_METRICS))], _CHART_METRICS)
    ax.set_ylim(0, 1.05)
    ax.set_title("Metriek per retrievalvariant")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _tag_chart(summary: dict[str, Any], k: int, path: Path) -> None:
    tags = {t: s for t, s in summary["by_tag"].items() if s["hit_at_k"] or s["key_fact_coverage"]}
    fig, ax = plt.subplots(figsize=(9, max(3, 0.28 * len(tags))))
    names = list(tags)
    ax.barh(names, [tags[t]["hit_at_k"] for t in names], label=f"hit@{k}")
    ax.barh(names, [tags[t]["status_accuracy"] for t in names], alpha=0.4, label="status")
    ax.set_xlim(0, 1.05)
    ax.set_title(f"hit@{k} en statusnauwkeurigheid per tag")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(folder: Path, variants: dict[str, dict[str, Any]], k: int) -> Path:
    """Write report.md plus two charts into folder; return the report path."""
    folder.mkdir(parents=True, exist_ok=True)
    main = variants["hybrid"]
    _variant_chart(variants, folder / "variants.png")
    _tag_chart(main, k, folder / "tags.png")
    tag_rows = {t: s for t, s in main["by_tag"].items()}
    realistic = {
        n: v["by_tag"]["realistic"] for n, v in variants.items() if "realistic" in v["by_tag"]
    }
    failures = "\n".join(f"- `{f['id']}`: {f['why']}" for f in main["failures"]) or "- geen"
    text = (
        f"# Evaluatierapport ViA-assistent\n\n{main['cases']} casussen, k = {k}.\n\n"
        f"## Retrievalvarianten\n\n{table(variants)}\n\n![varianten](variants.png)\n\n"
        f"## Retrievalvarianten, alleen `realistic`\n\n{table(realistic)}\n\n"
        f"## Per tag (hybride)\n\n{table(tag_rows)}\n\n![tags](tags.png)\n\n"
        f"## Mislukte casussen (hybride)\n\n{failures}\n"
    )
    path = folder / "report.md"
    path.write_text(text, encoding="utf-8")
    return path
