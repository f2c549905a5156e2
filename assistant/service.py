"""The answering engine: Assistant.ask and Assistant.astream, from question to cited Answer."""

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from langchain_core.language_models import BaseChatModel

from assistant import messages
from assistant.answer import Alert, Answer, Citation, Passage, Pointer, Source, Status
from assistant.answering import extractive, llm
from assistant.answering.extractive import Composed
from assistant.answering.gate import gate
from assistant.answering.grounding import Checker, Grounder, grounding_model
from assistant.catalog import Catalog, to_passage
from assistant.citations import validate
from assistant.errors import LLMUnavailableError
from assistant.privacy import redact
from assistant.questions.follow_up import check_question, leans_on, resolve_follow_up
from assistant.questions.understand import (
    Reading,
    expansions,
    is_emergency,
    is_injection,
    understand,
)
from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.retrieval.hybrid import Filters, HybridRetriever, Mode
from assistant.settings import Settings
from assistant.units import body_of

log = logging.getLogger("via.assistant")

_LABEL = re.compile(r"\[(?:BSN|TELEFOON|E-MAIL|ADRES|IBAN|GEBOORTEDATUM|DATUM|NAAM)\]")


@dataclass
class _Turn:
    """A question after validation, redaction, safety checks and retrieval."""

    question: str
    query: str
    emergency: bool
    history: list[str] = field(default_factory=list)
    previous: str = ""  # the conversation's previous answer, for questions about it
    reading: Reading | None = None
    passages: list[Passage] = field(default_factory=list)
    status: Status | None = None
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    fallback: str = ""


