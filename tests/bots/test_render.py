"""Telegram HTML rendering: escaping, the emergency line first, splitting under 4,096."""

import html
import re

from assistant import messages
from assistant.answer import Answer, Citation, Pointer
from bots.telegram import render, texts
from tests.bots.standin import html_problem


def citation(
    n: int, title: str = "Meldcode", url: str = "https://example.org/m?a=1&b=2"
) -> Citation:
    """A citation as the answering core produces it."""
    return Citation(
        n=n, chunk_id=f"c{n}", doc_id="d", title=title, section="Stap 3", page="4", url=url
    )


def long_answer() -> Answer:
    """Thirty paragraphs of ~300 characters, some with '<' and '&', and three citations."""
    paragraphs = [
        f"Alinea {i}: " + ("signalen & overleg <in de wijk> " * 10).strip() for i in range(30)
    ]
    return Answer(
        status="answered",
        text="\n\n".join(paragraphs),
        citations=[citation(n) for n in (1, 2, 3)],
    )


def visible(part: str) -> str:
    """The text Telegram shows for an HTML part."""
    return html.unescape(re.sub(r"<[^>]+>", "", part))


def test_a_long_answer_is_split_at_paragraphs_with_citations_in_the_last_part() -> None:
    answer = long_answer()
    parts = render.answer_parts(answer)
    assert len(parts) >= 3
    assert all(len(p) <= render.LIMIT and not html_problem(p) for p in parts)
    assert all(p.startswith("Alinea ") for p in parts)  # each part starts at a paragraph
    assert [texts.CITATIONS_HEADER in p for p in parts] == [False] * (len(parts) - 1) + [True]
    body = "\n\n".join(visible(p) for p in parts).split("\n\nBronnen\n")[0]
    assert body == answer.text


def test_one_paragraph_longer_than_the_limit_is_cut_at_sentences() -> None:
    sentence = "Bespreek de signalen met de aandachtsfunctionaris & leg dit vast. "
    answer = Answer(status="answered", text=sentence * 200)
    parts = render.answer_parts(answer, limit=1000)
    assert len(parts) > 1
    assert all(len(p) <= 1000 and p.endswith("vast.") for p in parts)
    assert " ".join(visible(p) for p in parts) == answer.text.strip()


def test_a_long_paragraph_is_not_cut_after_an_abbreviation() -> None:
    sentence = "Zie art. 5 en bel o.a. Veilig Thuis, d.w.z. 0800-2000 & leg dit vast. "
    answer = Answer(status="answered", text=sentence * 200)
    parts = render.answer_parts(answer, limit=1000)
    assert len(parts) > 1
    assert all(visible(p).startswith("Zie art. 5") and p.endswith("vast.") for p in parts)


def test_titles_sections_and_links_are_escaped() -> None:
    odd = citation(1, title="Zorg & Veiligheid <Oss>", url='https://e.org/?q="x"&r=<1>')
    answer = Answer(status="answered", text="Gebruik de <b> niet & zo.", citations=[odd])
    (part,) = render.answer_parts(answer)
    assert not html_problem(part)
    assert "Gebruik de &lt;b&gt; niet &amp; zo." in part
    assert 'href="https://e.org/?q=&quot;x&quot;&amp;r=&lt;1&gt;"' in part
    assert "Zorg &amp; Veiligheid &lt;Oss&gt;</a> — Stap 3, p. 4" in part


def test_links_are_only_made_for_web_addresses() -> None:
    assert render.link("Brief", "javascript:alert(1)") == "Brief"
    assert render.link("Brief", "https://oss.nl/x").startswith('<a href="https://oss.nl/x">')


def test_the_emergency_line_comes_first_and_only_once() -> None:
    answer = Answer(status="emergency", alert=messages.EMERGENCY, text="Blijf bij het kind.")
    first, *_ = render.answer_parts(answer)
    assert first.startswith(texts.ACUTE) and first.count("112") == 1
    (after,) = render.answer_parts(answer, acute_sent=True)
    assert "112" not in after and after.startswith("Blijf bij het kind.")


def test_the_telegram_html_check_refuses_what_telegram_refuses() -> None:
    assert html_problem("<b>ok</b> &amp; <a href='x'>ja</a>") == ""
    assert html_problem("1 < 2")
    assert html_problem("A & B")
    assert html_problem("<div>x</div>")
    assert html_problem("<b>open")
    assert html_problem("x" * 4097)


def test_see_also_and_tip_follow_the_answer_as_their_own_blocks() -> None:
    answer = Answer(
        status="answered",
        text="Een huisverbod duurt in beginsel 10 dagen. [1]",
        see_also=[
            Pointer(n=2, title="Wet tijdelijk huisverbod", section="Wie legt een huisverbod op"),
            Pointer(n=3, title="Begrippen & <definities>"),
        ],
        tip="Loop de stappen samen door met de Meldcode-wegwijzer.",
    )
    (part,) = render.answer_parts(answer)
    body, see_also, tip = part.split("\n\n")
    assert body == "Een huisverbod duurt in beginsel 10 dagen. [1]"
    assert see_also == (
        "<i>Zie ook:</i> Wet tijdelijk huisverbod — Wie legt een huisverbod op [2]; "
        "Begrippen &amp; &lt;definities&gt; [3]"
    )
    assert tip == "<i>Loop de stappen samen door met de Meldcode-wegwijzer.</i>"
