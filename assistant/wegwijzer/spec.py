"""The wegwijzer as data: the flow file's schema, its checks, and the walk state channels keep."""

import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import FlowError

UNKNOWN_NODE = "Onbekende stap in de meldcode-wegwijzer. Begin de wegwijzer opnieuw."
INVALID_CHOICE = "Deze keuze hoort niet bij deze stap. Kies een van de getoonde mogelijkheden."
FINISHED = "De meldcode-wegwijzer is hier afgelopen. Begin opnieuw voor een nieuwe doorloop."
TAMPERED = "De doorlopen stappen kloppen niet met de wegwijzer. Begin de wegwijzer opnieuw."
BROKEN_FLOW = "De meldcode-wegwijzer is ongeldig: {reason}."

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


class OptionSpec(Option):
    model_config = ConfigDict(extra="forbid")

    next: str


class NodeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: str
    title: str
    context: str
    text: str
    notes: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(min_length=1)
    options: list[OptionSpec] = Field(default_factory=list)


class AcuteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: str
    option: OptionSpec
    sources: list[SourceRef] = Field(min_length=1)


class FlowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str
    documents: dict[str, str]
    acute: AcuteSpec
    nodes: dict[str, NodeSpec]


def is_iso_date(value: str) -> bool:
    """True for a real calendar date written as YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def graph_problems(spec: FlowSpec) -> list[str]:
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


def has_cycle(spec: FlowSpec) -> bool:
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


def parse_state(data: Any) -> WalkState:
    """A WalkState from client JSON (dict or str); FlowError without echoing the input."""
    try:
        if isinstance(data, str | bytes):
            return WalkState.model_validate_json(data)
        return WalkState.model_validate(data)
    except ValidationError as exc:
        raise FlowError(TAMPERED) from exc
