"""The Telegram bot end to end: real PTB Application, real index, Bot API stand-in on loopback."""

import html
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from assistant.sentences import split
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.wegwijzer.flow import default_flow
from bots.telegram import texts
from bots.telegram.webhook import SECRET_HEADER
from evals.grounding import passage_numbers
from ingestion.pipeline import ingest
from tests.api.conftest import database, serve
from tests.bots.conftest import (
    JOIN_CODE,
    TOKEN,
    Bot,
    member,
    new_id,
    running_bot,
    telegram_settings,
)
from tests.bots.standin import BOT_USERNAME, BotApiStandIn
from tests.llm_standins import ChatStandIn, llm_assistant, running
from via.cli import main
from via.serve import build_app

pytestmark = pytest.mark.slow


def buttons(message: dict[str, Any]) -> list[str]:
    """Callback data of every inline button under a sent message."""
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


def replies(bot: Bot, chat: int, count: int = 1) -> list[dict[str, Any]]:
    """The first count messages the bot sent to chat (waiting for them, bounded)."""
    return bot.api.wait_for("sendMessage", chat, count)[:count]


def test_commands_are_registered_with_dutch_descriptions(bot: Bot) -> None:
    (call,) = bot.api.wait_for("setMyCommands")
    commands = {c["command"]: c["description"] for c in call["commands"]}
    assert {"start", "help", "meldcode", "bronnen", "nieuw", "privacy"} == set(commands)
    assert "meldcode" in commands["meldcode"].lower()
    assert "gesprek" in commands["nieuw"].lower()


def test_start_and_help_put_112_and_veilig_thuis_in_front_of_the_user(bot: Bot) -> None:
    chat = bot.send("/start", member())
    (start,) = replies(bot, chat)
    assert "112" in start["text"] and "0800-2000" in start["text"]
    assert "vervang" in start["text"] and start["parse_mode"] == "HTML"
    bot.send("/help", chat)
    help_text = replies(bot, chat, 2)[1]["text"]
    assert "/meldcode" in help_text and "112" in help_text


def test_a_question_gets_a_cited_answer_and_feedback_is_stored(bot: Bot) -> None:
    chat = bot.send(
        "Ik heb signalen gezien en met een collega overlegd. Wat is de volgende stap?", member()
    )
    (answer,) = replies(bot, chat)
    assert "refused" not in answer, answer["refused"]
    assert [c.method for c in bot.api.calls if c.params.get("chat_id") == chat] == [
        "sendChatAction",
        "sendMessage",
    ]
    assert bot.api.sent("sendChatAction", chat)[0]["action"] == "typing"
    assert "<b>Bronnen</b>" in answer["text"] and "[1]" in answer["text"]
    assert "reply_parameters" not in answer  # a private chat needs no reply quote
    assert "gesprek" in answer["text"].lower()  # stap 3: het gesprek met de betrokkene
    up, down = buttons(answer)
    assert up.startswith("fb:up:") and down.startswith("fb:down:")
    assert max(len(up.encode()), len(down.encode())) <= 64
    bot.press(up, chat)
    (ack,) = bot.api.wait_for(
        "answerCallbackQuery", where=lambda p: "feedback" in p.get("text", "")
    )
    assert ack["text"] == texts.FEEDBACK_THANKS
    assert bot.api.wait_for("editMessageReplyMarkup", chat)
    stored = [f for f in bot.database.export_feedback() if f["answer_id"] == up.split(":")[2]]
    assert [(f["rating"], f["channel"]) for f in stored] == [("up", "telegram")]
    assert "volgende stap" in stored[0]["question"]


def test_a_follow_up_uses_this_chats_history(bot: Bot) -> None:
    chat = bot.send("Wat houdt stap 2 van de meldcode in?", member())
    replies(bot, chat)
    bot.send("En de stap daarna?", chat)
    follow_up = replies(bot, chat, 2)[1]["text"]
    assert "Stap 3" in follow_up or "stap 3" in follow_up
    assert bot.database.history(f"telegram:{chat}") == [
        "Wat houdt stap 2 van de meldcode in?",
        "En de stap daarna?",
    ]


