"""The typed answer every channel receives, in parts: alert, answer, "Zie ook", tip, citations."""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["answered", "not_found", "emergency", "refused"]


class Source(BaseModel):
    """Where a passage comes from: document, section, page, link."""

    chunk_id: str
    doc_id: str
    title: str
    section: str = ""
    page: str | None = None
    url: str = ""
    kind: str = ""
    date: str = ""
    references: list[str] = Field(default_factory=list)


class Passage(Source):
    """A retrieved passage with its retrieval score."""

    level: str = ""
    text: str
    score: float = 0.0


class Citation(Source):
    """One numbered source of an answer; quote holds the supporting sentence(s)."""

    n: int
    quote: str = ""


class Pointer(BaseModel):
    """A "Zie ook" reference to another relevant passage, by its citation number."""

    n: int
    title: str
    section: str = ""


class Answer(BaseModel):
    """What Assistant.ask returns; channels render the parts, never parse the text back."""

    status: Status
    alert: str = Field("", description="The 112 / Veilig Thuis line when a message shows danger.")
    text: str = Field(description="The answer itself: the direct answer first, lists whole, [n].")
    see_also: list[Pointer] = Field(default_factory=list)
    tip: str = Field("", description="What to do next, e.g. the wegwijzer for a described case.")
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    dropped: list[str] = Field(
        default_factory=list,
        exclude=True,
        description="llm mode: generated sentences the grounding check held back (not shown).",
    )
    fallback: str = Field(
        "",
        exclude=True,
        description="llm mode: why the answer is extractive or cut short "
        "(unreachable, timeout, error, ungrounded); empty when the model's answer stands.",
    )


@dataclass(frozen=True)
class Alert:
    """The acute-danger line, streamed before the answer is looked up."""

    text: str
