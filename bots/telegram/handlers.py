"""What the bot does with each command, message and button press; the services do the work."""

import asyncio
import contextlib
import logging
from html import escape

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from assistant.answer import Alert
from assistant.conversation import Conversations, Turn
from assistant.errors import QuestionError, ViaError
from assistant.settings import Settings
from assistant.wegwijzer.spec import NodeView
from bots.telegram import render, texts
from bots.telegram.access import CHANNEL, Access
from bots.telegram.sending import feedback_keyboard, send, typing, walk_keyboard

log = logging.getLogger("via.telegram")

Context = ContextTypes.DEFAULT_TYPE


def session_of(chat_id: int) -> str:
    """The conversation id of a Telegram chat in the shared database."""
    return f"{CHANNEL}:{chat_id}"


def question_in(message: Message, bot_username: str, bot_id: int) -> str | None:
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


class ViaBot:
    """The Telegram channel over the conversation service, behind the access rules."""

    def __init__(self, settings: Settings, conversations: Conversations, access: Access) -> None:
        self.settings = settings
        self.conversations = conversations
        self.access = access

    # commands -----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start [join code]: what the assistant is and is not; joins with a valid code."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if context.args and not await asyncio.to_thread(self.access.allowed, user.id):
            if not await self.access.within_rate(update):
                return
            if await asyncio.to_thread(self.access.join, user.id, context.args[0]):
                await send(message, [texts.WELCOME + texts.START])
                return
        if await self.access.admitted(update):
            await send(message, [texts.START])

    async def help(self, update: Update, _: Context) -> None:
        """/help: how to ask, the commands, 112 and Veilig Thuis."""
        if update.effective_message and await self.access.admitted(update):
            await send(update.effective_message, [texts.HELP])

    async def privacy(self, update: Update, _: Context) -> None:
        """/privacy: what is stored and for how long."""
        if update.effective_message and await self.access.admitted(update):
            minutes = self.settings.session_ttl_minutes
            await send(update.effective_message, [texts.PRIVACY.format(minutes=minutes)])

    async def forget(self, update: Update, _: Context) -> None:
        """/nieuw: forget this chat's history and walk."""
        message = update.effective_message
        if message and await self.access.admitted(update):
            await asyncio.to_thread(self.conversations.forget, session_of(message.chat_id))
            await send(message, [texts.FORGOTTEN])

    async def sources(self, update: Update, _: Context) -> None:
        """/bronnen: the indexed documents."""
        message = update.effective_message
        if message is None or not await self.access.admitted(update):
            return
        documents = await asyncio.to_thread(lambda: self.conversations.catalog.documents())
        await send(message, render.sources_parts(documents))

    # the wegwijzer ------------------------------------------------------------------------

    async def meldcode(self, update: Update, _: Context) -> None:
        """/meldcode: start the wegwijzer at stap 1."""
        message = update.effective_message
        if message and await self.access.admitted(update):
            session = session_of(message.chat_id)
            await self._show(
                message, await asyncio.to_thread(self.conversations.start_walk, session)
            )

    async def _show(self, message: Message, view: NodeView) -> None:
        """Send a wegwijzer screen with its cited passages and its buttons."""
        passages = await asyncio.to_thread(self.conversations.step_passages, view)
        await send(message, [render.node_html(view, passages)], walk_keyboard(view))

    async def walk_button(self, update: Update, _: Context) -> None:
        """A wegwijzer button: choose an option, show the dossier, or start again."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        if not await self.access.admitted(update):
            return
        message, conversations = query.message, self.conversations
        session = session_of(message.chat_id)
        current = await asyncio.to_thread(conversations.current_walk, session)
        parts = (query.data or "").split(":")
        if parts == ["mc", "opnieuw"]:
            await query.answer()
            await self._show(message, await asyncio.to_thread(conversations.start_walk, session))
        elif current is None:
            await query.answer(texts.NO_WALK, show_alert=True)
        elif parts == ["mc", "dossier"]:
            await query.answer()
            dossier = conversations.flow.dossier(current.state)
            await send(message, [f"<pre>{escape(dossier)}</pre>"])
        elif len(parts) == 3 and parts[1] == current.id:
            await query.answer()
            await query.edit_message_reply_markup(None)
            view = await asyncio.to_thread(conversations.choose, session, current.state, parts[2])
            await self._show(message, view)
        else:
            await query.answer(texts.STALE_BUTTON, show_alert=True)

    # questions ----------------------------------------------------------------------------

    async def question(self, update: Update, context: Context) -> None:
        """Free text: answered from the sources with citations and 👍/👎 buttons.

        A message that shows danger gets 112 and Veilig Thuis before the answer is looked up.
        """
        message = update.effective_message
        if message is None:
            return
        text = question_in(message, context.bot.username, context.bot.id)
        if text is None or not await self.access.admitted(update):
            return
        if not await self.access.within_rate(update):
            return
        alerted = False
        items = self.conversations.astream(session_of(message.chat_id), text, channel=CHANNEL)
        try:
            async with typing(message):
                async for item in items:
                    if isinstance(item, Alert):
                        await send(message, [texts.ACUTE])
                        alerted = True
                    elif isinstance(item, Turn):
                        parts = render.answer_parts(item.answer, acute_sent=alerted)
                        await send(message, parts, feedback_keyboard(item.answer_id))
        except ViaError as exc:  # the service is unreachable: still point to 112 / Veilig Thuis
            banner = "" if alerted or isinstance(exc, QuestionError) else f"\n\n{texts.ACUTE}"
            await send(message, [escape(str(exc)) + banner])

    async def feedback(self, update: Update, _: Context) -> None:
        """👍/👎 pressed: store it with the answer and remove the buttons."""
        query = update.callback_query
        if query is None or not isinstance(query.message, Message):
            return
        if not await self.access.admitted(update):
            return
        _prefix, rating, answer_id = (query.data or "fb::").split(":", 2)
        stored = await asyncio.to_thread(
            self.conversations.feedback,
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
