"""Rate limits, CORS, the start-up guard and the 503 paths (index, Chroma, database)."""

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from assistant.api.app import create_app
from assistant.api.serving import check_bind
from assistant.errors import ViaError
from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.service import Assistant
from assistant.settings import Settings
from ingestion.pipeline import ingest
from tests.api.conftest import database, serve
from tests.conftest import ChromaProcess, on_chroma_server, write_huisverbod
from via.cli import main

QUESTION = {"question": "Hoe lang duurt een huisverbod?"}


def test_rate_limit_answers_429_with_retry_after(
    bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    settings = bundled_settings.model_copy(update={"rate_limit_per_minute": 2})
    app = create_app(settings, bundled_assistant, database(tmp_path))
    for url in serve(app):
        codes = [httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60) for _ in range(3)]
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert int(codes[2].headers["retry-after"]) >= 1
        assert "Te veel vragen" in codes[2].json()["detail"]
        # loopback without keys: the API is open, the export is not
        assert httpx.get(f"{url}/v1/feedback/export").status_code == 403


def test_cors_is_closed_unless_configured(
    bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    preflight = {
        "Origin": "https://intranet.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    closed = create_app(bundled_settings, bundled_assistant, database(tmp_path))
    for url in serve(closed):
        res = httpx.options(f"{url}/v1/ask", headers=preflight)
        assert "access-control-allow-origin" not in res.headers
    settings = bundled_settings.model_copy(update={"cors_origins": ["https://intranet.example"]})
    opened = create_app(settings, bundled_assistant, database(tmp_path))
    for url in serve(opened):
        res = httpx.options(f"{url}/v1/ask", headers=preflight)
        assert res.headers["access-control-allow-origin"] == "https://intranet.example"


def test_server_refuses_to_listen_off_loopback_without_keys(settings: Settings) -> None:
    with pytest.raises(ViaError, match="VIA_API_KEYS"):
        check_bind("0.0.0.0", settings)
    check_bind("127.0.0.1", settings)
    check_bind("::1", settings)
    check_bind("0.0.0.0", settings.model_copy(update={"api_keys": ["k"]}))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "VIA_API_KEYS" in result.stderr


@pytest.mark.slow
def test_missing_index_is_503_until_ingested(
    settings: Settings, corpus: Path, embeddings: IndexEmbeddings, tmp_path: Path
) -> None:
    app = create_app(settings, None, database(tmp_path))
    for url in serve(app):
        res = httpx.post(f"{url}/v1/ask", json=QUESTION)
        assert res.status_code == 503
        assert res.json()["detail"] == "Index nog niet opgebouwd: voer `via ingest` uit."
        ready = httpx.get(f"{url}/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["index"] is False
        assert httpx.get(f"{url}/healthz").status_code == 200
        write_huisverbod(corpus)
        ingest(settings, embeddings=embeddings)
        res = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60)
        assert res.status_code == 200 and "tien dagen" in res.json()["answer"]
        assert httpx.get(f"{url}/readyz").json()["ready"] is True


@pytest.mark.slow
@pytest.mark.chroma_server
def test_chroma_down_is_503_and_recovers(
    tmp_path: Path,
    corpus: Path,
    settings: Settings,
    chroma_server: ChromaProcess,
    embeddings: IndexEmbeddings,
) -> None:
    settings = on_chroma_server(settings, chroma_server.port)
    write_huisverbod(corpus)
    ingest(settings, embeddings=embeddings)
    app = create_app(settings, None, database(tmp_path))
    for url in serve(app):
        assert httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60).status_code == 200
        chroma_server.stop()
        down = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60)
        assert down.status_code == 503 and "Chroma" in down.json()["detail"]
        assert httpx.get(f"{url}/readyz").status_code == 503
        chroma_server.start()
        back = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60)
        assert back.status_code == 200 and "tien dagen" in back.json()["answer"]


def test_a_broken_database_is_503_with_a_reason_and_the_server_keeps_serving(
    bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    db = database(tmp_path)
    app = create_app(bundled_settings, bundled_assistant, db)
    for url in serve(app):
        with db.engine.begin() as conn:  # e.g. a maintainer's mistake on the shared database
            conn.exec_driver_sql("DROP TABLE via_turns")
        broken = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=60)
        assert broken.status_code == 503
        assert "Database voor gesprekken" in broken.json()["detail"]
        assert "Traceback" not in broken.text
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
