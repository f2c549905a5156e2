"""The HTTP API over real HTTP: answers, streaming, OpenAI shape, sources, feedback, errors."""

import json
import logging
import re

import httpx
import openai
import pytest

from tests.api.conftest import Server

MISSION = (
    "Ik heb signalen gezien en met een collega overlegd — wat is de volgende stap van de Meldcode?"
)


def sse_events(text: str) -> list[tuple[str, dict[str, object]]]:
    """Parse a Server-Sent Events body into (event, data) pairs."""
    events = []
    for block in text.strip().split("\n\n"):
        event = re.search(r"^event: (.*)$", block, re.M)
        data = re.search(r"^data: (.*)$", block, re.M)
        assert event and data, block
        events.append((event.group(1), json.loads(data.group(1))))
    return events


def test_ask_answers_with_citations_from_its_passages(client: httpx.Client) -> None:
    body = client.post("/v1/ask", json={"question": MISSION}).json()
    assert body["status"] == "answered"
    assert "stap 3" in body["answer"].lower()
    assert re.fullmatch(r"[0-9a-f]{16}", body["answer_id"])
    passage_ids = {p["chunk_id"] for p in body["passages"]}
    assert body["citations"] and {c["chunk_id"] for c in body["citations"]} <= passage_ids
    for c in body["citations"]:
        assert f"[{c['n']}]" in body["answer"] and c["title"] and c["quote"]


def test_session_keeps_redacted_history_for_follow_ups(
    client: httpx.Client, server: Server
) -> None:
    first = client.post(
        "/v1/ask", json={"question": "Wat houdt stap 3 van de meldcode in? BSN 111222333"}
    ).json()
    session = first["session_id"]
    follow = client.post("/v1/ask", json={"question": "En daarna?", "session_id": session}).json()
    assert follow["session_id"] == session
    assert "stap 4" in follow["answer"].lower()
    history = server.database.history(session)
    assert history[0].endswith("[BSN]") and "111222333" not in " ".join(history)


def test_stream_sends_pieces_then_the_answer(client: httpx.Client) -> None:
    res = client.post("/v1/ask/stream", json={"question": "Wat is de kindcheck?"})
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/event-stream")
    events = sse_events(res.text)
    deltas = [d["text"] for e, d in events if e == "delta"]
    (final,) = [d for e, d in events if e == "answer"]
    assert len(deltas) >= 2
    assert "".join(str(d) for d in deltas).strip() == final["answer"]
    assert final["status"] == "answered" and final["citations"]


def test_stream_errors_before_streaming_get_a_status(client: httpx.Client) -> None:
    res = client.post("/v1/ask/stream", json={"question": "  "})
    assert res.status_code == 422
    assert "leeg" in res.json()["detail"]


def test_openai_client_gets_citations_in_text_and_field(server: Server) -> None:
    oa = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sleutel-twee", max_retries=0)
    result = oa.chat.completions.create(
        model="via-assistent",
        messages=[
            {"role": "system", "content": "Je bent behulpzaam."},
            {"role": "user", "content": "Wat houdt stap 2 van de meldcode in?"},
        ],
    )
    content = result.choices[0].message.content or ""
    assert "[1]" in content and "\n\nBronnen:\n[1] " in content
    extra = result.model_extra or {}
    assert extra["citations"][0]["n"] == 1 and extra["citations"][0]["chunk_id"]
    assert extra["via"]["status"] == "answered"
    assert [m.id for m in oa.models.list()] == ["via-assistent"]


