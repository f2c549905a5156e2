"""The conversation service every channel calls: turns, history, feedback, the wegwijzer walk."""

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.answer import Alert, Answer, Passage
from assistant.catalog import Catalog
from assistant.errors import FlowError
from assistant.retrieval.hybrid import Filters
from assistant.service import Assistant
from assistant.storage import Database, Rating
from assistant.wegwijzer.flow import Flow, default_flow
from assistant.wegwijzer.spec import NodeView, WalkState, parse_state


@dataclass(frozen=True)
class Turn:
    """An answered question as recorded: the answer with its id and its conversation."""

    session_id: str
    answer_id: str
    answer: Answer


@dataclass(frozen=True)
class _Context:
    """What a question is read with: earlier questions, the previous answer, the walk's step."""

    history: list[str]
    previous: str
    step: list[Passage]


class Conversations:
    """Questions in a conversation: history in, turn recorded, walk state kept where asked."""

    def __init__(
        self,
        assistant: Callable[[], Assistant],
        database: Database,
        flow: Flow | None = None,
    ) -> None:
        self._assistant = assistant
        self.database = database
        self.flow = flow or default_flow()

    @property
    def catalog(self) -> Catalog:
        """The indexed sources (builds the Assistant on first use)."""
        return self._assistant().catalog

    def _context(
        self,
        session_id: str,
        history: Sequence[str] | None,
        walk: WalkState | None,
        previous: str = "",
    ) -> _Context:
        """The conversation's history and previous answer and, during a walk, the current step.

        The step's context is the last history entry (so 'wat nu?' is read as a question about
        the step) and its passages answer when retrieval finds none that does.
        """
        view = self.flow.view(walk) if walk is not None else None
        if history is None:  # the stored conversation; else the caller's (OpenAI messages)
            history = self.database.history(session_id)
            previous = self.database.last_answer(session_id) if history else ""
            view = view or self.current_walk(session_id)
        if view is None or view.end:
            return _Context(list(history), previous, [])
        return _Context([*history, view.context], previous, self.step_passages(view))

    def ask(
        self,
        session_id: str,
        question: str,
        *,
        filters: Filters | None = None,
        history: Sequence[str] | None = None,
        walk: WalkState | None = None,
        previous: str = "",
        channel: str = "api",
    ) -> Turn:
        """Answer within the conversation (its stored history unless given) and record the turn.

        During a walk (the state given, or kept for this conversation) the current step's
        passages answer when retrieval finds nothing: one retrieval per question.
        """
        context = self._context(session_id, history, walk, previous)
        answer = self._assistant().ask(
            question,
            context.history,
            filters,
            fallback=context.step,
            previous=context.previous,
        )
        return self._record(session_id, question, answer, channel)

    async def astream(
        self,
        session_id: str,
        question: str,
        *,
        filters: Filters | None = None,
        history: Sequence[str] | None = None,
        previous: str = "",
        channel: str = "api",
    ) -> AsyncIterator[Alert | str | Turn]:
        """Like ask, streamed: the alert first, then text pieces, then the recorded Turn."""
        assistant = await asyncio.to_thread(self._assistant)
        context = await asyncio.to_thread(self._context, session_id, history, None, previous)
        items = assistant.astream(
            question, context.history, filters, fallback=context.step, previous=context.previous
        )
        async for item in items:
            if isinstance(item, Answer):
                yield await asyncio.to_thread(self._record, session_id, question, item, channel)
            else:
                yield item

    def _record(self, session_id: str, question: str, answer: Answer, channel: str) -> Turn:
        answer_id = self.database.record_turn(session_id, question, answer, channel)
        return Turn(session_id, answer_id, answer)

    def feedback(
        self, session_id: str, answer_id: str, rating: Rating, comment: str, channel: str
    ) -> bool:
        """Store a rating with the answer it rates; False when that answer is unknown."""
        return self.database.add_feedback(session_id, answer_id, rating, comment, channel)

    def export_feedback(self) -> list[dict[str, Any]]:
        """All feedback with its redacted question and answer, for maintainers."""
        return self.database.export_feedback()

    def forget(self, session_id: str) -> int:
        """Forget the conversation's history and walk."""
        return self.database.forget(session_id)

    # the wegwijzer walk ---------------------------------------------------------------------

    def step_passages(self, view: NodeView) -> list[Passage]:
        """The passages a wegwijzer screen cites, in document order."""
        return self.catalog.sections([(ref.doc_id, ref.section) for ref in view.sources])

    def current_walk(self, session_id: str) -> NodeView | None:
        """The screen a conversation's kept walk is at; None without one the flow accepts."""
        stored = self.database.walk(session_id)
        if stored is None:
            return None
        try:
            return self.flow.view(parse_state(stored))
        except FlowError:  # e.g. kept from before the flow file changed
            return None

    def start_walk(self, session_id: str, today: date | None = None) -> NodeView:
        """Begin (or restart) the conversation's walk at stap 1 and keep its state."""
        return self._keep(session_id, self.flow.start(today))

    def choose(self, session_id: str, state: WalkState, option: str) -> NodeView:
        """Apply a choice to the walk and keep the new state."""
        return self._keep(session_id, self.flow.advance(state, option))

    def _keep(self, session_id: str, view: NodeView) -> NodeView:
        self.database.save_walk(session_id, view.state.model_dump_json())
        return view
