"""The web chat in a real headless Chromium (Debian package) driven by Playwright."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.api.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh page with the API key stored, as a user would after entering it once."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.goto(server.url)
    page.evaluate("sessionStorage.setItem('via-key', 'sleutel-een')")
    page.reload()
    yield page
    context.close()


def test_ask_read_source_and_rate(page: Page, server: Server) -> None:
    expect(page.locator(".danger").first).to_contain_text("Bel 112")
    page.fill(
        "#question", "Ik heb signalen gezien en met een collega overlegd, wat is de volgende stap?"
    )
    page.keyboard.press("Enter")
    answer = page.locator(".msg.answer[data-status='answered']")
    expect(answer).to_contain_text("stap 3", timeout=30_000)
    cite = answer.locator("button.cite").first
    expect(cite).to_have_text("[1]")
    cite.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#panel")
    expect(panel).to_be_visible()
    expect(page.locator("#panel-title")).not_to_be_empty()
    expect(panel.locator(".hit")).not_to_be_empty()
    expect(page.locator("#panel-meta")).to_contain_text("Soort")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(cite).to_be_focused()
    answer.get_by_role("button", name="Bruikbaar", exact=True).click()
    expect(answer.locator(".rate")).to_contain_text("Dank je")
    ratings = [f["rating"] for f in server.database.export_feedback()]
    assert "up" in ratings


def test_emergency_is_prominent_and_phone_width_fits(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server.url)
    page.evaluate("sessionStorage.setItem('via-key', 'sleutel-een')")
    page.reload()
    page.fill("#question", "Hij bedreigt haar nu met een mes, wat moet ik doen?")
    page.click("#send")
    emergency = page.locator(".msg.emergency")
    expect(emergency.locator(".lead")).to_contain_text("Bel direct 112", timeout=30_000)
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-chat-phone.png"), full_page=True)
    context.close()


def test_meldcode_wegwijzer_walks_inline(page: Page) -> None:
    page.click("#meldcode")
    first = page.locator(".msg.walk[data-node='stap1']")
    expect(first).to_contain_text("Stap 1", timeout=30_000)
    expect(first.locator(".danger")).to_contain_text("112")
    first.get_by_role("button", name="Signalen in kaart gebracht en vastgelegd").click()
    kindcheck = page.locator(".msg.walk[data-node='kindcheck']")
    expect(kindcheck).to_contain_text("kindcheck", timeout=30_000)
    kindcheck.locator(".sources button").first.click()
    expect(page.locator("#panel")).to_be_visible()
    expect(page.locator("#panel-title")).to_have_text("De kindcheck")
    page.keyboard.press("Escape")
    page.fill("#question", "Wat doe ik als er zorgen zijn over de kinderen?")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.answer[data-status='answered']")).to_be_visible(timeout=30_000)
    kindcheck.get_by_role("button", name="Samenvatting tot nu toe").click()
    expect(page.locator(".msg.dossier")).to_contain_text("Stap 1", timeout=30_000)
