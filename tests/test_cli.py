"""The `via` CLI through click's CliRunner: JSON shapes, exit codes, Dutch errors."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.settings import Settings
from via.cli import main


@pytest.fixture
def env(settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("VIA_CORPUS_DIR", str(corpus))
    (corpus / "afweging.md").write_text(
        "# Afwegingskader\n\n## Afweging 1\n\nIn afweging 1 vraagt de professional zich af of er "
        "nog een vermoeden van huiselijk geweld is.\n",
        encoding="utf-8",
    )
    return corpus


def test_ingest_json_and_failure_exit(env: Path) -> None:
    (env / "kapot.pdf").write_bytes(b"%PDF broken")
    result = CliRunner().invoke(main, ["ingest", "--json"])
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "added",
        "updated",
        "unchanged",
        "deleted",
        "chunks",
        "sentences",
        "rebuilt",
        "failed",
    }
    assert payload["added"] == 1 and payload["chunks"] == 1
    assert payload["failed"][0]["path"].endswith("kapot.pdf")
    assert result.exit_code == 1


def test_sources_and_ask_json(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--json"]).exit_code == 0
    sources = json.loads(runner.invoke(main, ["sources", "--json"]).stdout)
    assert sources["documents"][0]["doc_id"] == "afweging"
    assert sources["documents"][0]["chunks"] == 1
    result = runner.invoke(
        main, ["ask", "--json", "Wat vraagt de professional zich af in afweging 1?"]
    )
    payload = json.loads(result.stdout)
    assert set(payload) == {"status", "answer", "citations", "passages"}
    assert payload["status"] == "answered"
    assert set(payload["passages"][0]) == {"text", "doc_id", "title", "section", "page", "score"}


def test_ask_without_index_says_what_to_do(env: Path) -> None:
    result = CliRunner().invoke(main, ["ask", "Wat is afweging 1?"])
    assert result.exit_code == 2
    assert "via ingest" in result.stderr


def test_chat_session(env: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["ingest"])
    result = runner.invoke(
        main, ["chat"], input="Wat vraagt de professional zich af in afweging 1?\nstop\n"
    )
    assert "Bel 112" in result.stdout
    assert "[1] Afwegingskader" in result.stdout


def test_index_of_the_old_model_refuses_to_answer_until_ingest_rebuilds_it(
    env: Path, settings: Settings
) -> None:
    from assistant.retrieval.embeddings import SentenceTransformerEmbeddings
    from ingestion.pipeline import ingest

    ingest(settings, embeddings=SentenceTransformerEmbeddings())  # as an earlier version did
    runner = CliRunner()
    refused = runner.invoke(main, ["ask", "Wat vraagt de professional zich af in afweging 1?"])
    assert refused.exit_code == 2 and "via ingest" in refused.stderr
    rebuilt = runner.invoke(main, ["ingest", "--json"])
    assert "all-MiniLM-L6-v2" in rebuilt.stderr and "opnieuw opgebouwd" in rebuilt.stderr
    assert json.loads(rebuilt.stdout)["rebuilt"] is not None
    answer = runner.invoke(
        main, ["ask", "--json", "Wat vraagt de professional zich af in afweging 1?"]
    )
    assert answer.exit_code == 0 and json.loads(answer.stdout)["status"] == "answered"
