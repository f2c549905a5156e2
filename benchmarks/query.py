"""Query benchmark: ask() p50/p95 (extractive) against the bare floor, on the bundled corpus and
on a synthetic index of N chunks (default 100,000).

The floor is what any hybrid query must do at least: embed the question, one Chroma query, one
BM25 scoring pass. Usage: .venv/bin/python benchmarks/query.py [--synthetic 100000]
"""

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant import sentences
from assistant.retrieval.embeddings import BundledEmbeddings, IndexEmbeddings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.store import add_embedded, bump_generation, open_store
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.units import LIST_LINE
from ingestion.pipeline import ingest

QUESTIONS = [
    "Wat is de volgende stap na overleg met een collega?",
    "nummer veilig thuis?",
    "hoe lang mag hij niet thuis komen",
    "Een leerling heeft blauwe plekken en schrikt van mij. Wat moet ik doen?",
    "Hoe lang duurt een huisverbod?",
    "Wat is de ambitie van Oss voor 2030?",
    "Wie stuurt het programma ViA aan?",
    "Wanneer moet ik melden bij Veilig Thuis?",
    "Wat doet een aandachtsfunctionaris?",
    "Welke fasen kent de visie gefaseerd samenwerken aan veiligheid?",
    "Wat is de kindcheck?",
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def measure(settings: Settings, rounds: int) -> dict[str, float]:
    """p50/p95 of ask() and of the bare floor (the same retriever's parts) over one question set."""
    retriever = HybridRetriever.from_settings(settings)
    assistant = Assistant(settings, retriever)
    store, lexical = retriever.store, retriever.lexical
    embeddings = store.embeddings
    assert embeddings is not None
    assistant.warm()  # as `via serve` does at startup
    asks, floors = [], []
    for _ in range(rounds):
        for q in QUESTIONS:
            started = time.perf_counter()
            vector = embeddings.embed_query(q)
            store.similarity_search_by_vector_with_relevance_scores(vector, k=20)
            np.argsort(-lexical.scores(q))[:20]
            floors.append((time.perf_counter() - started) * 1000)
            retriever.forget_queries()  # every ask embeds its question, as the floor does
            started = time.perf_counter()
            assistant.ask(q)
            asks.append((time.perf_counter() - started) * 1000)
    ask50, ask95 = _percentiles(asks)
    floor50, floor95 = _percentiles(floors)
    return {"ask_p50": ask50, "ask_p95": ask95, "floor_p50": floor50, "floor_p95": floor95}


def corpus_sentences() -> list[str]:
    """The sentences of the bundled corpus, the material of the synthetic chunks."""
    found: list[str] = []
    for path in sorted(Path("corpus").rglob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#") and not LIST_LINE.match(line):
                found += [s for s in sentences.split(line) if len(s.split()) >= 5]
    return found


def synthetic(settings: Settings, embeddings: IndexEmbeddings, n: int) -> None:
    """Fill a collection with n chunks of five corpus sentences each, drawn at random, with
    random unit vectors (no model time)."""
    store = open_store(settings, embeddings, create=True)
    material = corpus_sentences()
    rng = random.Random(7)
    batch = 5000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        texts = [" ".join(rng.sample(material, 5)) for _ in range(size)]
        vectors = np.random.default_rng(start).normal(size=(size, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        add_embedded(
            store,
            [f"s{start + i}" for i in range(size)],
            texts,
            vectors,
            [
                {
                    "doc_id": f"synthetisch-{(start + i) // 50}",
                    "title": "Synthetisch",
                    "section": "",
                }
                for i in range(size)
            ],
        )
    bump_generation(store, f"synthetic-{n}")


def main() -> None:
    """Run both scenarios and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    embeddings = BundledEmbeddings()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bundled = Settings(data_dir=Path(tmp) / "b", corpus_dir=Path("corpus"), _env_file=None)
        ingest(bundled, embeddings=embeddings)
        rows.append(("bundled corpus", measure(bundled, args.rounds), 0.0))
        big = Settings(data_dir=Path(tmp) / "s", corpus_dir=Path(tmp) / "none", _env_file=None)
        started = time.perf_counter()
        synthetic(big, embeddings, args.synthetic)
        fill = time.perf_counter() - started
        before = _rss_mb()
        started = time.perf_counter()
        HybridRetriever.from_settings(big).refresh(force=True)
        build = time.perf_counter() - started
        lexical_mb = _rss_mb() - before
        rows.append((f"synthetic {args.synthetic:,} chunks", measure(big, args.rounds), build))
    print(
        f"synthetic fill: {fill:.1f} s; lexical index build: {build:.1f} s; "
        f"peak RSS growth while building it: {lexical_mb:.0f} MB; peak RSS: {_rss_mb():.0f} MB"
    )
    print("| index | ask p50 | ask p95 | floor p50 | floor p95 | p50 ratio |")
    print("|---|---|---|---|---|---|")
    for name, m, _ in rows:
        print(
            f"| {name} | {m['ask_p50']:.1f} ms | {m['ask_p95']:.1f} ms | {m['floor_p50']:.1f} ms "
            f"| {m['floor_p95']:.1f} ms | {m['ask_p50'] / m['floor_p50']:.2f} |"
        )


if __name__ == "__main__":
    main()
