"""Ask questions in the real web chat (Debian's Chromium via Playwright) and write the answers.

Usage: python -m evals.webchat QUESTIONS_FILE OUT.md [--port 8765]. Starts `via serve` on the
configured index (VIA_DATA_DIR), asks each question in a fresh conversation, and writes each
answer as the web chat shows it, for a person to judge (docs/eval/webchat-30.md).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def _wait_ready(url: str, seconds: float = 180) -> None:
    """Block until the server says it is ready (index and model loaded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} was not ready within {seconds:.0f} s")


def ask_all(url: str, questions: list[str]) -> list[str]:
    """Each question asked in a fresh page; the answer box's text with its status."""
    shown: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        for n, question in enumerate(questions, start=1):
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
            page = context.new_page()
            page.goto(url)
            page.fill("#question", question)
            page.click("#send")
            page.wait_for_selector(".msg.answer[data-status]", timeout=60_000)
            box = page.locator(".msg.answer[data-status]").last
            text = box.inner_text().split("Was dit antwoord bruikbaar?")[0].strip()
            shown.append(f"## {n}. {question}  [{box.get_attribute('data-status')}]\n\n{text}\n")
            context.close()
        browser.close()
    return shown


def main() -> None:
    """Serve, ask, write."""
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    questions = [q.strip() for q in args.questions.read_text(encoding="utf-8").splitlines()]
    url = f"http://127.0.0.1:{args.port}"
    via = Path(sys.executable).with_name("via")
    server = subprocess.Popen([str(via), "serve", "--port", str(args.port)])
    try:
        _wait_ready(url)
        args.out.write_text("\n".join(ask_all(url, [q for q in questions if q])), encoding="utf-8")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
