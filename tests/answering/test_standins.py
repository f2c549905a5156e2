"""The stand-ins speak the real protocols: the official openai and ollama clients accept them."""

from collections.abc import Iterator

import httpx
import ollama
import openai
import pytest

from tests.llm_standins import ChatStandIn, running

REPLY = "Een huisverbod duurt in beginsel tien dagen [1]."
MESSAGES = [{"role": "system", "content": "Regels."}, {"role": "user", "content": "Vraag?"}]


@pytest.fixture
def openai_standin() -> Iterator[ChatStandIn]:
    """An OpenAI-compatible stand-in that requires a key."""
    with running(ChatStandIn("openai", api_key="sleutel", replies=[REPLY])) as stand_in:
        yield stand_in


@pytest.fixture
def ollama_standin() -> Iterator[ChatStandIn]:
    """An Ollama stand-in."""
    with running(ChatStandIn("ollama", replies=[REPLY])) as stand_in:
        yield stand_in


def test_openai_sdk_reads_a_completion_and_a_stream(openai_standin: ChatStandIn) -> None:
    client = openai.OpenAI(base_url=openai_standin.base_url, api_key="sleutel", max_retries=0)
    done = client.chat.completions.create(model="standin-model", messages=MESSAGES)  # type: ignore[arg-type]
    assert done.choices[0].message.content == REPLY and done.choices[0].finish_reason == "stop"
    stream = client.chat.completions.create(
        model="standin-model",
        messages=MESSAGES,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == REPLY
    assert len(chunks) > 3 and chunks[-1].usage is not None
    assert openai_standin.chats()[-1].body["stream"] is True


def test_openai_errors_have_the_real_shape(openai_standin: ChatStandIn) -> None:
    client = openai.OpenAI(base_url=openai_standin.base_url, api_key="fout", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as denied:
        client.chat.completions.create(model="standin-model", messages=MESSAGES)  # type: ignore[arg-type]
    assert denied.value.code == "invalid_api_key"
    client = openai.OpenAI(base_url=openai_standin.base_url, api_key="sleutel", max_retries=0)
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-onbekend", messages=MESSAGES)  # type: ignore[arg-type]
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(model="standin-model", messages=[])
    assert bad.value.param == "messages"
    headers = {"Authorization": "Bearer sleutel"}
    url = f"{openai_standin.base_url}/chat/completions"
    wrong_role = {"model": "standin-model", "messages": [{"role": "robot", "content": "x"}]}
    response = httpx.post(url, json=wrong_role, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    response = httpx.get(url, headers=headers)
    assert response.status_code == 404 and "Invalid URL" in response.json()["error"]["message"]


def test_ollama_client_reads_a_reply_and_a_stream(ollama_standin: ChatStandIn) -> None:
    client = ollama.Client(host=ollama_standin.base_url)
    done = client.chat(model="standin-model", messages=MESSAGES, stream=False)
    assert done.message.content == REPLY and done.done and done.done_reason == "stop"
    parts = list(client.chat(model="standin-model:latest", messages=MESSAGES, stream=True))
    assert "".join(p.message.content or "" for p in parts) == REPLY
    assert parts[-1].done and not parts[0].done and parts[-1].eval_count
    assert [c.body.get("stream") for c in ollama_standin.chats()] == [False, True]
    assert "standin-model:latest" in [m.model for m in client.list().models]


def test_ollama_errors_have_the_real_shape(ollama_standin: ChatStandIn) -> None:
    client = ollama.Client(host=ollama_standin.base_url)
    with pytest.raises(ollama.ResponseError) as missing:
        client.chat(model="llama-onbekend", messages=MESSAGES, stream=False)
    assert missing.value.status_code == 404 and "not found" in missing.value.error
    url = f"{ollama_standin.base_url}/api/chat"
    response = httpx.post(url, json={"messages": MESSAGES})
    assert response.status_code == 400 and response.json() == {"error": "model is required"}
    response = httpx.post(url, content=b"{niet json")
    assert response.status_code == 400 and "error" in response.json()
    response = httpx.post(url, json={"model": "standin-model", "messages": [{"role": "x"}]})
    assert response.status_code == 400 and "invalid role" in response.json()["error"]
    assert httpx.get(url).status_code == 404
