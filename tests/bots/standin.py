"""A Telegram Bot API stand-in on loopback: the methods the bot uses, every call recorded.

It checks what Telegram checks for us: the token, the HTML of parse_mode=HTML messages (only
Telegram's tags, entities escaped) and the 4,096-character limit on the text after parsing.
"""

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 4242
BOT_USERNAME = "via_test_bot"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "ViA-assistent",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote",
}  # fmt: skip
_BARE_LT = re.compile(r"<(?!/?[a-z-]+[\s>/])")
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
RAW_FIELDS = {"text", "callback_query_id", "parse_mode", "action", "secret_token", "url"}


class _TelegramHtml(HTMLParser):
    """Collects the visible text and the first problem Telegram's HTML parser would report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.problem = ""
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problem = self.problem or f'Unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problem = self.problem or f'Unmatched end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_problem(text: str) -> str:
    """Why Telegram would refuse this HTML message ('' when it would accept it)."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.problem or parser.open:
        return f"Bad Request: can't parse entities: {parser.problem or 'unclosed tag'}"
    if _BARE_LT.search(text) or _BARE_AMP.search(text):
        return "Bad Request: can't parse entities: unescaped '<' or '&'"
    if len("".join(parser.text)) > 4096:
        return "Bad Request: message is too long"
    return ""


class _Server(ThreadingHTTPServer):
    """Quiet about clients that hang up (PTB cancels a long poll when it stops)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Call:
    """One Bot API request: method name and decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass
class BotApiStandIn:
    """The HTTP server; push updates in, read calls out."""

    token: str
    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, int] = field(default_factory=dict)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_update: int = 1
    _next_message: int = 100
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _server: _Server | None = None

    @property
    def base_url(self) -> str:
        """What PTB's base_url gets (it appends the token and the method)."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def start(self) -> None:
        """Serve on a free loopback port in a daemon thread."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                status, payload = standin.handle(self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                return

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # what tests use -----------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for the next getUpdates."""
        with self._cond:
            self._updates.append({"update_id": self._next_update, **update})
            self._next_update += 1
            self._cond.notify_all()

    def sent(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of every recorded call of a method (to one chat when given)."""
        with self._cond:
            return [
                c.params
                for c in self.calls
                if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def wait_for(
        self,
        method: str,
        chat_id: int | None = None,
        count: int = 1,
        where: Callable[[dict[str, Any]], bool] = lambda _: True,
        timeout: float = 60.0,
    ) -> list[dict[str, Any]]:
        """Block (bounded) until count matching calls were made; return all matching calls."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [p for p in self.sent(method, chat_id) if where(p)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"no {count}× {method} within {timeout} s; seen {seen}")
                self._cond.wait(left)

    # what PTB calls -----------------------------------------------------------------------

    def handle(self, path: str, body: str) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request like Telegram would."""
        prefix, _, method = path.rpartition("/")
        if prefix != f"/bot{self.token}":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params = {k: v if k in RAW_FIELDS else _decode(v) for k, v in parse_qsl(body)}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._updates_after(params)}
        with self._cond:
            self.calls.append(Call(method, params))
            self._cond.notify_all()
            if self.fail_next.get(method, 0) > 0:
                self.fail_next[method] -= 1
                return 400, {"ok": False, "error_code": 400, "description": "Bad Request: test"}
        if method == "sendMessage":
            return self._send_message(params)
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in {
            "sendChatAction", "answerCallbackQuery", "editMessageReplyMarkup", "setMyCommands",
            "setWebhook", "deleteWebhook",
        }:  # fmt: skip
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _updates_after(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Updates from offset on, waiting at most a second (long polling, bounded)."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self._updates)

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = str(params.get("text", ""))
        problem = html_problem(text) if params.get("parse_mode") == "HTML" else ""
        if not problem and len(text) > 4096:
            problem = "Bad Request: message is too long"
        if problem:
            params["refused"] = problem
            return 400, {"ok": False, "error_code": 400, "description": problem}
        with self._cond:
            self._next_message += 1
            message_id = self._next_message
        chat = {"id": params["chat_id"], "type": "private"}
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": text,
        }
        return 200, {"ok": True, "result": message}


def _decode(value: str) -> Any:
    """PTB sends every non-string parameter JSON-encoded."""
    try:
        return json.loads(value)
    except ValueError:
        return value
