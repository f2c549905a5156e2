"""The Meldcode-wegwijzer over HTTP: start, choose, free questions in a step, dossier summary."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.answer import Passage
from assistant.api.routes_ask import ERRORS, new_session_id, respond
from assistant.api.runtime import Authorized, Limited, RuntimeDep
from assistant.api.schemas import SESSION_PATTERN, AskResponse
from assistant.wegwijzer.spec import NodeView, parse_state

router = APIRouter(prefix="/v1/meldcode", tags=["meldcode-wegwijzer"], dependencies=[Authorized])


class Step(BaseModel):
    """A screen of the wegwijzer with the passages it cites (chunk ids for /v1/passages)."""

    node: NodeView
    passages: list[Passage]


class Choice(BaseModel):
    """The state returned by the previous screen and the chosen option id."""

    state: dict[str, Any]
    choice: str = Field(max_length=64)


class StateOnly(BaseModel):
    """The state returned by the last screen."""

    state: dict[str, Any]


class StepQuestion(BaseModel):
    """A free question asked while in a step of the walk."""

    state: dict[str, Any]
    question: str
    session_id: str | None = Field(None, pattern=SESSION_PATTERN)


def _step(rt: RuntimeDep, node: NodeView) -> Step:
    return Step(node=node, passages=rt.conversations.step_passages(node))


@router.get("", response_model=Step, responses=ERRORS)
def start(rt: RuntimeDep) -> Step:
    """Begin de wegwijzer bij stap 1."""
    return _step(rt, rt.conversations.flow.start())


@router.post("", response_model=Step, responses=ERRORS)
def choose(body: Choice, rt: RuntimeDep) -> Step:
    """Ga naar het volgende scherm na een keuze."""
    return _step(rt, rt.conversations.flow.advance(parse_state(body.state), body.choice))


@router.post("/dossier", responses=ERRORS)
def dossier(body: StateOnly, rt: RuntimeDep) -> dict[str, str]:
    """Dossiersamenvatting: doorlopen stappen, keuzes, data en bronnen, zonder persoonsgegevens."""
    return {"dossier": rt.conversations.flow.dossier(parse_state(body.state))}


@router.post("/ask", response_model=AskResponse, dependencies=[Limited], responses=ERRORS)
def ask(body: StepQuestion, rt: RuntimeDep) -> AskResponse:
    """Een vrije vraag tijdens de wegwijzer; de huidige stap is de context."""
    session_id = body.session_id or new_session_id()
    walk = parse_state(body.state)
    return respond(rt, rt.conversations.ask(session_id, body.question, walk=walk))
