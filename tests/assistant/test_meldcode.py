"""Meldcode-wegwijzer: every path ends, branches follow the fact base, citations resolve."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from langchain_core.tracers.context import collect_runs

from assistant.answer import Answer, Passage
from assistant.conversation import Conversations
from assistant.errors import FlowError
from assistant.privacy import redact
from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.wegwijzer.flow import FLOW_PATH, Flow
from assistant.wegwijzer.spec import NodeView, SourceRef, Visit, WalkState, parse_state
from tests.api.conftest import database
from via.cli import main

TO_AFWEGING_1 = ["verder", "zorgen", "collega", "gesprek", "afwegen"]
TO_AFWEGING = {
    1: TO_AFWEGING_1,
    2: [*TO_AFWEGING_1, "ja"],
    3: [*TO_AFWEGING_1, "ja", "nee"],
    4: [*TO_AFWEGING_1, "ja", "nee", "ja"],
    5: [*TO_AFWEGING_1, "ja", "nee", "ja", "ja", "verder"],
}
DAY = date(2026, 3, 2)
PII = ["Jan de Vries", "BSN 111222333", "06-12345678", "12-03-1985", "j.devries@example.nl"]


@pytest.fixture(scope="module")
def flow() -> Flow:
    """The bundled flow."""
    return Flow.load()


def walk(flow: Flow, choices: list[str], today: date = DAY) -> NodeView:
    """Start and apply the choices in order."""
    view = flow.start(today)
    for choice in choices:
        view = flow.advance(view.state, choice, today)
    return view


def all_paths(flow: Flow, view: NodeView, depth: int = 0) -> Iterator[list[NodeView]]:
    """Every complete path from view, depth-first; fails instead of looping forever."""
    assert depth <= len(flow.node_ids), f"path longer than the flow has nodes at {view.id}"
    if view.end:
        yield [view]
        return
    for option in view.options:
        for rest in all_paths(flow, flow.advance(view.state, option.id, DAY), depth + 1):
            yield [view, *rest]


@pytest.fixture(scope="module")
def paths(flow: Flow) -> list[list[NodeView]]:
    """All complete paths through the bundled flow."""
    return list(all_paths(flow, flow.start(DAY)))


@pytest.fixture(scope="module")
def views(paths: list[list[NodeView]]) -> dict[str, NodeView]:
    """One view of every node reached by the exhaustive walk."""
    return {view.id: view for path in paths for view in path}


def test_every_path_reaches_an_end_node_and_every_node_is_reachable(
    flow: Flow, paths: list[list[NodeView]], views: dict[str, NodeView]
) -> None:
    assert len(paths) > 50
    assert all(path[-1].end and not path[-1].options for path in paths)
    assert all(not view.end and view.options for path in paths for view in path[:-1])
    assert set(views) == set(flow.node_ids)
    assert {path[-1].id for path in paths} == {n for n in flow.node_ids if views[n].end}


def test_each_path_is_recorded_in_its_state(paths: list[list[NodeView]]) -> None:
    for path in paths:
        final = path[-1].state
        assert [visit.node for visit in final.path] == [view.id for view in path]
        assert final.path[-1].choice is None
        assert all(visit.choice for visit in final.path[:-1])


@pytest.mark.parametrize(
    ("afweging", "choice", "target", "phrases"),
    [
        (1, "ja", "Afweging 2", []),
        (1, "nee", "Einde", ["sluit je de meldcode af", "vast in het dossier"]),
        (2, "ja", "Einde", ["meld je bij Veilig Thuis", "afweging 3, 4 en 5 samen met Veilig"]),
        (2, "nee", "Afweging 3", []),
        (3, "ja", "Afweging 4", []),
        (3, "nee", "Einde", ["meld je bij Veilig Thuis", "professionele norm 2"]),
        (4, "ja", "Hulp", ["Bied of organiseer de hulp", "afweging 5"]),
        (4, "nee", "Einde", ["accepteren de betrokkenen de hulp niet", "meld je bij Veilig"]),
        (
            5,
            "ja",
            "Einde",
            ["hulp afsluiten", "afspraken met betrokkenen en samenwerkingspartners"],
        ),
        (5, "nee", "Einde", ["meld je (opnieuw) bij Veilig Thuis"]),
    ],
)
def test_afweging_branches_follow_the_fact_base(
    flow: Flow, afweging: int, choice: str, target: str, phrases: list[str]
) -> None:
    before = walk(flow, TO_AFWEGING[afweging])
    assert before.step == f"Afweging {afweging}"
    assert {o.id for o in before.options} == {"ja", "nee", "acuut"}
    after = flow.advance(before.state, choice, DAY)
    assert after.step == target
    assert all(phrase in after.text for phrase in phrases), after.text
    if after.end:
        cited = [ref.section for ref in after.sources]
        assert any(s.startswith(f"Afweging {afweging} van het afwegingskader") for s in cited)


def test_afweging_4_yes_offers_help_then_afweging_5(flow: Flow) -> None:
    helping = walk(flow, [*TO_AFWEGING[4], "ja"])
    assert helping.title == "Hulp bieden of organiseren"
    assert flow.advance(helping.state, "verder", DAY).step == "Afweging 5"


def test_the_five_steps_in_order_with_kindcheck_consultation_and_skippable_talk(
    flow: Flow,
) -> None:
    steps = [walk(flow, TO_AFWEGING_1[:n]) for n in range(5)]
    assert [v.step for v in steps] == ["Stap 1", "Stap 1", "Stap 2", "Stap 3", "Stap 4"]
    assert steps[1].title == "De kindcheck" and "minderjarige kinderen" in steps[1].text
    labels = " ".join(o.label for o in steps[2].options)
    for who in ("collega", "aandachtsfunctionaris", "Veilig Thuis", "letselduiding"):
        assert who in labels
    assert any("Artsen" in n and "KNMG" in n and "Veilig Thuis" in n for n in steps[2].notes)
    assert "overslaan" in steps[3].text and "veiligheid" in steps[3].text
    assert "overgeslagen" in {o.id for o in steps[3].options}
    closed = walk(flow, ["verder", "geen_zorgen"])
    assert closed.end and "afsluiten" in closed.text


def test_acute_exit_on_every_node(views: dict[str, NodeView], flow: Flow) -> None:
    for view in views.values():
        assert "112" in view.acute and "0800-2000" in view.acute, view.id
        if not view.end:
            assert view.options[-1].id == "acuut", view.id
            acute = flow.advance(view.state, "acuut", DAY)
            assert acute.end and "112" in acute.text, view.id


def test_options_are_short_ascii_ids_with_dutch_labels(views: dict[str, NodeView]) -> None:
    for view in views.values():
        assert view.context and view.title and view.text and view.sources, view.id
        for option in view.options:
            assert re.fullmatch(r"[a-z0-9_]{1,20}", option.id), option.id
            assert option.label.strip(), view.id


def test_node_view_json_round_trip(flow: Flow) -> None:
    view = walk(flow, TO_AFWEGING[3])
    payload = view.model_dump(mode="json")
    assert set(payload) == {
        *("id", "step", "title", "text", "options", "notes", "sources"),
        *("acute", "end", "context", "state"),
    }
    state = parse_state(view.state.model_dump_json())
    assert flow.advance(state, "nee", DAY).end


def resolve_sources(assistant: Assistant, refs: list[SourceRef]) -> list[Passage]:
    """The indexed passages of the cited sections (the catalog's lookup)."""
    return assistant.catalog.sections([(ref.doc_id, ref.section) for ref in refs])


@pytest.mark.slow
def test_every_citation_resolves_to_indexed_passages(
    views: dict[str, NodeView], flow: Flow, bundled_assistant: Assistant
) -> None:
    refs = [ref for view in views.values() for ref in view.sources] + flow.acute_sources
    for ref in refs:
        passages = resolve_sources(bundled_assistant, [ref])
        assert passages, f"{ref.doc_id} — {ref.section} is not in the index"
        assert {(p.doc_id, p.section, p.title) for p in passages} == {
            (ref.doc_id, ref.section, ref.title)
        }
    renamed = SourceRef(doc_id="meldcode-vijf-stappen", section="Stap 3 van de meldcode")
    assert resolve_sources(bundled_assistant, [renamed]) == []


def content_words(text: str) -> set[str]:
    """Lower-cased words of five letters or more."""
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) >= 5}


