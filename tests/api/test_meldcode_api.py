"""The Meldcode-wegwijzer over HTTP walks the same flow as the engine, with resolvable sources."""

import httpx

from assistant.wegwijzer.flow import default_flow
from assistant.wegwijzer.spec import WalkState


def test_api_walk_matches_the_engine_and_cites_passages(client: httpx.Client) -> None:
    flow = default_flow()
    step = client.get("/v1/meldcode").json()
    engine = flow.start()
    choices = ["verder", "zorgen", "af", "gesprek", "afwegen", "ja", "nee", "ja", "ja"]
    while not step["node"]["end"]:
        assert step["node"]["id"] == engine.id
        assert "112" in step["node"]["acute"] and "0800-2000" in step["node"]["acute"]
        assert step["passages"], step["node"]["id"]
        chunk = step["passages"][0]["chunk_id"]
        assert client.get(f"/v1/passages/{chunk}").status_code == 200
        options = [o["id"] for o in step["node"]["options"]]
        choice = choices.pop(0) if choices else options[0]
        step = client.post(
            "/v1/meldcode", json={"state": step["node"]["state"], "choice": choice}
        ).json()
        engine = flow.advance(engine.state, choice)
    assert step["node"]["id"] == engine.id
    dossier = client.post("/v1/meldcode/dossier", json={"state": step["node"]["state"]}).json()
    assert dossier["dossier"] == flow.dossier(WalkState.model_validate(step["node"]["state"]))
    assert "aandachtsfunctionaris" in dossier["dossier"].lower()


def test_tampered_state_or_choice_is_a_dutch_422(client: httpx.Client) -> None:
    start = client.get("/v1/meldcode").json()["node"]["state"]
    forged = {"node": "afweging5", "path": [{"node": "afweging5", "at": "2026-01-01"}]}
    cases = [
        {"state": forged, "choice": "ja"},
        {"state": start, "choice": "bestaat-niet"},
        {"state": {"node": "Jan Jansen 111222333"}, "choice": "ja"},
    ]
    for body in cases:
        res = client.post("/v1/meldcode", json=body)
        assert res.status_code == 422, body
        assert res.json()["detail"] and "111222333" not in res.text and "Jansen" not in res.text


def test_free_question_in_a_step_uses_the_step(client: httpx.Client) -> None:
    flow = default_flow()
    view = flow.start()
    for choice in ("verder", "zorgen", "collega"):
        view = flow.advance(view.state, choice)
    assert view.step == "Stap 3"
    body = client.post(
        "/v1/meldcode/ask",
        json={
            "state": view.state.model_dump(),
            "question": "Wat als de ouders het gesprek weigeren?",
        },
    ).json()
    assert body["status"] == "answered"
    assert "stap 3" in body["citations"][0]["section"].lower()
