"""Ingest benchmark (bundled e5 model): full ingest vs bare embedding of the same chunks, and an
unchanged re-run.

Usage: .venv/bin/python benchmarks/ingest.py [--corpus corpus]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.retrieval.embeddings import BundledEmbeddings
from assistant.retrieval.store import open_store
from assistant.settings import Settings
from assistant.units import sentences_of, strip_heading
from ingestion.pipeline import ingest


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
    embeddings = BundledEmbeddings()
    embeddings.embed_documents(["opwarmen"])  # load the model outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", corpus_dir=args.corpus, _env_file=None)
        started = time.perf_counter()
        report = ingest(settings, embeddings=embeddings)
        full = time.perf_counter() - started
        store = open_store(settings, embeddings)
        texts = store.get()["documents"]
        started = time.perf_counter()
        embeddings.embed_documents(texts)
        bare = time.perf_counter() - started
        sentences = sorted(
            {
                s
                for text, meta in zip(texts, store.get()["metadatas"], strict=True)
                for s in sentences_of(strip_heading(text, str(meta.get("heading", ""))))
            }
        )
        started = time.perf_counter()
        embeddings.embed_documents(sentences)
        bare_sentences = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest(settings, embeddings=embeddings)
        rerun = time.perf_counter() - started
        assert again.as_dict()["added"] == 0 and again.as_dict()["updated"] == 0
        via = shutil.which("via") or str(Path(sys.executable).parent / "via")
        env_cmd = [via, "ingest", "--json"]
        started = time.perf_counter()
        subprocess.run(
            env_cmd,
            check=True,
            capture_output=True,
            env={
                "VIA_DATA_DIR": str(settings.data_dir),
                "VIA_CORPUS_DIR": str(args.corpus),
                "PATH": "/usr/bin:/bin",
                "HF_HUB_OFFLINE": "1",
            },
        )
        rerun_cli = time.perf_counter() - started
    print(f"| measure | value |\n|---|---|\n| chunks | {report.chunks} |")
    print(f"| (a) full ingest, in process | {full:.2f} s |")
    print(f"| (b) bare model, same chunks | {bare:.2f} s |")
    print(
        f"| (b') bare model, the {len(sentences)} answer sentences too | {bare_sentences:.2f} s |"
    )
    print(f"| (c) ratio a/b, passages only | {full / bare:.3f} |")
    same_work = full / (bare + bare_sentences)
    print(f"| (c') ratio a/(b+b'), the same embedding work (goal ≤ 1.15) | {same_work:.3f} |")
    print(f"| (d) re-ingest unchanged, in process (goal ≤ 2 s) | {rerun:.2f} s |")
    print(f"| (d') re-ingest unchanged, `via ingest` fresh process | {rerun_cli:.2f} s |")


if __name__ == "__main__":
    main()