def grounding(sentence: str, passages: str) -> float:
    """Share of a sentence's content words that occur in the cited passages."""
    words = content_words(sentence)
    return sum(w in passages for w in words) / len(words) if words else 1.0


@pytest.mark.slow
def test_every_sentence_is_grounded_in_its_cited_passages(
    views: dict[str, NodeView], bundled_assistant: Assistant
) -> None:
    for view in views.values():
        cited = " ".join(p.text.lower() for p in resolve_sources(bundled_assistant, view.sources))
        for piece in [view.text, *view.notes]:
            for sentence in re.split(r"(?<=[.?!;])\s+", piece):
                assert grounding(sentence, cited) >= 0.7, (view.id, sentence)
    invented = "Bel binnen vierentwintig uur de wijkagent, de huisarts en de woningcorporatie."
    stap1 = " ".join(
        p.text.lower() for p in resolve_sources(bundled_assistant, views["stap1"].sources)
    )
    assert grounding(invented, stap1) < 0.7


def test_dossier_lists_steps_choices_dates_and_sources(flow: Flow) -> None:
    view = flow.start(date(2026, 3, 2))
    for choice, day in [("verder", 2), ("zorgen", 2), ("af", 4), ("overgeslagen", 9)]:
        view = flow.advance(view.state, choice, date(2026, 3, day))
    for choice in ["afwegen", "ja", "nee", "nee"]:
        view = flow.advance(view.state, choice, date(2026, 3, 16))
    text = flow.dossier(view.state)
    expected = [
        "2026-03-02  Stap 1 · Signalen in kaart brengen: Signalen in kaart gebracht en vastgelegd",
        "2026-03-02  Stap 1 · De kindcheck: Zorgen over de kinderen (positieve kindcheck)",
        "2026-03-04  Stap 2 · Overleggen: Overlegd met de aandachtsfunctionaris",
        "2026-03-09  Stap 3 · Gesprek met de betrokkene(n): Gesprek overgeslagen vanwege de",
        "2026-03-16  Stap 4 · Wegen: Wegen met het afwegingskader",
        "2026-03-16  Afweging 1 · Nog steeds een vermoeden?: Ja, er is nog steeds een vermoeden",
        "2026-03-16  Afweging 3 · Zelf passende hulp bieden of organiseren?: Nee, ik kan geen",
        "2026-03-16  Einde · Melden bij Veilig Thuis",
        "Uitkomst: Melden bij Veilig Thuis",
        "- De meldcode en haar vijf stappen — Stap 3 van de meldcode: gesprek met de betrokkene(n)",
        "- Het afwegingskader en de professionele normen voor melden — Afweging 3 van het",
    ]
    positions = [text.find(line) for line in expected]
    assert -1 not in positions, text
    assert positions == sorted(positions)
    assert redact(text) == text


