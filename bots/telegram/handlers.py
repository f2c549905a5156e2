"""What the bot does with each command, message and button press."""

import asyncio
import contextlib
import hmac
import logging
import math
from collections.abc import AsyncIterator, Callable, Sequence
from html import escape

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from assistant.answer import Answer
from assistant.database import Database
from assistant.errors import FlowError, ViaError
from assistant.meldcode import Flow, NodeView, ask_in_step, parse_state, resolve_sources
from assistant.questions.understand import is_emergency
from assistant.ratelimit import RateLimiter, SQLStorage
from assistant.service import Assistant, check_question
from assistant.settings import Settings
from assistant.sources import summarize
from bots.telegram import render, texts

log = logging.getLogger("via.telegram")

Context = ContextTypes.DEFAULT_TYPE
CHANNEL = "telegram"


def session_of(chat_id: int) -> str:
    """The conversation id of a Telegram chat in the shared database."""
    return f"{CHANNEL}:{chat_id}"


def feedback_keyboard(answer_id: str) -> InlineKeyboardMarkup:
    """👍/👎 under an answer; callback data 'fb:up:<answer id>' stays far below 64 bytes."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍", callback_data=f"fb:up:{answer_id}"),
                InlineKeyboardButton("👎", callback_data=f"fb:down:{answer_id}"),
            ]
        ]
    )


def walk_keyboard(view: NodeView) -> InlineKeyboardMarkup:
    """One button per option ('mc:<node>:<option>'), then dossier (and restart at the end)."""
    rows = [
        [InlineKeyboardButton(o.label, callback_data=f"mc:{view.id}:{o.id}")] for o in view.options
    ]
    rows.append([InlineKeyboardButton(texts.DOSSIER_BUTTON, callback_data="mc:dossier")])
    if view.end:
        rows.append([InlineKeyboardButton(texts.RESTART_BUTTON, callback_data="mc:opnieuw")])
    return InlineKeyboardMarkup(rows)


class ViaBot:
    """The Telegram channel over the one Assistant, the shared database and the wegwijzer."""

    def __init__(
        self,
        settings: Settings,
        assistant: Callable[[], Assistant],
        database: Database,
        flow: Flow,
    ) -> None:
        self.settings = settings
        self.assistant = assistant
        self.database = database
        self.flow = flow
        self.limiter = RateLimiter(
            settings.rate_limit_per_minute, SQLStorage(engine=database.engine)
        )

    # access -------------------------------------------------------------------------------

    def allowed(self, user_id: int) -> bool:
        """On the allowlist, or joined earlier with the join code."""
        if user_id in self.settings.telegram_allowed_users:
            return True
        return bool(self.settings.telegram_join_code) and self.database.is_member(
            f"{CHANNEL}:{user_id}"
        )

    def join(self, user_id: int, code: str) -> bool:
        """Admit the user when code is the configured join code."""
        expected = self.settings.telegram_join_code
        if not expected or not hmac.compare_digest(code.encode(), expected.encode()):
            return False
        self.database.admit(f"{CHANNEL}:{user_id}")
        return True

    async def _admitted(self, update: Update) -> bool:
        """True for members; others get the polite refusal (once per message or button)."""
        user = update.effective_user
        if user is not None and await asyncio.to_thread(self.allowed, user.id):
            return True
        if update.callback_query is not None:
            await update.callback_query.answer(texts.NO_ACCESS, show_alert=True)
        elif update.effective_message is not None:
            await self._send(update.effective_message, [texts.NOT_ALLOWED])
        return False

    async def _within_rate(self, update: Update) -> bool:
        """Per-user rate limit; a Dutch wait message when exceeded."""
        user = update.effective_user
        wait = await asyncio.to_thread(self.limiter.check, f"{CHANNEL}:{user.id if user else 0}")
        if wait > 0 and update.effective_message is not None:
            seconds = math.ceil(wait)
            await self._send(update.effective_message, [texts.RATE_LIMITED.format(seconds=seconds)])
        return wait <= 0

    # sending ------------------------------------------------------------------------------

    async def _send(
        self,
        to: Message,
        parts: Sequence[str],
        markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """Send HTML parts in order into to's chat; the markup goes under the last part.

        In groups the first part replies to the message, so it is clear whose question it answers.
        """
        from_bot = to.from_user is not None and to.from_user.is_bot
        in_group = to.chat.type != ChatType.PRIVATE and not from_bot
        for n, part in enumerate(parts, start=1):
            await to.get_bot().send_message(
                to.chat_id,
                part,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=markup if n == len(parts) else None,
                reply_parameters=(
                    ReplyParameters(to.message_id, allow_sending_without_reply=True)
                    if in_group and n == 1
                    else None
                ),
            )

    @contextlib.asynccontextmanager
    async def _typing(self, message: Message) -> AsyncIterator[None]:
        """Show 'typing…' in the chat (renewed every 4 s) until the block ends."""
        done = asyncio.Event()

        async def keep_typing() -> None:
            while not done.is_set():
                with contextlib.suppress(TelegramError):  # a missed 'typing…' is harmless
                    await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), 4)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            done.set()
            await task  # a request in flight finishes first, so 'typing…' never follows the answer

    # commands -----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start [join code]: what the assistant is and is not; joins with a valid code."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if context.args and not await asyncio.to_thread(self.allowed, user.id):
            if not await self._within_rate(update):
                return
            if await asyncio.to_thread(self.join, user.id, context.args[0]):
                await self._send(message, [texts.WELCOME + texts.START])
                return
        if await self._admitted(update):
            await self._send(message, [texts.START])

    async def help(self, update: Update, _: Context) -> None:
        """/help: how to ask, the commands, 112 and Veilig Thuis."""
        if update.effective_message and await self._admitted(update):
            await self._send(update.effective_message, [texts.HELP])

    async def privacy(self, update: Update, _: Context) -> None:
        """/privacy: what is stored and for how long."""
        if update.effective_message and await self._admitted(update):
            minutes = self.settings.session_ttl_minutes
            await self._send(update.effective_message, [texts.PRIVACY.format(minutes=minutes)])

    async def forget(self, update: Update, _: Context) -> None:
        """/nieuw: forget this chat's history and walk."""
        message = update.effective_message
        if message and await self._admitted(update):
            await asyncio.to_thread(self.database.forget, session_of(message.chat_id))
            await self._send(message, [texts.FORGOTTEN])

    async def sources(self, update: Update, _: Context) -> None:
        """/bronnen: the indexed documents."""
        message = update.effective_message
        if message is None or not await self._admitted(update):
            return
        assistant = await asyncio.to_thread(self.assistant)
        documents = summarize(await asyncio.to_thread(lambda: assistant.retriever.metadatas))
        await self._send(message, render.sources_parts(documents))

    # the wegwijzer ------------------------------------------------------------------------

    async def meldcode(self, update: Update, _: Context) -> None:
        """/meldcode: start the wegwijzer at stap 1."""
        message = update.effective_message
        if message and await self._admitted(update):
            await self._show(message, self.flow.start())

    async def _show(self, message: Message, view: NodeView) -> None:
        """Keep the walk's state for this chat and send the screen with its buttons."""
        session = session_of(message.chat_id)
        await asyncio.to_thread(self.database.save_walk, session, view.state.model_dump_json())
        assistant = await asyncio.to_thread(self.assistant)
        passages = await asyncio.to_thread(resolve_sources, assistant, view.sources)
        await self._send(message, [render.node_html(view, passages)], walk_keyboard(view))

    def _walk(self, session: str) -> NodeView | None:
        """The conversation's current wegwijzer screen; None without a walk the flow accepts."""
        stored = self.database.walk(session)
        if stored is None:
            return None
        try:
            return self.flow.view(parse_state(stored))
        except FlowError:  # e.g. kept from before the flow file changed
            return None

    async def walk_button(self, update: Update, _: Context) -> None:
        """A wegwijzer button: choose an option, show the dossier, or start again."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        if not await self._admitted(update):
            return
        message = query.message
        current = await asyncio.to_thread(self._walk, session_of(message.chat_id))
        parts = (query.data or "").split(":")
        if parts == ["mc", "opnieuw"]:
            await query.answer()
            await self._show(message, self.flow.start())
        elif current is None:
            await query.answer(texts.NO_WALK, show_alert=True)
        elif parts == ["mc", "dossier"]:
            await query.answer()
            dossier = self.flow.dossier(current.state)
            await self._send(message, [f"<pre>{escape(dossier)}</pre>"])
        elif len(parts) == 3 and parts[1] == current.id:
            await query.answer()
            await query.edit_message_reply_markup(None)
            await self._show(message, self.flow.advance(current.state, parts[2]))
        else:
            await query.answer(texts.STALE_BUTTON, show_alert=True)

    # questions ----------------------------------------------------------------------------

    def _question(self, message: Message, bot_username: str, bot_id: int) -> str | None:
        """The question in a message; in groups only when the bot is mentioned or replied to."""
        text = message.text or ""
        if message.chat.type == ChatType.PRIVATE:
            return text
        mention = f"@{bot_username}".lower()
        mentioned = any(
            value.lower() == mention
            for value in message.parse_entities([MessageEntity.MENTION]).values()
        )
        replied = (
            message.reply_to_message is not None
            and message.reply_to_message.from_user is not None
            and message.reply_to_message.from_user.id == bot_id
        )
        if not (mentioned or replied):
            return None
        return text.replace(f"@{bot_username}", " ").strip()

    async def question(self, update: Update, context: Context) -> None:
        """Free text: answered from the sources with citations and 👍/👎 buttons."""
        message = update.effective_message
        if message is None:
            return
        text = self._question(message, context.bot.username, context.bot.id)
        if text is None or not await self._admitted(update):
            return
        if not await self._within_rate(update):
            return
        try:
            text = check_question(text, self.settings.max_question_chars)
        except ViaError as exc:
            await self._send(message, [escape(str(exc))])
            return
        acute = is_emergency(text)
        if acute:  # 112 and Veilig Thuis before anything else, even before retrieval
            await self._send(message, [texts.ACUTE])
        session = session_of(message.chat_id)
        async with self._typing(message):
            try:
                answer, answer_id = await asyncio.to_thread(self._answer, session, text)
            except ViaError as exc:
                await self._send(message, [escape(str(exc))])
                return
        parts = render.answer_parts(answer, acute_sent=acute)
        await self._send(message, parts, feedback_keyboard(answer_id))

    def _answer(self, session: str, question: str) -> tuple[Answer, str]:
        """Ask with this chat's history (during a walk also its current step); store the turn."""
        assistant = self.assistant()
        history = self.database.history(session)
        walk = self._walk(session)
        if walk is not None and not walk.end:
            answer = ask_in_step(assistant, walk, question, flow=self.flow, history=history)
        else:
            answer = assistant.ask(question, history)
        return answer, self.database.record_turn(session, question, answer, CHANNEL)

    async def feedback(self, update: Update, _: Context) -> None:
        """👍/👎 pressed: store it with the answer and remove the buttons."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        if not await self._admitted(update):
            return
        _prefix, rating, answer_id = (query.data or "fb::").split(":", 2)
        stored = await asyncio.to_thread(
            self.database.add_feedback,
            session_of(query.message.chat_id),
            answer_id,
            "up" if rating == "up" else "down",
            "",
            CHANNEL,
        )
        await query.answer(texts.FEEDBACK_THANKS if stored else texts.FEEDBACK_UNKNOWN)
        if stored:
            await query.edit_message_reply_markup(None)

    async def failed(self, update: object, context: Context) -> None:
        """The one error handler: exception to the log (no message text), apology to the user."""
        error = context.error
        log.error("update failed: %s", type(error).__name__, exc_info=error if error else None)
        if isinstance(update, Update) and update.effective_chat is not None:
            with contextlib.suppress(Exception):
                await context.bot.send_message(update.effective_chat.id, texts.APOLOGY)
