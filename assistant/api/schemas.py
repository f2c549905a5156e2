"""Request and response bodies of the HTTP API."""

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.answer import Citation, Passage, Pointer, Status

SESSION_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


class AskRequest(BaseModel):
    """A question, optionally in an existing conversation and restricted by metadata filters."""

    question: str = Field(description="De vraag, in het Nederlands.")
    session_id: str | None = Field(
        None, pattern=SESSION_PATTERN, description="Gesprek; weglaten voor een nieuw gesprek."
    )
    filters: dict[str, str] | None = Field(
        None, description="Alleen passages met deze metadata, bv. {'level': 'Lokaal'}."
    )


class AskResponse(BaseModel):
    """The answer with its citations and the passages it was drawn from."""

    answer_id: str
    session_id: str
    status: Status
    alert: str = Field("", description="Bij gevaar: bel 112 / Veilig Thuis; eerst tonen.")
    answer: str = Field(description="Het antwoord zelf, met [n] naar de bronnen.")
    see_also: list[Pointer] = Field(default_factory=list, description="'Zie ook'-verwijzingen.")
    tip: str = Field("", description="Wat je daarna kunt doen, bv. de Meldcode-wegwijzer.")
    citations: list[Citation]
    passages: list[Passage]
    timings: dict[str, float] = Field(default_factory=dict)


class FeedbackRequest(BaseModel):
    """A rating of one answer."""

    session_id: str = Field(pattern=SESSION_PATTERN)
    answer_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=1000)


class ChatMessage(BaseModel):
    """One message of an OpenAI-style conversation."""

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message text; multi-part content keeps its text parts."""
        if isinstance(self.content, list):
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI chat completions request the assistant uses."""

    model: str = "via-assistent"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    user: str | None = None


class SourceDocument(BaseModel):
    """An indexed document."""

    doc_id: str
    title: str
    publisher: str = ""
    date: str = ""
    level: str = ""
    url: str = ""
    kind: str = ""
    source: str = ""
    chunks: int


class SourceDetail(SourceDocument):
    """An indexed document with its passages in reading order."""

    passages: list[Passage]


class PassageDetail(BaseModel):
    """One passage with the passages before and after it in the same document."""

    passage: Passage
    previous: Passage | None = None
    next: Passage | None = None


class Problem(BaseModel):
    """An error: a Dutch reason for the user."""

    detail: str
