"""The one answering service every channel calls: Assistant.ask and Assistant.astream."""

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant import extractive, messages
from assistant.answer import Answer, Citation, Passage, Source, Status
from assistant.answering import llm
from assistant.answering.grounding import Checker, Grounder, grounding_model
from assistant.citations import validate
from assistant.errors import LLMUnavailableError, QuestionError
from assistant.privacy import redact
from assistant.prompts import render
from assistant.questions.understand import Reading, is_emergency, is_injection, understand
from assistant.retrieval.embeddings import make_embeddings
from assistant.retrieval.hybrid import Filters, HybridRetriever, Mode
from assistant.retrieval.store import open_store
from assistant.settings import Settings

log = logging.getLogger("via.assistant")

_NEXT = re.compile(r"\b(volgende|daarna|daarop|erna|komt\s+(?:er\s+)?na|hierna|dan)\b", re.I)
_PREVIOUS = re.compile(r"\b(vorige|daarvoor|ervoor|hiervoor)\b", re.I)
_QUESTION_SENTENCE = re.compile(r"[^.!?]*\?")
_LABEL = re.compile(r"\[(?:BSN|TELEFOON|E-MAIL|ADRES|IBAN|GEBOORTEDATUM|DATUM|NAAM)\]")
_ANAPHOR = re.compile(r"\b(ze|zij|hij|die|dat|deze|dit|daar|daarna|erna|hun|het|volgende)\b")
_NUMBERED = re.compile(r"\b(stap|afweging|fase|norm)\s+(\d)\b", re.I)


def check_question(question: str, limit: int) -> str:
    """The stripped question, or QuestionError when it is empty or longer than limit."""
    question = question.strip()
    if not question:
        raise QuestionError(messages.EMPTY_QUESTION)
    if len(question) > limit:
        raise QuestionError(messages.LONG_QUESTION.format(limit=limit))
    return question


def resolve_follow_up(question: str, history: Sequence[str]) -> str:
    """Make an elliptical follow-up self-contained using the previous question (deterministic)."""
    if not history:
        return question
    previous = history[-1]
    lowered = question.lower()
    content = [w for w in re.findall(r"\w+", lowered) if len(w) > 3]
    elliptical = (
        lowered.startswith(("en ", "maar ", "wat als", "dan "))
        or len(content) <= 1
        or (bool(_ANAPHOR.search(lowered)) and len(content) <= 4)
    )
    if not elliptical:
        return question
    numbered = _NUMBERED.search(previous)
    if numbered and not _NUMBERED.search(question):
        step = int(numbered.group(2))
        delta = 1 if _NEXT.search(question) else -1 if _PREVIOUS.search(question) else 0
        if delta:
            rest = previous[numbered.end() :]
            return (
                f"{previous[: numbered.start()]}{numbered.group(1)} {step + delta}{rest} {question}"
            )
    return f"{previous} {question}"


def _page(meta: dict[str, object]) -> str | None:
    start, end = meta.get("page_start"), meta.get("page_end")
    if start is None:
        return None
    return str(start) if start == end else f"{start}–{end}"


def to_passage(doc: Document) -> Passage:
    """A retrieved Document as a typed Passage."""
    m = doc.metadata
    return Passage(
        chunk_id=str(doc.id),
        doc_id=str(m.get("doc_id", "")),
        title=str(m.get("title", "")),
        section=str(m.get("section", "")),
        page=_page(m),
        url=str(m.get("url", "")),
        kind=str(m.get("kind", "")),
        date=str(m.get("date", "")),
        references=str(m.get("references", "")).split(),
        level=str(m.get("level", "")),
        text=doc.page_content,
        score=float(m.get("score", 0.0)),
    )


