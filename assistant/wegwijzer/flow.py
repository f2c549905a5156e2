"""The wegwijzer engine: a stateless, cited walk through the five steps and the afwegingskader.

The flow is data (meldcode.yaml). Flow.start and Flow.advance take a WalkState and return a
NodeView with the next state, so every channel keeps the state itself and sends it back; the
engine checks it against the flow before using it.
"""

import textwrap
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.errors import FlowError
from assistant.wegwijzer.spec import (
    BROKEN_FLOW,
    FINISHED,
    INVALID_CHOICE,
    TAMPERED,
    UNKNOWN_NODE,
    FlowSpec,
    NodeView,
    Option,
    OptionSpec,
    SourceRef,
    Visit,
    WalkState,
    graph_problems,
    has_cycle,
    is_iso_date,
)

FLOW_PATH = Path(__file__).parent / "meldcode.yaml"
DOSSIER_HEADER = "Meldcode-wegwijzer: doorlopen stappen"
DOSSIER_FOOTER = (
    "Gemaakt met de Meldcode-wegwijzer van de ViA-assistent. Dit verslag bevat geen "
    "persoonsgegevens en vervangt niet het professionele oordeel."
)


def _iso(today: date | None) -> str:
    """Today (or the given day) as YYYY-MM-DD."""
    return (today or date.today()).isoformat()


class Flow:
    """The Meldcode-wegwijzer: nodes from YAML, walked statelessly (state in, view out)."""

    def __init__(self, spec: FlowSpec) -> None:
        problems = graph_problems(spec)
        if problems:
            raise FlowError(BROKEN_FLOW.format(reason=", ".join(problems)))
        if has_cycle(spec):
            raise FlowError(BROKEN_FLOW.format(reason="de stappen bevatten een lus"))
        self._spec = spec

    @classmethod
    def load(cls, path: Path | None = None) -> "Flow":
        """Read and check a flow file; without a path the bundled meldcode.yaml."""
        try:
            raw = yaml.safe_load((path or FLOW_PATH).read_text(encoding="utf-8"))
            spec = FlowSpec.model_validate(raw)
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

    def _options(self, node_id: str) -> list[OptionSpec]:
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
        if path[-1].choice is not None or not all(is_iso_date(v.at) for v in path):
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


def as_text(view: NodeView, width: int = 88) -> str:
    """A node as plain text with numbered options, for terminals and plain-text channels."""
    lines = [f"{view.step} · {view.title}", textwrap.fill(view.text, width)]
    lines += [textwrap.fill(f"Let op: {note}", width) for note in view.notes]
    lines += ["Bronnen:", *(f"- {ref.title} — {ref.section}" for ref in view.sources)]
    lines.append(view.acute)
    lines += [f"  {n}. {option.label}" for n, option in enumerate(view.options, start=1)]
    return "\n".join(lines)
