"""`via serve --workers 2`: two processes share one SQLite file for history, feedback and limits."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database
from tests.conftest import free_port

pytestmark = pytest.mark.slow


@contextmanager
def two_workers(settings: Settings, **env: str) -> Iterator[str]:
    """`via serve --workers 2` over settings' index and env; yields its URL once it is ready."""
    port = free_port()
    environment = {
        **os.environ,
        "VIA_DATA_DIR": str(settings.data_dir),
        "VIA_CORPUS_DIR": str(settings.corpus_dir),
        **env,
    }
    via = str(Path(sys.executable).parent / "via")
    server = subprocess.Popen(
        [via, "serve", "--port", str(port), "--workers", "2"],
        env=environment,
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
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
        assert len(children.stdout.split()) >= 2  # two worker processes (and uvicorn's helper)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_two_workers_share_history_and_feedback(
    bundled_settings: Settings, bundled_assistant: Assistant
) -> None:
    with two_workers(bundled_settings, VIA_RATE_LIMIT_PER_MINUTE="10000") as url:

        def ask(n: int) -> httpx.Response:
            body = {
                "question": f"Wat houdt stap {n % 5 + 1} van de meldcode in?",
                "session_id": f"werker-{n % 4}",
            }
            return httpx.post(f"{url}/v1/ask", json=body, timeout=120)

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(40)))
        assert [r.status_code for r in answers] == [200] * 40
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
    db = Database.from_settings(bundled_settings.model_copy(update={"history_turns": 100}))
    assert sum(len(db.history(f"werker-{s}")) for s in range(4)) == 40
    assert len([f for f in db.export_feedback() if f["session_id"].startswith("werker-")]) == 4


def _asks_seen_by_one_worker(url: str) -> tuple[int, int]:
    """(answered, refused) POST /v1/ask of whichever worker answers this /metrics request."""
    text = httpx.get(f"{url}/metrics", timeout=30).text
    counts = dict.fromkeys(("200", "429"), 0)
    for code, value in re.findall(
        r'via_http_requests_total\{code="(\d+)",method="POST",route="/v1/ask"\} ([\d.]+)', text
    ):
        counts[code] = int(float(value))
    return counts["200"], counts["429"]


def test_two_workers_honour_one_rate_limit_together(
    bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'via.sqlite'}"
    with two_workers(
        bundled_settings, VIA_RATE_LIMIT_PER_MINUTE="10", VIA_DATABASE_URL=database
    ) as url:

        def ask(_: int) -> httpx.Response:
            question = {"question": "Hoe lang duurt een huisverbod?"}
            return httpx.post(f"{url}/v1/ask", json=question, timeout=120)  # a new connection

        with ThreadPoolExecutor(6) as pool:
            replies = list(pool.map(ask, range(30)))
        seen = {_asks_seen_by_one_worker(url) for _ in range(40)}
    assert sorted(r.status_code for r in replies) == [200] * 10 + [429] * 20
    for refused in (r for r in replies if r.status_code == 429):
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["detail"].startswith("Te veel vragen in korte tijd.")
    # proof that the count is shared: a worker that refused while it had answered fewer than
    # 10 itself (with a limit per process, each worker would answer up to 10: 20 in all)
    assert any(answered < 10 and refused > 0 for answered, refused in seen), seen
