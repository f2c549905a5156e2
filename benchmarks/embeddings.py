"""Embedding throughput of both offline models on the bundled corpus' own chunks.

Usage: .venv/bin/python benchmarks/embeddings.py
"""

import statistics
import tempfile
import time
from pathlib import Path

from assistant.retrieval.embeddings import (
    BundledEmbeddings,
    IndexEmbeddings,
    SentenceTransformerEmbeddings,
)
from assistant.settings import Settings
from ingestion.manifest import read_manifest
from ingestion.pipeline import _discover, _source_key, document_chunks

QUESTIONS = [
    "nummer veilig thuis?",
    "hoe lang mag hij niet thuis komen",
    "wat doet een aandachtsfunctionaris",
]


def chunks(settings: Settings, embeddings: IndexEmbeddings) -> list[str]:
    """The texts the ingest would embed for the bundled corpus with this model's budget."""
    manifest = read_manifest(settings.corpus_dir)
    texts: list[str] = []
    for path in _discover([settings.corpus_dir]):
        source = _source_key(path, settings.corpus_dir)
        texts += [
            c.page_content
            for c in document_chunks(path, source, manifest.get(source), embeddings, settings)
        ]
    return texts


def main() -> None:
    """Print a Markdown table: passages/s, tokens/s and query latency per model."""
    print("| model | chunks | tokens | passages/s | tokens/s | query p50 |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=Path("corpus"), _env_file=None)
        models: list[IndexEmbeddings] = [BundledEmbeddings(), SentenceTransformerEmbeddings()]
        for model in models:
            texts = chunks(settings, model)
            tokens = sum(model.count_tokens(t) for t in texts)
            model.embed_documents(["opwarmen"])
            started = time.perf_counter()
            model.embed_documents(texts)
            seconds = time.perf_counter() - started
            latencies = []
            for _ in range(10):
                for q in QUESTIONS:
                    begun = time.perf_counter()
                    model.embed_query(q)
                    latencies.append((time.perf_counter() - begun) * 1000)
            print(
                f"| {model.model_name} | {len(texts)} | {tokens:,} | {len(texts) / seconds:.1f} "
                f"| {tokens / seconds:,.0f} | {statistics.median(latencies):.1f} ms |"
            )


if __name__ == "__main__":
    main()
