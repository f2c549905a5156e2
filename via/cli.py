"""The `via` command line: ingest, sources, ask, chat, meldcode, serve, telegram, eval."""

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.answer import Answer
from assistant.errors import ViaError
from assistant.formatting import with_footnotes
from assistant.settings import Settings
from via.interactive import chat, meldcode

if TYPE_CHECKING:
    from assistant.service import Assistant

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TQDM_DISABLE", "1")


def _fail(exc: ViaError) -> None:
    click.echo(f"Fout: {exc}", err=True)
    sys.exit(2)


def _assistant(settings: Settings) -> "Assistant":
    from assistant.service import Assistant

    return Assistant.from_settings(settings)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Toon logregels (zonder vraagtekst).")
def main(verbose: bool) -> None:
    """ViA-assistent: antwoorden met bronvermelding over veiligheid in afhankelijkheidsrelaties."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, force=True)
    logging.getLogger("bm25s").setLevel(logging.WARNING)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Gooi de index weg en bouw hem opnieuw op.")
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object als uitvoer.")
def ingest(paths: tuple[Path, ...], rebuild: bool, as_json: bool) -> None:
    """Neem documenten op in de index (alleen gewijzigde documenten worden opnieuw verwerkt)."""
    from ingestion.pipeline import ingest as run_ingest

    settings = Settings()
    show_progress = not as_json and sys.stderr.isatty()

    def progress(name: str, status: str) -> None:
        if status == "rebuild":
            click.echo(f"{name} De index wordt opnieuw opgebouwd (afgeleide gegevens).", err=True)
        elif show_progress:
            click.echo(f"  {status:<9} {name}", err=True)

    try:
        report = run_ingest(settings, list(paths) or None, rebuild=rebuild, on_progress=progress)
    except ViaError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        d = report.as_dict()
        click.echo(
            f"Toegevoegd: {d['added']}  bijgewerkt: {d['updated']}  ongewijzigd: {d['unchanged']}  "
            f"verwijderd: {d['deleted']}  mislukt: {len(d['failed'])}  passages: {d['chunks']}"
        )
        for failure in report.failed:
            click.echo(f"Mislukt: {failure.path}: {failure.reason}", err=True)
    if report.failed:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object als uitvoer.")
def sources(as_json: bool) -> None:
    """Toon de opgenomen documenten met aantal passages, datum en soort."""
    try:
        docs = _assistant(Settings()).catalog.documents()
    except ViaError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps({"documents": docs}, ensure_ascii=False))
        return
    for d in docs:
        click.echo(
            f"{d['doc_id']:<48} {d['chunks']:>4}  {d['date']:<10}  {d['kind']:<12} {d['title']}"
        )


def _print_answer(answer: Answer) -> None:
    click.echo(with_footnotes(answer))


@main.command()
@click.argument("question")
@click.option("--history", multiple=True, help="Een eerdere vraag uit hetzelfde gesprek.")
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object als uitvoer.")
def ask(question: str, history: tuple[str, ...], as_json: bool) -> None:
    """Stel één vraag."""
    try:
        answer = _assistant(Settings()).ask(question, history)
    except ViaError as exc:
        _fail(exc)
        return
    if as_json:
        payload = {
            "status": answer.status,
            "answer": answer.text,
            "citations": [c.model_dump() for c in answer.citations],
            "passages": [
                {
                    k: p.model_dump()[k]
                    for k in ("text", "doc_id", "title", "section", "page", "score")
                }
                for p in answer.passages
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        _print_answer(answer)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option("--port", default=8000, show_default=True, help="Poort.")
@click.option("--workers", default=1, show_default=True, help="Aantal werkprocessen.")
def serve(host: str, port: int, workers: int) -> None:
    """Start de HTTP-API en de webchat (standaard alleen op deze computer bereikbaar)."""
    import uvicorn

    from assistant.api.serving import check_bind, log_config

    settings = Settings()
    try:
        check_bind(host, settings)
        if settings.telegram_token and settings.telegram_webhook_secret:
            from bots.telegram.application import check_config

            check_config(settings)  # the webhook needs the same access rules as polling
    except ViaError as exc:
        _fail(exc)
        return
    click.echo(f"ViA-assistent op http://{host}:{port}/  (Ctrl-C om te stoppen)", err=True)
    uvicorn.run(
        "via.serve:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config(),
        access_log=False,
    )


@main.command()
def telegram() -> None:
    """Start de Telegram-bot met long polling (token uit VIA_TELEGRAM_TOKEN)."""
    from telegram.error import InvalidToken, NetworkError

    from bots.telegram.application import check_config, run_polling

    settings = Settings()
    try:
        check_config(settings)
        click.echo("Telegram-bot start (Ctrl-C om te stoppen).", err=True)
        run_polling(settings)
    except ViaError as exc:
        _fail(exc)
    except InvalidToken:
        click.echo("Fout: Telegram weigert het token in VIA_TELEGRAM_TOKEN (ongeldig).", err=True)
        sys.exit(2)
    except NetworkError as exc:
        click.echo(f"Fout: Telegram is niet bereikbaar ({type(exc).__name__}).", err=True)
        sys.exit(2)


@main.command(name="eval")
@click.option("--qa", "qa", multiple=True, type=click.Path(exists=True, path_type=Path))
@click.option("--k", default=5, show_default=True, help="Aantal passages voor hit@k.")
@click.option(
    "--mode",
    type=click.Choice(["extractive", "llm"]),
    default=None,
    help="Antwoordmodus; llm gebruikt het ingestelde taalmodel en telt tegengehouden zinnen.",
)
@click.option("--json", "as_json", is_flag=True, help="Eén JSON-object als uitvoer.")
@click.option("--report", type=click.Path(path_type=Path), default=None, help="Map voor rapport.")
@click.option("--ablate", is_flag=True, help="Vergelijk lexicaal, dense en hybride.")
def eval_command(
    qa: tuple[Path, ...], k: int, mode: str | None, as_json: bool, report: Path | None, ablate: bool
) -> None:
    """Draai de evaluatie op de huidige index (neemt zelf niets op)."""
    from evals.runner import run_cli

    settings = Settings()
    if mode:
        settings = settings.model_copy(update={"answer_mode": mode})
    try:
        code = run_cli(settings, list(qa), k=k, as_json=as_json, report=report, ablate_=ablate)
    except ViaError as exc:
        _fail(exc)
        return
    sys.exit(code)


main.add_command(chat)
main.add_command(meldcode)

if __name__ == "__main__":
    main()