def test_dossier_on_request_marks_the_current_step(flow: Flow) -> None:
    text = flow.dossier(walk(flow, ["verder", "zorgen"]).state)
    assert "2026-03-02  Stap 2 · Overleggen: (nog bezig)" in text
    assert "Uitkomst" not in text


def tampered_states(flow: Flow) -> Iterator[tuple[str, dict[str, Any]]]:
    """A valid state with one PII-like string or one inconsistency put in."""
    good = walk(flow, TO_AFWEGING[2]).state.model_dump()
    for pii in PII:
        yield "node", {**good, "node": pii}
        for field in ("node", "choice", "at"):
            path = [dict(v) for v in good["path"]]
            path[1][field] = pii
            yield f"path.{field}", {**good, "path": path}
    yield "skipped step", {**good, "path": [good["path"][0], *good["path"][2:]]}
    yield "no path", {"node": good["node"], "path": []}
    yield (
        "current has a choice",
        {**good, "path": [*good["path"][:-1], {**good["path"][-1], "choice": "ja"}]},
    )
    yield "bad date", {**good, "path": [{**good["path"][0], "at": "2026-02-30"}, *good["path"][1:]]}


def test_tampered_state_is_refused_without_echoing_it(flow: Flow) -> None:
    cases = list(tampered_states(flow))
    assert len(cases) > 20
    for what, data in cases:
        with pytest.raises(FlowError) as raised:
            flow.dossier(parse_state(data))
        with pytest.raises(FlowError):
            flow.advance(parse_state(data), "ja", DAY)
        assert not any(pii in str(raised.value) for pii in PII), what
        assert "wegwijzer" in str(raised.value), what


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"node": "x" * 500, "path": []}, "Begin de wegwijzer opnieuw"),
        ("{not json", "Begin de wegwijzer opnieuw"),
        ({"node": "stap1", "path": "geen lijst"}, "Begin de wegwijzer opnieuw"),
    ],
)
def test_unparseable_state_is_a_flow_error(data: Any, message: str) -> None:
    with pytest.raises(FlowError, match=message):
        parse_state(data)