@dataclass
class _Turn:
    """A question after validation, redaction, safety checks and retrieval."""

    question: str
    query: str
    emergency: bool
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
        self.retriever = retriever
        self.chat_model = chat_model
        self.breaker = llm.Breaker()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Assistant":
        """Composition root: embeddings, store, retriever and (in llm mode) the chat model."""
        store = open_store(settings, make_embeddings(settings))
        retriever = HybridRetriever(
            store=store,
            k=settings.top_k,
            fusion=settings.fusion,
            lexical_weight=settings.lexical_weight,
            dense_weight=settings.dense_weight,
            compounds=settings.compound_split,
        )
        chat_model = None
        if settings.answer_mode == "llm":
            chat_model = llm.make_chat_model(settings)
        return cls(settings, retriever, chat_model)

    @cached_property
    def grounder(self) -> Grounder:
        """The sentence check of llm mode, on the bundled multilingual model."""
        store = self.retriever.store.embeddings
        return Grounder(grounding_model(store, self.settings.embedding_threads))

    @cached_property
    def model_probe(self) -> llm.ModelProbe:
        """Cached reachability check of the chat model server (for /readyz)."""
        return llm.ModelProbe(self.settings)

    def _prepare(
        self,
        question: str,
        history: Sequence[str],
        filters: Filters | None,
        mode: Mode,
    ) -> _Turn:
        """Validate, redact, classify and retrieve: the work shared by ask and astream."""
        started = time.perf_counter()
        question = redact(check_question(question, self.settings.max_question_chars))
        history = [redact(h) for h in history if h.strip()]
        turn = _Turn(question, question, is_emergency(question))
        if is_injection(question):
            turn.status, turn.message = "refused", messages.INJECTION
            return turn
        if history and self.chat_model is not None:
            resolved = self._condense(question, history)
        else:
            resolved = resolve_follow_up(question, history)
        resolved = _LABEL.sub(" ", resolved)
        turn.reading = reading = understand(resolved)
        turn.query = reading.query  # the question, or what its next step or case asks for
        retrieve_query = turn.query + (" acuut gevaar 112" if turn.emergency else "")
        docs = self.retriever.invoke(retrieve_query, filters=filters, mode=mode)
        turn.passages = [to_passage(d) for d in docs]
        turn.timings["retrieve_ms"] = (time.perf_counter() - started) * 1000
        if not turn.emergency:
            turn.status, turn.message = self._gate(turn, reading, docs) or (None, "")
        return turn

    def _gate(
        self, turn: _Turn, reading: Reading, docs: list[Document]
    ) -> tuple[Status, str] | None:
        """Refuse what is outside the field; say 'not found' when no passage answers."""
        lexical = self.retriever.lexical
        focus = [turn.query, *_QUESTION_SENTENCE.findall(turn.query)[-1:]]
        cover = max(
            (lexical.coverage(q, p.text) for q in focus for p in turn.passages), default=0.0
        )
        dense = max((float(d.metadata.get("dense", 0.0)) for d in docs), default=0.0)
        scope = self.settings
        if not reading.in_domain and cover < 0.5 and dense < scope.scope_similarity:
            return "refused", messages.REFUSED
        if "case" in reading.kinds:
            return None  # a described situation always gets the start of the Meldcode
        if cover < scope.min_relevance and dense < scope.answer_similarity:
            return "not_found", messages.NOT_FOUND
        return None

    def _condense(self, question: str, history: Sequence[str]) -> str:
        """Rewrite a follow-up into a standalone question with the chat model."""
        assert self.chat_model is not None
        prompt = render("condense", history="\n".join(f"- {h}" for h in history), question=question)
        try:
            reply = llm.invoke(self.chat_model, [HumanMessage(prompt)], self.breaker)
        except LLMUnavailableError:
            return resolve_follow_up(question, history)
        return reply.strip() or question

    def _llm_messages(self, turn: _Turn) -> list[SystemMessage | HumanMessage]:
        numbered = "\n\n".join(
            f"[{i}] {p.title} — {p.section}\n{extractive.body_of(p)}"
            for i, p in enumerate(turn.passages, start=1)
        )
        return [
            SystemMessage(render("answer_system")),
            HumanMessage(render("answer_user", passages=numbered, question=turn.query)),
        ]

    def _finish(self, turn: _Turn, raw_text: str, quotes: dict[int, list[str]]) -> Answer:
        """Validate citations, apply the status rules and build the Answer."""
        if turn.status is not None:
            if turn.emergency:
                return self._answer("emergency", messages.EMERGENCY, turn, [])
            return self._answer(turn.status, turn.message, turn, [])
        text, cited = validate(raw_text, len(turn.passages))
        citations = [self._citation(n, turn, quotes.get(n)) for n in cited]
        if turn.emergency:
            body = f"{messages.EMERGENCY}\n\n{text}" if citations else messages.EMERGENCY
            return self._answer("emergency", body, turn, citations)
        if not citations:
            return self._answer("not_found", messages.NOT_FOUND, turn, [])
        return self._answer("answered", text, turn, citations)

    def _citation(self, n: int, turn: _Turn, quotes: list[str] | None) -> Citation:
        passage = turn.passages[n - 1]
        if quotes is None:
            units = extractive.select(turn.query, [passage], self.retriever.lexical, max_units=1)
            quotes = [u.text for u in units] or [extractive.body_of(passage)[:300]]
        source = passage.model_dump(include=set(Source.model_fields))
        return Citation(n=n, quote=" ".join(quotes), **source)

    def _answer(self, status: Status, text: str, turn: _Turn, citations: list[Citation]) -> Answer:
        answer = Answer(
            status=status,
            text=text,
            citations=citations,
            passages=turn.passages,
            timings=turn.timings,
            dropped=turn.dropped,
            fallback=turn.fallback,
        )
        digest = hashlib.sha256(turn.question.encode()).hexdigest()[:10]
        log.info(
            "answer status=%s question_sha=%s chars=%d passages=%d citations=%d",
            status,
            digest,
            len(turn.question),
            len(turn.passages),
            len(citations),
        )
        return answer

    def _extractive_text(self, turn: _Turn) -> tuple[str, dict[int, list[str]]]:
        assert turn.reading is not None
        retriever, query = self.retriever, turn.query
        return extractive.compose(
            query,
            turn.reading,
            turn.passages,
            retriever.lexical,
            self._next_passage,
            lambda sentence: retriever.meaning(query, sentence),
            retriever.same_meaning,
        )

    def _next_passage(self, passage: Passage) -> Passage | None:
        """The passage that follows this one in its document, if any."""
        docs = self.retriever.documents_of(passage.doc_id)
        ids = [d.id for d in docs]
        i = ids.index(passage.chunk_id) if passage.chunk_id in ids else -1
        return to_passage(docs[i + 1]) if 0 <= i < len(docs) - 1 else None

    def ask(
        self,
        question: str,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        *,
        mode: Mode = "hybrid",
    ) -> Answer:
        """Answer one question; history holds earlier user turns of the conversation."""
        started = time.perf_counter()
        turn = self._prepare(question, history, filters, mode)
        raw, quotes = "", dict[int, list[str]]()
        if turn.status is None:
            if self.chat_model is None:
                raw, quotes = self._extractive_text(turn)
            else:
                raw, quotes = self._llm_text(turn)
        turn.timings["total_ms"] = (time.perf_counter() - started) * 1000
        return self._finish(turn, raw, quotes)

    async def astream(
        self, question: str, history: Sequence[str] = (), filters: Filters | None = None
    ) -> AsyncIterator[str | Answer]:
        """Yield text pieces as they are produced, then the final Answer."""
        if self.chat_model is None or self.settings.answer_mode != "llm":
            answer = await asyncio.to_thread(self.ask, question, history, filters)
            for piece in re.findall(r".*?(?:\]\s*|$)", answer.text, flags=re.DOTALL):
                if piece:
                    yield piece  # each cited sentence with the white space after it
            yield answer
            return
        started = time.perf_counter()
        turn = await asyncio.to_thread(self._prepare, question, history, filters, "hybrid")
        streamed, text, quotes = "", "", dict[int, list[str]]()
        if turn.status is None:
            if turn.emergency:
                streamed = f"{messages.EMERGENCY}\n\n"
                yield streamed
            checker = self._checker(turn)
            try:
                async for chunk in llm.astream(
                    self.chat_model, self._llm_messages(turn), self.breaker
                ):
                    if shown := await asyncio.to_thread(checker.feed, chunk):
                        streamed += shown
                        yield shown
                if shown := await asyncio.to_thread(checker.flush):
                    streamed += shown
                    yield shown
            except LLMUnavailableError as exc:
                turn.fallback = llm.reason(exc.__cause__ or exc)
            text, quotes = await asyncio.to_thread(self._checked, turn, checker)
        turn.timings["total_ms"] = (time.perf_counter() - started) * 1000
        answer = self._finish(turn, text, quotes)
        done = streamed.rstrip()
        rest = answer.text[len(done) :] if answer.text.startswith(done) else ""
        if rest := rest.lstrip() if done else rest:
            yield rest
        yield answer

    def _checker(self, turn: _Turn) -> Checker:
        return self.grounder.checker(turn.passages, self.retriever.lexical)

    def _llm_text(self, turn: _Turn) -> tuple[str, dict[int, list[str]]]:
        """The model's answer with every sentence checked; extractive when it fails or all drop."""
        assert self.chat_model is not None
        checker = self._checker(turn)
        try:
            checker.feed(llm.invoke(self.chat_model, self._llm_messages(turn), self.breaker))
            checker.flush()
        except LLMUnavailableError as exc:
            turn.fallback = llm.reason(exc.__cause__ or exc)
        return self._checked(turn, checker)

    def _checked(self, turn: _Turn, checker: Checker) -> tuple[str, dict[int, list[str]]]:
        """What passed the check, or the extractive answer when nothing did."""
        turn.dropped = checker.dropped
        if checker.text:
            return checker.text, checker.quotes
        text, quotes = self._extractive_text(turn)
        if turn.fallback:  # the model failed: say so above the source sentences
            return (f"{messages.LLM_UNAVAILABLE}\n\n{text}" if text else ""), quotes
        turn.fallback = "ungrounded"
        return text, quotes