def test_danger_gets_112_and_veilig_thuis_first(bot: Bot) -> None:
    chat = bot.send(
        "Het kind is nu in acuut gevaar, de vader slaat haar. Wat moet ik doen?", member()
    )
    first, answer = replies(bot, chat, 2)
    assert first["text"].startswith("🚨") and "112" in first["text"]
    assert "0800-2000" in first["text"]
    assert not buttons(first) and buttons(answer)
    assert texts.ACUTE not in answer["text"]  # not repeated in the answer itself


def test_people_outside_the_allowlist_get_a_polite_refusal_and_nothing_else(bot: Bot) -> None:
    stranger = new_id()
    chat = bot.send("Wat is de meldcode?", stranger)
    (refusal,) = replies(bot, chat)
    assert refusal["text"] == texts.NOT_ALLOWED
    bot.send("/meldcode", stranger)
    replies(bot, chat, 2)
    assert all(m["text"] == texts.NOT_ALLOWED for m in bot.api.sent("sendMessage", chat))
    assert not bot.api.sent("sendChatAction", chat)
    assert bot.database.history(f"telegram:{chat}") == []


def test_the_join_code_admits_a_new_member(bot: Bot) -> None:
    newcomer = new_id()
    chat = bot.send("/start verkeerde-code", newcomer)
    bot.send(f"/start {JOIN_CODE}", newcomer)
    wrong, welcome = replies(bot, chat, 2)
    assert wrong["text"] == texts.NOT_ALLOWED
    assert welcome["text"].startswith("Welkom")
    bot.send("Wat is de kindcheck?", newcomer)
    answer = replies(bot, chat, 3)[2]
    assert "<b>Bronnen</b>" in answer["text"]
    assert bot.database.is_member(f"telegram:{newcomer}")


def test_in_a_group_the_bot_answers_only_when_mentioned(bot: Bot) -> None:
    group, me = -new_id(), member()
    bot.send("Wat is de kindcheck?", me, chat=group, group=True)
    bot.send(f"@{BOT_USERNAME} wat is de kindcheck?", me, chat=group, group=True)
    bot.send("En wie voert die uit?", me, chat=group, group=True, reply_to_bot=True)
    answer, follow_up = replies(bot, group, 2)
    assert "<b>Bronnen</b>" in answer["text"] and "<b>Bronnen</b>" in follow_up["text"]
    assert answer["reply_parameters"]["message_id"] != follow_up["reply_parameters"]["message_id"]
    assert bot.database.history(f"telegram:{group}") == [
        "wat is de kindcheck?",
        "En wie voert die uit?",
    ]


def test_the_meldcode_wegwijzer_walks_the_same_flow_as_every_channel(bot: Bot) -> None:
    flow = default_flow()
    chat = bot.send("/meldcode", member())
    (screen,) = replies(bot, chat)
    view = flow.start()
    assert view.title in screen["text"] and "112" in screen["text"]
    assert "<b>Bronnen</b>" in screen["text"] and view.sources[0].section in screen["text"]
    for n in range(1, 4):  # always the first option, as the API test walks it
        choice = buttons(screen)[0]
        assert choice == f"mc:{view.id}:{view.options[0].id}"
        bot.press(choice, chat)
        screen = replies(bot, chat, n + 1)[n]
        view = flow.advance(view.state, view.options[0].id)
        assert f"{view.step} · {view.title}" in html.unescape(screen["text"])
    assert len(bot.api.wait_for("editMessageReplyMarkup", chat, 3)) >= 3
    bot.press(f"mc:stap1:{flow.start().options[0].id}", chat)  # a button of an earlier screen
    stale = bot.api.wait_for(
        "answerCallbackQuery", where=lambda p: p.get("text") == texts.STALE_BUTTON
    )
    assert stale[0]["show_alert"] is True
    bot.press("mc:dossier", chat)
    dossier = replies(bot, chat, 5)[4]["text"]
    assert dossier.startswith("<pre>") and "stap 1" in dossier.lower()
    assert flow.dossier(view.state).splitlines()[2].split("  ")[1] in html.unescape(dossier)


def test_a_question_during_the_walk_gets_the_step_as_context(
    bot: Bot, bundled_assistant: Assistant
) -> None:
    flow = default_flow()
    chat = bot.send("/meldcode", member())
    view = flow.start()
    for n, choice in enumerate(["verder", "zorgen", "collega"], start=1):
        replies(bot, chat, n)
        bot.press(f"mc:{view.id}:{choice}", chat)
        view = flow.advance(view.state, choice)
    assert "Stap 3" in replies(bot, chat, 4)[3]["text"]
    bot.send("wat nu?", chat)  # on its own not a question about violence; in stap 3 it is
    answer = html.unescape(replies(bot, chat, 5)[4]["text"])
    assert "Stap 3 van de meldcode" in answer and "Bronnen" in answer
    assert bundled_assistant.ask("wat nu?").status == "refused"


