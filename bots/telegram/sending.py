"""Sending to a chat: HTML parts in order, 'typing…' while answering, the inline keyboards."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError

from assistant.wegwijzer.spec import NodeView
from bots.telegram import texts


async def send(
    to: Message, parts: Sequence[str], markup: InlineKeyboardMarkup | None = None
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
async def typing(message: Message) -> AsyncIterator[None]:
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