def test_invalid_choice_unknown_node_and_finished_walk(flow: Flow) -> None:
    state = walk(flow, TO_AFWEGING[1]).state
    with pytest.raises(FlowError, match="keuze hoort niet bij deze stap"):
        flow.advance(state, "misschien", DAY)
    unknown = WalkState(node="stap9", path=[Visit(node="stap9", at="2026-03-02")])
    with pytest.raises(FlowError, match="Onbekende stap"):
        flow.advance(unknown, "ja", DAY)
    finished = flow.advance(state, "nee", DAY)
    with pytest.raises(FlowError, match="afgelopen"):
        flow.advance(finished.state, "ja", DAY)


def write_flow(tmp_path: Path, change: Any) -> Path:
    """A copy of the bundled flow file with one change applied to its data."""
    data = yaml.safe_load(FLOW_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["nodes"]["afweging1"]["options"][0].update(next="afweging9"),
        lambda d: d["nodes"]["afweging5"]["options"][1].update(next="afweging1"),
        lambda d: d["nodes"]["stap3"]["options"][0].update(id="gesprek met ouders"),
        lambda d: d["nodes"]["stap2"]["sources"][0].update(doc_id="onbekend-document"),
        lambda d: d["nodes"]["stap4"].pop("sources"),
        lambda d: d.update(start="stap0"),
    ],
    ids=["dangling", "cycle", "option-id", "document", "uncited", "start"],
)
def test_broken_flow_file_is_refused(tmp_path: Path, change: Any) -> None:
    assert Flow.load(write_flow(tmp_path, lambda d: None)).node_ids
    with pytest.raises(FlowError, match="ongeldig"):
        Flow.load(write_flow(tmp_path, change))


@pytest.mark.slow
def test_free_questions_in_stap_3_cost_one_retrieval_each(
    flow: Flow, bundled_settings: Settings, embeddings: IndexEmbeddings, tmp_path: Path
) -> None:
    assistant = Assistant.from_settings(bundled_settings, embeddings)
    conversations = Conversations(lambda: assistant, database(tmp_path), flow)
    view = walk(flow, TO_AFWEGING_1[:3])
    assert view.step == "Stap 3"
    stap3 = "Stap 3 van de meldcode: gesprek met de betrokkene(n)"

    def retrievals(question: str) -> tuple[int, Answer]:
        with collect_runs() as runs:  # LangChain's own tracing sees every retriever run
            turn = conversations.ask("walk", question, walk=view.state)
        return sum(r.run_type == "retriever" for r in runs.traced_runs), turn.answer

    count, answer = retrievals("wat als de ouders het gesprek weigeren?")
    assert count == 1 and answer.status == "answered"
    assert answer.citations[0].section == stap3
    count, vague = retrievals("wat nu?")
    assert count == 1 and vague.status == "answered"
    assert vague.citations[0].section in {ref.section for ref in view.sources}
    with pytest.raises(FlowError):
        conversations.ask("walk", "wat nu?", walk=WalkState(node="stap3"))


@pytest.fixture
def bundled_env(bundled_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the CLI at the ingested bundled corpus."""
    monkeypatch.setenv("VIA_DATA_DIR", str(bundled_settings.data_dir))
    monkeypatch.setenv("VIA_CORPUS_DIR", str(bundled_settings.corpus_dir))
    return bundled_settings


@pytest.mark.slow
def test_cli_walk_with_question_dossier_and_end(
    bundled_env: Settings, bundled_assistant: Assistant
) -> None:
    steps = "1\n1\n1\n?wat als de ouders het gesprek weigeren?\ndossier\n9\n1\n1\n1\n1\n"
    result = CliRunner().invoke(main, ["meldcode"], input=steps)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Stap 3 · Gesprek met de betrokkene(n)" in out
    assert "[1] De meldcode en haar vijf stappen (samenvatting) — Stap 3 van de meldcode" in out
    assert "Stap 3 · Gesprek met de betrokkene(n): (nog bezig)" in out
    assert "Kies een nummer van 1 tot en met 3." in out
    today = date.today().isoformat()
    assert f"{today}  Afweging 2 · Acute of structurele onveiligheid?: Ja" in out
    assert (
        "Uitkomst: Melden bij Veilig Thuis, afweging 3 tot en met 5 samen met Veilig Thuis" in out
    )


def test_cli_stop_ends_without_dossier() -> None:
    result = CliRunner().invoke(main, ["meldcode"], input="1\nstop\n")
    assert result.exit_code == 0
    assert "Stap 1 · De kindcheck" in result.stdout
    assert "Meldcode-wegwijzer: doorlopen stappen" not in result.stdout
