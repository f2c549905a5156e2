"""The interactive commands: `via chat` and `via meldcode`, one conversation each."""

import functools
import secrets
import sys

import click

from assistant.conversation import Conversations
from assistant.errors import ViaError
from assistant.formatting import with_footnotes
from assistant.messages import BANNER
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database
from assistant.wegwijzer.flow import as_text
from assistant.wegwijzer.spec import NodeView

CHAT_HELP = "Stel je vraag ('stop' om te eindigen, 'nieuw' voor een nieuw gesprek)."


def _conversations(*, lazy: bool = False) -> Conversations:
    """The conversation service over the configured index and database; exit 2 when unusable.

    lazy: open the index at the first question (the wegwijzer itself needs no index).
    """
    settings = Settings()
    assistant = functools.cache(lambda: Assistant.from_settings(settings))
    try:
        if not lazy:
            assistant()
        return Conversations(assistant, Database.from_settings(settings))
    except ViaError as exc:
        click.echo(f"Fout: {exc}", err=True)
        sys.exit(2)


def _session() -> str:
    return f"cli:{secrets.token_hex(8)}"


@click.command()
def chat() -> None:
    """Interactief gesprek; 'stop' of Ctrl-D om te eindigen, 'nieuw' om opnieuw te beginnen."""
    conversations = _conversations()
    click.echo(f"ViA-assistent. {BANNER}\n{CHAT_HELP}")
    session = _session()
    while True:
        try:
            question = click.prompt("\nVraag", prompt_suffix="> ")
        except (EOFError, click.Abort):
            break
        if question.strip().lower() in ("stop", "exit", "quit"):
            break
        if question.strip().lower() == "nieuw":
            conversations.forget(session)
            continue
        try:
            click.echo(with_footnotes(conversations.ask(session, question, channel="cli").answer))
        except ViaError as exc:
            click.echo(f"Fout: {exc}")
    conversations.forget(session)


MELDCODE_HELP = (
    f"Meldcode-wegwijzer. {BANNER}\n"
    "Kies een nummer. Een vraag stellen kan altijd (begin met '?'); 'dossier' toont het "
    "verslag, 'stop' stopt."
)


def _meldcode_option(view: "NodeView", line: str) -> str | None:
    """The option id chosen by number or by id, or None when the line is not a choice."""
    ids = [option.id for option in view.options]
    if line.isdigit() and 1 <= int(line) <= len(ids):
        return str(ids[int(line) - 1])
    return line if line in ids else None


@click.command()
def meldcode() -> None:
    """Doorloop de meldcode stap voor stap, met bronnen; vrije vragen mogen tussendoor."""
    conversations = _conversations(lazy=True)
    flow, session = conversations.flow, _session()
    view = flow.start()
    click.echo(f"{MELDCODE_HELP}\n\n{as_text(view)}")
    while not view.end:
        try:
            line = click.prompt("\nKeuze of vraag", prompt_suffix="> ").strip()
        except (EOFError, click.Abort):
            break
        choice = _meldcode_option(view, line)
        if line.lower() == "stop":
            break
        if line.lower() == "dossier":
            click.echo(f"\n{flow.dossier(view.state)}")
        elif choice is not None:
            view = flow.advance(view.state, choice)
            click.echo(f"\n{as_text(view)}")
        elif line.isdigit():
            click.echo(f"Kies een nummer van 1 tot en met {len(view.options)}.")
        else:
            question = line.removeprefix("?").strip()
            try:  # the current step answers when the question alone finds nothing
                turn = conversations.ask(session, question, walk=view.state, channel="cli")
                click.echo(with_footnotes(turn.answer))
            except ViaError as exc:
                click.echo(f"Fout: {exc}")
    else:
        click.echo(f"\n{flow.dossier(view.state)}")
    conversations.forget(session)