def test_openai_stream_ends_with_citations(server: Server) -> None:
    oa = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sleutel-een", max_retries=0)
    stream = oa.chat.completions.create(
        model="via-assistent",
        messages=[
            {"role": "user", "content": "Wat is de kindcheck?"},
            {"role": "assistant", "content": "..."},
            {"role": "user", "content": "Bij welke stap hoort die?"},
        ],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Bronnen:" in text and "stap 1" in text.lower()
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["citations"]


def test_sources_document_and_passage_with_neighbours(client: httpx.Client) -> None:
    docs = client.get("/v1/sources").json()
    # 205 passages with the bundled e5 model at 300 tokens
    assert len(docs) == 16 and sum(d["chunks"] for d in docs) > 150
    detail = client.get("/v1/sources/meldcode-vijf-stappen").json()
    passages = detail["passages"]
    assert detail["chunks"] == len(passages) > 3
    middle = passages[1]["chunk_id"]
    around = client.get(f"/v1/passages/{middle}").json()
    assert around["passage"]["chunk_id"] == middle
    assert around["previous"]["chunk_id"] == passages[0]["chunk_id"]
    assert around["next"]["chunk_id"] == passages[2]["chunk_id"]
    assert client.get(f"/v1/passages/{passages[0]['chunk_id']}").json()["previous"] is None
    missing = client.get("/v1/sources/bestaat-niet")
    assert missing.status_code == 404 and "Onbekend document" in missing.json()["detail"]
    assert client.get("/v1/passages/onbekend").status_code == 404


def test_feedback_is_stored_and_exported_for_maintainers(
    client: httpx.Client, server: Server
) -> None:
    answer = client.post("/v1/ask", json={"question": "Wat is de kindcheck?"}).json()
    rating = {"session_id": answer["session_id"], "answer_id": answer["answer_id"]}
    stored = client.post("/v1/feedback", json={**rating, "rating": "down", "comment": "mist iets"})
    assert stored.status_code == 200 and stored.json() == {"stored": True}
    wrong = client.post("/v1/feedback", json={**rating, "answer_id": "0" * 16, "rating": "up"})
    assert wrong.status_code == 404
    assert httpx.get(f"{server.url}/v1/feedback/export").status_code == 401
    exported = client.get("/v1/feedback/export").json()
    mine = [f for f in exported if f["answer_id"] == answer["answer_id"]]
    assert mine and mine[0]["rating"] == "down" and mine[0]["comment"] == "mist iets"
    assert mine[0]["question"] == "Wat is de kindcheck?" and mine[0]["citations"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer fout"}])
def test_api_needs_a_valid_key_when_keys_are_set(server: Server, headers: dict[str, str]) -> None:
    res = httpx.post(f"{server.url}/v1/ask", json={"question": MISSION}, headers=headers)
    assert res.status_code == 401 and "API-sleutel" in res.json()["detail"]
    assert httpx.get(f"{server.url}/v1/sources", headers=headers).status_code == 401
    assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}


def test_every_route_but_the_model_list_needs_the_key(server: Server) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    guarded = [
        (method, path)
        for path, operations in spec["paths"].items()
        if (path.startswith("/v1") and path != "/v1/models") or path == "/metrics"
        for method in operations
    ]
    assert len(guarded) >= 12
    for method, path in guarded:
        res = httpx.request(method, server.url + re.sub(r"\{\w+\}", "x", path))
        assert res.status_code == 401, (method, path, res.status_code)
    assert httpx.get(f"{server.url}/v1/models").status_code == 200


def test_bad_requests_get_a_dutch_reason(client: httpx.Client, server: Server) -> None:
    cases = [
        ({"question": ""}, 422, "leeg"),
        ({"question": "x" * 2001}, 422, "te lang"),
        ({}, 422, "Verplicht veld ontbreekt: 'question'"),
        ({"question": "Wat is de kindcheck?", "session_id": "../../etc"}, 422, "session_id"),
        ({"question": "Wat is de kindcheck?", "filters": {"bsn": "1"}}, 422, "filterveld"),
        ({"question": "a" * 40_000}, 413, "te groot"),
    ]
    for body, status, reason in cases:
        res = client.post("/v1/ask", json=body)
        assert res.status_code == status, body
        assert reason in res.json()["detail"]
        assert "Traceback" not in res.text
    invalid = client.post(
        "/v1/ask", content=b'{"question": ', headers={"Content-Type": "application/json"}
    )
    assert (
        invalid.status_code == 422 and invalid.json()["detail"] == "Ongeldige JSON in het verzoek."
    )

    def chunked() -> object:
        for _ in range(100):
            yield b"x" * 1000

    streamed = client.post(
        "/v1/ask", content=chunked(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413 and "te groot" in streamed.json()["detail"]


def test_emergency_is_answered_first_with_112(client: httpx.Client) -> None:
    body = client.post(
        "/v1/ask",
        json={"question": "Hij slaat haar nu en de kinderen zijn erbij, wat moet ik doen?"},
    ).json()
    assert body["status"] == "emergency"
    assert body["alert"].startswith("Bel direct 112") and "0800-2000" in body["alert"]


def test_metrics_count_requests_and_statuses(client: httpx.Client) -> None:
    client.post("/v1/ask", json={"question": "Wat is de kindcheck?"})
    text = client.get("/metrics").text
    assert re.search(
        r'via_http_requests_total\{code="200",method="POST",route="/v1/ask"\} [1-9]', text
    )
    assert re.search(r'via_answers_total\{status="answered"\} [1-9]', text)
    assert 'via_http_request_seconds_bucket{le="0.5",route="/v1/ask"}' in text


def test_logs_never_contain_the_question(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Mevrouw Jansen uit de Molenstraat, wat is de kindcheck precies?"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/ask", json={"question": secret})
    assert any(r.name == "via.access" for r in caplog.records)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Jansen" not in logged and "kindcheck precies" not in logged


def test_web_page_is_served_with_the_safety_line(server: Server) -> None:
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert "Bel 112" in page.text and "0800-2000" in page.text
    assert "vervangt het niet" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert httpx.get(f"{server.url}/static/chat.js").status_code == 200
