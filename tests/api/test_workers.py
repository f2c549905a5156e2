"""`via serve --workers 2`: two processes share one SQLite file for history and feedback."""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.database import Database
from assistant.service import Assistant
from assistant.settings import Settings
from tests.conftest import free_port

pytestmark = pytest.mark.slow


def test_two_workers_share_history_and_feedback(
    bundled_settings: Settings, bundled_assistant: Assistant
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "VIA_DATA_DIR": str(bundled_settings.data_dir),
        "VIA_CORPUS_DIR": str(bundled_settings.corpus_dir),
        "VIA_RATE_LIMIT_PER_MINUTE": "10000",
    }
    via = str(Path(sys.executable).parent / "via")
    server = subprocess.Popen(
        [via, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "via serve did not become ready"
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)

        def ask(n: int) -> httpx.Response:
            body = {
                "question": f"Wat houdt stap {n % 5 + 1} van de meldcode in?",
                "session_id": f"werker-{n % 4}",
            }
            return httpx.post(f"{url}/v1/ask", json=body, timeout=120)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(40)))
        assert [r.status_code for r in answers] == [200] * 40
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        assert len(children.stdout.split()) >= 2  # two worker processes (and uvicorn's helper)
        for r in answers[:4]:
            rated = httpx.post(
                f"{url}/v1/feedback",
                json={
                    "session_id": r.json()["session_id"],
                    "answer_id": r.json()["answer_id"],
                    "rating": "up",
                },
                timeout=30,
            )
            assert rated.status_code == 200, rated.text
    finally:
        server.terminate()
        server.wait(timeout=60)
    db = Database.from_settings(bundled_settings.model_copy(update={"history_turns": 100}))
    assert sum(len(db.history(f"werker-{s}")) for s in range(4)) == 40
    assert len([f for f in db.export_feedback() if f["session_id"].startswith("werker-")]) == 4
