"""The metrics table shared by the terminal summary and the Markdown report."""

from typing import Any

COLUMNS = [
    "hit_at_1",
    "hit_at_3",
    "hit_at_k",
    "mrr",
    "ndcg_at_k",
    "key_fact_coverage",
    "status_accuracy",
    "citation_validity",
    "citation_support",
    "pii_leaks",
    "answer_words_median",
    "redundancy",
    "first_sentence_answers",
]


def table(rows: dict[str, dict[str, Any]]) -> str:
    """A Markdown table of the main metrics per row."""
    head = "| variant | " + " | ".join(COLUMNS) + " | p50 ms |"
    sep = "|---" * (len(COLUMNS) + 2) + "|"
    lines = [head, sep]
    for name, s in rows.items():
        values = " | ".join(str(s[c]) for c in COLUMNS)
        lines.append(f"| {name} | {values} | {s['latency_ms']['p50']} |")
    return "\n".join(lines)