def test_nieuw_forgets_the_chat_and_privacy_says_how_long_it_is_kept(bot: Bot) -> None:
    chat = bot.send("Wat is de kindcheck?", member())
    replies(bot, chat)
    assert bot.database.history(f"telegram:{chat}")
    bot.send("/nieuw", chat)
    assert replies(bot, chat, 2)[1]["text"] == texts.FORGOTTEN
    assert bot.database.history(f"telegram:{chat}") == []
    bot.send("/privacy", chat)
    privacy = replies(bot, chat, 3)[2]["text"]
    assert f"{bot.settings.session_ttl_minutes} minuten" in privacy


def test_bronnen_lists_the_indexed_documents(bot: Bot, bundled_assistant: Assistant) -> None:
    chat = bot.send("/bronnen", member())
    listed = "\n".join(m["text"] for m in bot.api.wait_for("sendMessage", chat))
    titles = {d["title"] for d in bundled_assistant.catalog.documents()}
    assert titles and all(t in html.unescape(listed) for t in titles)


def test_an_error_gets_a_dutch_apology_and_the_log_no_message_text(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # every logger, PTB's and httpx's included
    bot.api.fail_next["sendMessage"] = 1
    chat = bot.send("Vertrouwelijk: wat doe ik bij signalen bij buurjongen Pietje?", member())
    apology = bot.api.wait_for("sendMessage", chat, 2)[1]
    assert apology["text"] == texts.APOLOGY
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "update failed: BadRequest" in logged
    assert "Pietje" not in logged and "Vertrouwelijk" not in logged
    assert TOKEN not in logged


def test_too_many_questions_are_refused_per_user(
    own_api: BotApiStandIn, bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    settings = telegram_settings(bundled_settings, own_api, rate_limit_per_minute=2)
    with running_bot(own_api, settings, bundled_assistant, tmp_path) as bot:
        me = member()
        for _ in range(3):
            bot.send("Wat is de kindcheck?", me)
        sent = [m["text"] for m in own_api.wait_for("sendMessage", me, 3)]
    assert sum("Bronnen" in t for t in sent) == 2
    assert sum(t.startswith("Je stelt veel vragen") for t in sent) == 1


def test_a_long_answer_arrives_in_parts_with_the_citations_and_buttons_last(
    own_api: BotApiStandIn, bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> None:
    paragraphs: list[str] = []

    def long_reply(messages: list[dict[str, Any]]) -> str:
        """Twelve long paragraphs, each repeating the first sentence of passage [1]."""
        body = passage_numbers(str(messages[-1]["content"]))[1].split("\n", 1)[1]
        paragraphs[:] = [" ".join([f"{split(body)[0]} [1]"] * 20) for _ in range(12)]
        return "\n\n".join(paragraphs)

    with running(ChatStandIn("openai", replies=[long_reply])) as model:  # the hosted model
        assistant = llm_assistant(bundled_assistant, model)
        settings = telegram_settings(bundled_settings, own_api)
        with running_bot(own_api, settings, assistant, tmp_path) as bot:
            me = member()
            bot.send("Wat houdt stap 1 van de meldcode in?", me)
            own_api.wait_for("sendMessage", me, where=lambda m: bool(m.get("reply_markup")))
    parts = own_api.sent("sendMessage", me)
    assert len(parts) >= 2 and all("refused" not in p for p in parts)
    first = paragraphs[0][:30]
    assert all(len(p["text"]) <= 4096 and p["text"].startswith(first) for p in parts)
    assert ["<b>Bronnen</b>" in p["text"] for p in parts] == [False] * (len(parts) - 1) + [True]
    assert [bool(buttons(p)) for p in parts] == [False] * (len(parts) - 1) + [True]
    shown = "\n\n".join(html.unescape(p["text"]) for p in parts)
    assert all(p.strip() in shown for p in paragraphs)


@pytest.fixture
def odd_title_assistant(tmp_path: Path, embeddings: Any) -> Assistant:
    """An index with one document whose title and text contain '<' and '&'."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "zorg.md").write_text(
        "# Zorg & Veiligheid <Oss>\n\n## Meldcode & kindcheck\n\n"
        "Bij signalen van kindermishandeling doorloopt de professional de vijf stappen van de "
        "meldcode; de kindcheck geldt als een ouder <18 jaar> zorg nodig heeft & kinderen heeft.\n"
    )
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)  # type: ignore[call-arg]
    assert not ingest(settings, embeddings=embeddings).failed
    assistant = Assistant.from_settings(settings, embeddings)
    return assistant


def test_sources_with_lt_and_amp_are_escaped(
    own_api: BotApiStandIn, odd_title_assistant: Assistant, tmp_path: Path
) -> None:
    settings = telegram_settings(odd_title_assistant.settings, own_api)
    with running_bot(own_api, settings, odd_title_assistant, tmp_path) as bot:
        me = member()
        bot.send("Wanneer geldt de kindcheck bij de meldcode?", me)
        bot.send("/bronnen", me)
        answer, sources = own_api.wait_for("sendMessage", me, 2)
    assert "refused" not in answer and "refused" not in sources
    assert "Zorg &amp; Veiligheid &lt;Oss&gt;" in answer["text"]
    assert "Zorg &amp; Veiligheid &lt;Oss&gt;" in sources["text"]


@pytest.fixture
def webhook_app(
    own_api: BotApiStandIn, bundled_settings: Settings, bundled_assistant: Assistant, tmp_path: Path
) -> Iterator[str]:
    """The API app with the webhook route, served by uvicorn."""
    settings = telegram_settings(bundled_settings, own_api, telegram_webhook_secret="s" * 32)
    app = build_app(settings, bundled_assistant, database(tmp_path))
    yield from serve(app)


def test_the_webhook_rejects_a_wrong_secret_and_answers_with_the_right_one(
    own_api: BotApiStandIn, webhook_app: str
) -> None:
    api = own_api
    assert api.wait_for("setMyCommands")
    chat = new_id()
    update = {
        "update_id": new_id(),
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": 1001, "is_bot": False, "first_name": "Prof"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"{webhook_app}/telegram/webhook"
    for headers in ({}, {SECRET_HEADER: "x" * 32}):
        refused = httpx.post(url, json=update, headers=headers, timeout=30)
        assert refused.status_code == 403 and "geheim" in refused.json()["detail"]
    assert not api.sent("sendMessage", chat)
    accepted = httpx.post(url, json=update, headers={SECRET_HEADER: "s" * 32}, timeout=30)
    assert accepted.status_code == 200
    (reply,) = api.wait_for("sendMessage", chat)
    assert "112" in reply["text"]
    bad = httpx.post(url, content=b"{", headers={SECRET_HEADER: "s" * 32}, timeout=30)
    assert bad.status_code == 400 and bad.json()["detail"]
    assert "/telegram/webhook" not in httpx.get(f"{webhook_app}/openapi.json").text


def test_via_telegram_explains_a_missing_or_invalid_token(
    own_api: BotApiStandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("VIA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VIA_TELEGRAM_TOKEN", raising=False)
    missing = CliRunner().invoke(main, ["telegram"])
    assert missing.exit_code == 2 and "VIA_TELEGRAM_TOKEN ontbreekt" in missing.output
    monkeypatch.setenv("VIA_TELEGRAM_TOKEN", TOKEN)
    closed = CliRunner().invoke(main, ["telegram"])
    assert closed.exit_code == 2 and "VIA_TELEGRAM_ALLOWED_USERS" in closed.output
    monkeypatch.setenv("VIA_TELEGRAM_WEBHOOK_SECRET", "s" * 32)
    webhook = CliRunner().invoke(main, ["serve"])  # refuses before it listens
    assert webhook.exit_code == 2 and "VIA_TELEGRAM_ALLOWED_USERS" in webhook.output
    monkeypatch.delenv("VIA_TELEGRAM_WEBHOOK_SECRET")
    monkeypatch.setenv("VIA_TELEGRAM_ALLOWED_USERS", "[1001]")
    monkeypatch.setenv("VIA_TELEGRAM_BASE_URL", own_api.base_url)
    monkeypatch.setenv("VIA_TELEGRAM_TOKEN", "1:verkeerd")
    invalid = CliRunner().invoke(main, ["telegram"])
    assert invalid.exit_code == 2 and "ongeldig" in invalid.output
