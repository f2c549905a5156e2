"""Meldcode-wegwijzer: a stateless, cited walk through the five steps and the afwegingskader.

The flow is data (flows/meldcode.yaml). Flow.start and Flow.advance take a WalkState and return
a NodeView with the next state, so every channel (API, web, Telegram, CLI) keeps the state itself
and sends it back; the engine checks it against the flow before using it.
"""

import re
import textwrap
from collections.abc import Sequence
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from langchain_chroma import Chroma
from langchain_core.documents import Document
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.answer import Answer, Passage
from assistant.errors import FlowError
from assistant.retrieval.store import reachable
from assistant.service import Assistant, to_passage

FLOW_PATH = Path(__file__).parent / "flows" / "meldcode.yaml"

UNKNOWN_NODE = "Onbekende stap in de meldcode-wegwijzer. Begin de wegwijzer opnieuw."
INVALID_CHOICE = "Deze keuze hoort niet bij deze stap. Kies een van de getoonde mogelijkheden."
FINISHED = "De meldcode-wegwijzer is hier afgelopen. Begin opnieuw voor een nieuwe doorloop."
TAMPERED = "De doorlopen stappen kloppen niet met de wegwijzer. Begin de wegwijzer opnieuw."
BROKEN_FLOW = "De meldcode-wegwijzer is ongeldig: {reason}."
DOSSIER_HEADER = "Meldcode-wegwijzer: doorlopen stappen"
DOSSIER_FOOTER = (
    "Gemaakt met de Meldcode-wegwijzer van de ViA-assistent. Dit verslag bevat geen "
    "persoonsgegevens en vervangt niet het professionele oordeel."
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTION_ID = re.compile(r"[a-z0-9_]{1,20}")


class SourceRef(BaseModel):
    """A kennisbank passage a node rests on: document id and exact section heading."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    section: str
    title: str = ""


class Option(BaseModel):
    """One choice at a node; id is short ascii (Telegram callback data), label is Dutch."""

    id: str
    label: str


class Visit(BaseModel):
    """A node on the walked path: the choice made there and its date (None: current node)."""

    node: str = Field(max_length=64)
    choice: str | None = Field(None, max_length=64)
    at: str = Field(max_length=32, description="Date of the choice (or of arrival), YYYY-MM-DD.")


class WalkState(BaseModel):
    """Where a walk stands; channels keep it and send it back (it is checked on every use)."""

    node: str = Field(max_length=64)
    path: list[Visit] = Field(default_factory=list, max_length=100)


class NodeView(BaseModel):
    """What a channel shows at one node, with the state to send back with the next choice."""

    id: str
    step: str
    title: str
    text: str
    options: list[Option]
    notes: list[str]
    sources: list[SourceRef]
    acute: str
    end: bool
    context: str
    state: WalkState


class _OptionSpec(Option):
    model_config = ConfigDict(extra="forbid")

    next: str


class _NodeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str
    title: str
    context: str
    text: str
    notes: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(min_length=1)
    options: list[_OptionSpec] = Field(default_factory=list)


class _AcuteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: str
    option: _OptionSpec
    sources: list[SourceRef] = Field(min_length=1)


class _FlowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str
    documents: dict[str, str]
    acute: _AcuteSpec
    nodes: dict[str, _NodeSpec]


def _iso(today: date | None) -> str:
    """Today (or the given day) as YYYY-MM-DD."""
    return (today or date.today()).isoformat()


def _is_iso_date(value: str) -> bool:
    """True for a real calendar date written as YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _graph_problems(spec: _FlowSpec) -> list[str]:
    """Dangling targets, bad option ids, uncited documents and a missing start or acute node."""
    problems = [f"start '{spec.start}' ontbreekt"] if spec.start not in spec.nodes else []
    acute = spec.nodes.get(spec.acute.option.next)
    if acute is None or acute.options:
        problems.append("de acute uitgang moet naar een eindpunt leiden")
    refs = [*spec.acute.sources, *(r for node in spec.nodes.values() for r in node.sources)]
    problems += [f"document '{r.doc_id}'" for r in refs if r.doc_id not in spec.documents]
    for node_id, node in spec.nodes.items():
        ids = [o.id for o in node.options] + ([spec.acute.option.id] if node.options else [])
        if len(set(ids)) != len(ids) or not all(_OPTION_ID.fullmatch(i) for i in ids):
            problems.append(f"keuzes van '{node_id}'")
        problems += [f"'{node_id}' → '{o.next}'" for o in node.options if o.next not in spec.nodes]
    return problems


def _has_cycle(spec: _FlowSpec) -> bool:
    """True when some path could return to a node it already visited."""
    state: dict[str, int] = {}

    def visit(node_id: str) -> bool:
        if state.get(node_id) == 1:
            return True
        if state.get(node_id) == 2 or node_id not in spec.nodes:
            return False
        state[node_id] = 1
        if any(visit(o.next) for o in spec.nodes[node_id].options):
            return True
        state[node_id] = 2
        return False

    return any(visit(node_id) for node_id in spec.nodes)


class Flow:
    """The Meldcode-wegwijzer: nodes from YAML, walked statelessly (state in, view out)."""

    def __init__(self, spec: _FlowSpec) -> None:
        problems = _graph_problems(spec)
        if problems:
            raise FlowError(BROKEN_FLOW.format(reason=", ".join(problems)))
        if _has_cycle(spec):
            raise FlowError(BROKEN_FLOW.format(reason="de stappen bevatten een lus"))
        self._spec = spec

    @classmethod
    def load(cls, path: Path | None = None) -> "Flow":
        """Read and check a flow file; without a path the bundled meldcode.yaml."""
        try:
            raw = yaml.safe_load((path or FLOW_PATH).read_text(encoding="utf-8"))
            spec = _FlowSpec.model_validate(raw)
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise FlowError(BROKEN_FLOW.format(reason=type(exc).__name__)) from exc
        return cls(spec)

    @property
    def node_ids(self) -> list[str]:
        """All node ids, in file order."""
        return list(self._spec.nodes)

    @property
    def acute_sources(self) -> list[SourceRef]:
        """The passages the acute-danger line rests on."""
        return [self._titled(ref) for ref in self._spec.acute.sources]

    def start(self, today: date | None = None) -> NodeView:
        """The first node of a new walk."""
        first = self._spec.start
        return self._view(WalkState(node=first, path=[Visit(node=first, at=_iso(today))]))

    def view(self, state: WalkState) -> NodeView:
        """The current node of a (checked) state, e.g. to show it again."""
        self._check(state)
        return self._view(state)

    def advance(self, state: WalkState, choice: str, today: date | None = None) -> NodeView:
        """Apply one choice to a (checked) state and return the next node."""
        self._check(state)
        options = self._options(state.node)
        if not options:
            raise FlowError(FINISHED)
        target = next((o.next for o in options if o.id == choice), None)
        if target is None:
            raise FlowError(INVALID_CHOICE)
        at = _iso(today)
        done = [*state.path[:-1], state.path[-1].model_copy(update={"choice": choice, "at": at})]
        path = [*done, Visit(node=target, at=at)]
        return self._view(WalkState(node=target, path=path))

    def dossier(self, state: WalkState) -> str:
        """Plain Dutch summary of the walk (steps, choices, dates, sources) for the client file."""
        self._check(state)
        lines = [DOSSIER_HEADER, ""]
        lines += [self._dossier_line(visit) for visit in state.path]
        current = self._spec.nodes[state.node]
        if not current.options:
            lines += ["", f"Uitkomst: {current.title}"]
        lines += ["", "Bronnen (kennisbank ViA-assistent):"]
        lines += [f"- {ref.title} — {ref.section}" for ref in self._path_sources(state)]
        return "\n".join([*lines, "", DOSSIER_FOOTER])

    def _dossier_line(self, visit: Visit) -> str:
        """One visited node as 'date  step · title: choice'."""
        node = self._spec.nodes[visit.node]
        label = next((o.label for o in self._options(visit.node) if o.id == visit.choice), "")
        outcome = f": {label}" if label else ("" if not node.options else ": (nog bezig)")
        return f"{visit.at}  {node.step} · {node.title}{outcome}"

    def _path_sources(self, state: WalkState) -> list[SourceRef]:
        """The main source (the first cited) of every visited node, without duplicates."""
        refs: dict[tuple[str, str], SourceRef] = {}
        for visit in state.path:
            ref = self._spec.nodes[visit.node].sources[0]
            refs.setdefault((ref.doc_id, ref.section), self._titled(ref))
        return list(refs.values())

    def _options(self, node_id: str) -> list[_OptionSpec]:
        """The node's own options plus the acute exit; none at an end node."""
        own = self._spec.nodes[node_id].options
        return [*own, self._spec.acute.option] if own else []

    def _titled(self, ref: SourceRef) -> SourceRef:
        """The reference with its document title filled in."""
        return ref.model_copy(update={"title": self._spec.documents[ref.doc_id]})

    def _check(self, state: WalkState) -> None:
        """Refuse a state that this flow cannot have produced (FlowError, never echoing it)."""
        if state.node not in self._spec.nodes:
            raise FlowError(UNKNOWN_NODE)
        path = state.path
        if not path or path[0].node != self._spec.start or path[-1].node != state.node:
            raise FlowError(TAMPERED)
        if path[-1].choice is not None or not all(_is_iso_date(v.at) for v in path):
            raise FlowError(TAMPERED)
        for visit, following in pairwise(path):
            if visit.node not in self._spec.nodes:
                raise FlowError(TAMPERED)
            options = self._options(visit.node)
            if not any(o.id == visit.choice and o.next == following.node for o in options):
                raise FlowError(TAMPERED)

    def _view(self, state: WalkState) -> NodeView:
        """The NodeView of a state that has been checked or built here."""
        node = self._spec.nodes[state.node]
        return NodeView(
            id=state.node,
            step=node.step,
            title=node.title,
            text=node.text,
            options=[Option(id=o.id, label=o.label) for o in self._options(state.node)],
            notes=list(node.notes),
            sources=[self._titled(ref) for ref in node.sources],
            acute=self._spec.acute.line,
            end=not node.options,
            context=node.context,
            state=state,
        )


@cache
def default_flow() -> Flow:
    """The bundled Meldcode-wegwijzer, loaded once."""
    return Flow.load()


def parse_state(data: Any) -> WalkState:
    """A WalkState from client JSON (dict or str); FlowError without echoing the input."""
    try:
        if isinstance(data, str | bytes):
            return WalkState.model_validate_json(data)
        return WalkState.model_validate(data)
    except ValidationError as exc:
        raise FlowError(TAMPERED) from exc


def ask_in_step(
    assistant: Assistant,
    at: NodeView | WalkState,
    question: str,
    *,
    flow: Flow | None = None,
    history: Sequence[str] = (),
) -> Answer:
    """A free question during the walk: asked as is, and with the step as context if unanswered.

    The question on its own (with the conversation's history) is tried first, because the step's
    context would otherwise crowd out what the question names (e.g. 'wat als ik twijfel?'). Only
    when that finds no answer does the current step become the context ('wat nu?' in stap 3).
    """
    state = at.state if isinstance(at, NodeView) else at
    context = (flow or default_flow()).view(state).context
    answer = assistant.ask(question, history=list(history))
    if answer.status in ("answered", "emergency"):
        return answer
    return assistant.ask(question, history=[*history, context])


def resolve_sources(source: Assistant | Chroma, refs: Sequence[SourceRef]) -> list[Passage]:
    """The indexed passages of the cited sections, in document order, without duplicates."""
    store = source.retriever.store if isinstance(source, Assistant) else source
    passages: dict[str, Passage] = {}
    for ref in refs:
        where: Any = {"$and": [{"doc_id": ref.doc_id}, {"section": ref.section}]}
        with reachable():
            got = store.get(where=where, include=["documents", "metadatas"])
        rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        for chunk_id, text, meta in sorted(rows, key=lambda r: int(r[2].get("chunk_index", 0))):
            doc = Document(id=chunk_id, page_content=text, metadata=meta)
            passages.setdefault(chunk_id, to_passage(doc))
    return list(passages.values())


def as_text(view: NodeView, width: int = 88) -> str:
    """A node as plain text with numbered options, for terminals and plain-text channels."""
    lines = [f"{view.step} · {view.title}", textwrap.fill(view.text, width)]
    lines += [textwrap.fill(f"Let op: {note}", width) for note in view.notes]
    lines += ["Bronnen:", *(f"- {ref.title} — {ref.section}" for ref in view.sources)]
    lines.append(view.acute)
    lines += [f"  {n}. {option.label}" for n, option in enumerate(view.options, start=1)]
    return "\n".join(lines)
