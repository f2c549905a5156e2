"""Incremental ingestion against a real Chroma in tmp dirs with the real model."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.errors import IndexMismatchError
from assistant.retrieval.embeddings import (
    BundledEmbeddings,
    IndexEmbeddings,
    SentenceTransformerEmbeddings,
)
from assistant.retrieval.store import chroma_client, open_store
from assistant.settings import Settings
from ingestion.pipeline import ingest

MELDCODE = "# Meldcode\n\n## Stap 1\n\nIn stap 1 brengt de professional signalen in kaart.\n"
HUISVERBOD = "# Huisverbod\n\n## Duur\n\nEen huisverbod duurt in beginsel tien dagen.\n"


def _texts(settings: Settings, embeddings: IndexEmbeddings) -> list[str]:
    return sorted(open_store(settings, embeddings).get()["documents"])


def test_reingest_unchanged_embeds_nothing(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    first = ingest(settings, embeddings=embeddings)
    assert first.added == ["meldcode.md"] and first.chunks == 1
    before = type(embeddings).embedded  # type: ignore[attr-defined]
    second = ingest(settings, embeddings=embeddings)
    assert second.unchanged == ["meldcode.md"]
    assert type(embeddings).embedded == before  # type: ignore[attr-defined]


def test_changed_document_replaces_its_chunks_only(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    (corpus / "huisverbod.md").write_text(HUISVERBOD, encoding="utf-8")
    ingest(settings, embeddings=embeddings)
    (corpus / "huisverbod.md").write_text(HUISVERBOD.replace("tien", "tien (10)"), encoding="utf-8")
    before = type(embeddings).embedded  # type: ignore[attr-defined]
    report = ingest(settings, embeddings=embeddings)
    assert report.updated == ["huisverbod.md"] and report.unchanged == ["meldcode.md"]
    # the changed passage and its one changed sentence; nothing of meldcode.md
    assert type(embeddings).embedded - before == 2  # type: ignore[attr-defined]
    assert report.sentences == 1
    texts = _texts(settings, embeddings)
    assert any("tien (10) dagen" in t for t in texts)
    assert not any("duurt in beginsel tien dagen" in t for t in texts)


def test_removed_document_disappears(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    (corpus / "huisverbod.md").write_text(HUISVERBOD, encoding="utf-8")
    ingest(settings, embeddings=embeddings)
    (corpus / "huisverbod.md").unlink()
    report = ingest(settings, embeddings=embeddings)
    assert report.deleted == ["huisverbod.md"]
    assert not any("huisverbod" in t.lower() for t in _texts(settings, embeddings))


def test_bad_files_are_reported_and_the_rest_ingested(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.4 broken")
    (corpus / "leeg.txt").write_bytes(b"")
    (corpus / "sheet.xlsx").write_bytes(b"PK")
    report = ingest(settings, embeddings=embeddings)
    assert report.added == ["meldcode.md"]
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {"kapot.pdf", "leeg.txt", "sheet.xlsx"}
    assert "beschadigd" in reasons["kapot.pdf"] and "leeg" in reasons["leeg.txt"]


def test_broken_update_keeps_the_old_version(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    ingest(settings, embeddings=embeddings)
    (corpus / "meldcode.md").write_bytes(b"\xff\xfe\x00")
    report = ingest(settings, embeddings=embeddings)
    assert report.failed and not report.deleted
    assert any("stap 1" in t for t in _texts(settings, embeddings))


def test_manifest_metadata_and_fallback(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    (corpus / "los.md").write_text(
        "# Losse notitie\n\nTekst over de kindcheck.\n", encoding="utf-8"
    )
    (corpus / "manifest.yaml").write_text(
        "documents:\n  meldcode.md:\n    title: Meldcode samengevat\n    level: landelijk\n"
        "    kind: samenvatting\n    url: https://example.org/meldcode\n    date: '2026-01-01'\n",
        encoding="utf-8",
    )
    ingest(settings, embeddings=embeddings)
    metas = {m["doc_id"]: m for m in open_store(settings, embeddings).get()["metadatas"]}
    assert metas["meldcode"]["title"] == "Meldcode samengevat"
    assert metas["meldcode"]["kind"] == "samenvatting"
    assert metas["meldcode"]["section"] == "Stap 1"
    assert metas["los"]["title"] == "Losse notitie"


def test_other_model_is_refused_with_a_hint(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    ingest(settings, embeddings=embeddings)
    with pytest.raises(IndexMismatchError, match="via ingest"):
        open_store(settings, SentenceTransformerEmbeddings())


def test_ingest_rebuilds_an_index_of_the_old_model(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings
) -> None:
    (corpus / "meldcode.md").write_text(MELDCODE, encoding="utf-8")
    minilm = SentenceTransformerEmbeddings()
    ingest(settings, embeddings=minilm)
    # indexes of earlier versions recorded only the model name
    collection = chroma_client(settings).get_collection(settings.collection)
    collection.modify(metadata={"embedding_model": "all-MiniLM-L6-v2", "generation": "x"})
    report = ingest(settings, embeddings=embeddings)
    assert report.rebuilt is not None and "all-MiniLM-L6-v2" in report.rebuilt
    assert report.added == ["meldcode.md"] and not report.unchanged
    store = open_store(settings, embeddings)
    vectors = store.get(include=["embeddings"])["embeddings"]
    assert len(vectors) == report.chunks and len(vectors[0]) == embeddings.dimension
    again = ingest(settings, embeddings=embeddings)
    assert again.rebuilt is None and again.unchanged == ["meldcode.md"]


@pytest.mark.slow
def test_kill_mid_ingest_then_rerun_matches_clean_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        body = "\n\n".join(
            f"Alinea {j} van document {i} over de meldcode en Veilig Thuis." for j in range(30)
        )
        (corpus / f"doc{i:02d}.md").write_text(
            f"# Document {i}\n\n## Deel\n\n{body}\n", encoding="utf-8"
        )
    env = {**os.environ, "VIA_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1"}
    via = [sys.executable, "-m", "via.cli", "ingest", "--json"]
    killed_env = {**env, "VIA_DATA_DIR": str(tmp_path / "killed")}
    proc = subprocess.Popen(
        via, env=killed_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    records = tmp_path / "killed" / "records.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not records.exists() or records.stat().st_size < 20000):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert records.exists(), "ingest did not start in time"
    rerun = subprocess.run(via, env=killed_env, capture_output=True, text=True, check=True)
    assert '"failed": []' in rerun.stdout
    subprocess.run(
        via, env={**env, "VIA_DATA_DIR": str(tmp_path / "clean")}, check=True, capture_output=True
    )

    def chunk_set(name: str) -> set[str]:
        s = Settings(data_dir=tmp_path / name, corpus_dir=corpus, _env_file=None)  # type: ignore[call-arg]
        got = open_store(s, BundledEmbeddings()).get()
        return set(zip(got["ids"], got["documents"], strict=True))

    assert chunk_set("killed") == chunk_set("clean")