class Assistant:
    """Answers Dutch questions from the indexed sources, with validated citations."""

    def __init__(
        self,
        settings: Settings,
        retriever: HybridRetriever,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self._retriever = retriever
        self.catalog = Catalog(retriever)
        self.chat_model = chat_model
        self.breaker = llm.Breaker()

    @classmethod
    def from_settings(
        cls, settings: Settings, embeddings: IndexEmbeddings | None = None
    ) -> "Assistant":
        """Composition root: embeddings, store, retriever and (in llm mode) the chat model."""
        chat_model = llm.make_chat_model(settings) if settings.answer_mode == "llm" else None
        return cls(settings, HybridRetriever.from_settings(settings, embeddings), chat_model)

    def with_chat_model(self, settings: Settings, chat_model: BaseChatModel | None) -> "Assistant":
        """An Assistant over the same index and retriever that answers with another chat model."""
        return Assistant(settings, self._retriever, chat_model)

    @cached_property
    def grounder(self) -> Grounder:
        """The sentence check of llm mode, on the bundled multilingual model."""
        store = self._retriever.store.embeddings
        return Grounder(grounding_model(store, self.settings.embedding_threads))

    @cached_property
    def model_probe(self) -> llm.ModelProbe:
        """Cached reachability check of the chat model server (for /readyz)."""
        return llm.ModelProbe(self.settings)

    def warm(self, mode: Mode = "hybrid") -> None:
        """Load the model, the lexical index and what the case and danger expansions retrieve,
        so the first question is fast."""
        for expansion in ("", *expansions()):
            self._retriever.invoke("meldcode", mode=mode, expansion=expansion)

    def retrieve(self, question: str) -> list[Passage]:
        """The passages retrieval finds for a question as it is (no answering)."""
        return [to_passage(d) for d in self._retriever.invoke(question)]

    def sentence_vector(self, sentence: str) -> np.ndarray:
        """The normalised vector of an answer sentence (kept from ingest where indexed)."""
        return self._retriever.sentence_vector(sentence)

    def checker(self, passages: list[Passage]) -> Checker:
        """The llm-mode sentence check over these passages."""
        return self.grounder.checker(passages, self._retriever.lexical)

    def _screen(self, question: str, history: Sequence[str], previous: str = "") -> _Turn:
        """Validate and redact; note danger and refuse instructions, before any retrieval."""
        question = redact(check_question(question, self.settings.max_question_chars))
        history = [redact(h) for h in history if h.strip()]
        turn = _Turn(question, question, is_emergency(question), history, redact(previous))
        if is_injection(question):
            turn.status, turn.message = "refused", messages.INJECTION
        return turn

    def _retrieve(
        self, turn: _Turn, filters: Filters | None, mode: Mode, fallback: Sequence[Passage]
    ) -> None:
        """Understand and retrieve; the gate decides whether the passages can answer."""
        if turn.status is not None:
            return
        started = time.perf_counter()
        if turn.history and self.chat_model is not None:
            resolved = llm.condense(self.chat_model, self.breaker, turn.question, turn.history)
        else:
            resolved = resolve_follow_up(turn.question, turn.history, turn.previous)
        turn.reading = reading = understand(_LABEL.sub(" ", resolved))
        turn.query = reading.full_query  # the question, or what its next step, case or danger asks
        alone = (
            _LABEL.sub(" ", turn.question)
            if leans_on(turn.question, resolved, turn.history)
            else ""
        )
        docs = self._retriever.invoke(
            reading.query, filters=filters, mode=mode, expansion=reading.expansion, alone=alone
        )
        turn.passages = [to_passage(d) for d in docs]
        turn.timings["retrieve_ms"] = (time.perf_counter() - started) * 1000
        if turn.emergency:
            return
        dense = max((float(d.metadata.get("dense", 0.0)) for d in docs), default=0.0)
        lexical = self._retriever.lexical
        judged = gate(turn.query, reading, turn.passages, dense, lexical, self.settings)
        if judged is not None and judged[0] == "not_found" and fallback:
            turn.passages = [p.model_copy(update={"score": 1.0}) for p in fallback]
        elif judged is not None:
            turn.status, turn.message = judged

    def _finish(self, turn: _Turn, composed: Composed) -> Answer:
        """Validate citations, apply the status rules and build the Answer from its parts."""
        alert = messages.EMERGENCY if turn.emergency else ""
        text, cited = validate(composed.text, len(turn.passages))  # nothing composed if settled
        if not cited:  # settled before answering (status set), or nothing the sources say
            if turn.emergency:
                return self._answer(turn, Answer(status="emergency", alert=alert, text=""))
            settled = Answer(
                status=turn.status or "not_found", text=turn.message or messages.NOT_FOUND
            )
            return self._answer(turn, settled)
        pointed = [n for n in composed.see_also if n not in cited and n <= len(turn.passages)]
        citations = [self._citation(n, turn, composed.quotes.get(n)) for n in [*cited, *pointed]]
        see_also = [
            Pointer(n=n, title=turn.passages[n - 1].title, section=turn.passages[n - 1].section)
            for n in pointed
        ]
        answer = Answer(
            status="emergency" if turn.emergency else "answered",
            alert=alert,
            text=text,
            see_also=see_also,
            tip=composed.tip,
            citations=citations,
        )
        return self._answer(turn, answer)

    def _citation(self, n: int, turn: _Turn, quotes: list[str] | None) -> Citation:
        passage = turn.passages[n - 1]
        if quotes is None:
            units = extractive.select(turn.query, [passage], self._retriever.lexical, max_units=1)
            quotes = [u.text for u in units] or [body_of(passage)[:300]]
        source = passage.model_dump(include=set(Source.model_fields))
        return Citation(n=n, quote=" ".join(quotes), **source)

    def _answer(self, turn: _Turn, answer: Answer) -> Answer:
        """The answer with the turn's passages, timings and llm notes; logged without its text."""
        answer = answer.model_copy(
            update={
                "passages": turn.passages,
                "timings": turn.timings,
                "dropped": turn.dropped,
                "fallback": turn.fallback,
            }
        )
        digest = hashlib.sha256(turn.question.encode()).hexdigest()[:10]
        log.info(
            "answer status=%s question_sha=%s chars=%d passages=%d citations=%d",
            answer.status,
            digest,
            len(turn.question),
            len(turn.passages),
            len(answer.citations),
        )
        return answer

    def _extractive(self, turn: _Turn) -> Composed:
        assert turn.reading is not None
        retriever, query = self._retriever, turn.query
        return extractive.compose(
            query,
            turn.reading,
            turn.passages,
            retriever.lexical,
            lambda passage: self.catalog.neighbours(passage)[1],
            lambda sentence: retriever.meaning(query, sentence),
            retriever.same_meaning,
        )

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        *,
        mode: Mode = "hybrid",
        fallback: Sequence[Passage] = (),
        previous: str = "",
    ) -> Answer:
        """Answer one question; history holds earlier user turns of the conversation.

        fallback: passages to answer from when retrieval finds none that answers (the current
        step of a wegwijzer walk), so a question during a walk costs one retrieval.
        previous: the conversation's previous answer ("wat bedoel je met tijdelijk?").
        """
        started = time.perf_counter()
        turn = self._screen(question, history, previous)
        self._retrieve(turn, filters, mode, fallback)
        composed = Composed()
        if turn.status is None:
            composed = self._extractive(turn) if self.chat_model is None else self._llm(turn)
        turn.timings["total_ms"] = (time.perf_counter() - started) * 1000
        return self._finish(turn, composed)

    async def astream(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        *,
        fallback: Sequence[Passage] = (),
        previous: str = "",
    ) -> AsyncIterator[Alert | str | Answer]:
        """Yield the alert (before any lookup), text pieces as produced, then the Answer."""
        started = time.perf_counter()
        turn = self._screen(question, history, previous)
        if turn.emergency:
            yield Alert(messages.EMERGENCY)
        await asyncio.to_thread(self._retrieve, turn, filters, "hybrid", fallback)
        if self.chat_model is None or self.settings.answer_mode != "llm" or turn.status:
            composed = Composed()
            if turn.status is None:
                composed = await asyncio.to_thread(self._extractive, turn)
            turn.timings["total_ms"] = (time.perf_counter() - started) * 1000
            answer = self._finish(turn, composed)
            for piece in re.findall(r".*?(?:\]\s*|$)", answer.text, flags=re.DOTALL):
                if piece:
                    yield piece  # each cited sentence with the white space after it
            yield answer
            return
        streamed = ""
        checker = self.checker(turn.passages)
        try:
            async for chunk in llm.astream(
                self.chat_model, llm.answer_messages(turn.passages, turn.query), self.breaker
            ):
                if shown := await asyncio.to_thread(checker.feed, chunk):
                    streamed += shown
                    yield shown
            if shown := await asyncio.to_thread(checker.flush):
                streamed += shown
                yield shown
        except LLMUnavailableError as exc:
            turn.fallback = llm.reason(exc.__cause__ or exc)
        composed = await asyncio.to_thread(self._checked, turn, checker)
        turn.timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer = self._finish(turn, composed)
        done = streamed.rstrip()
        rest = answer.text[len(done) :] if answer.text.startswith(done) else ""
        if rest := rest.lstrip() if done else rest:
            yield rest
        yield answer

    def _llm(self, turn: _Turn) -> Composed:
        """The model's answer with every sentence checked; extractive when it fails or all drop."""
        assert self.chat_model is not None
        checker = self.checker(turn.passages)
        try:
            checker.feed(
                llm.invoke(
                    self.chat_model, llm.answer_messages(turn.passages, turn.query), self.breaker
                )
            )
            checker.flush()
        except LLMUnavailableError as exc:
            turn.fallback = llm.reason(exc.__cause__ or exc)
        return self._checked(turn, checker)

    def _checked(self, turn: _Turn, checker: Checker) -> Composed:
        """What passed the check, or the extractive answer when nothing did."""
        turn.dropped = checker.dropped
        if checker.text:
            return Composed(checker.text, checker.quotes)
        composed = self._extractive(turn)
        if turn.fallback:  # the model failed: say so above the source sentences
            if composed.text:
                composed.text = f"{messages.LLM_UNAVAILABLE}\n\n{composed.text}"
            return composed
        turn.fallback = "ungrounded"
        return composed
