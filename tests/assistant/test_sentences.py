"""Dutch sentence splitting: abbreviations, numbers and list items end no sentence; real ends do."""

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.sentences import _plain_split, _pysbd_split, plain, split
from assistant.units import units


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Zie art. 5 van de wet.", ["Zie art. 5 van de wet."]),
        (
            "Art. 5 van de wet geldt. Dat is duidelijk.",
            ["Art. 5 van de wet geldt.", "Dat is duidelijk."],
        ),
        ("Dit melden o.a. de politie en de school.", ["Dit melden o.a. de politie en de school."]),
        ("Dit geldt o.a. Veilig Thuis.", ["Dit geldt o.a. Veilig Thuis."]),
        (
            "Denk aan bijv. een leerkracht. Die ziet veel.",
            ["Denk aan bijv. een leerkracht.", "Die ziet veel."],
        ),
        ("Bel bijv. Veilig Thuis. Dat kan altijd.", ["Bel bijv. Veilig Thuis.", "Dat kan altijd."]),
        ("Een brief t.a.v. de directeur.", ["Een brief t.a.v. de directeur."]),
        (
            "Afspraken m.b.t. de veiligheid. Leg ze vast.",
            ["Afspraken m.b.t. de veiligheid.", "Leg ze vast."],
        ),
        ("Stap 5, d.w.z. de beslissing.", ["Stap 5, d.w.z. de beslissing."]),
        ("Meld het z.s.m. bij Veilig Thuis.", ["Meld het z.s.m. bij Veilig Thuis."]),
        ("Ik sprak dhr. Jansen. Hij belde terug.", ["Ik sprak dhr. Jansen.", "Hij belde terug."]),
        ("Mevr. de Vries belde. Zij is bezorgd.", ["Mevr. de Vries belde.", "Zij is bezorgd."]),
        (
            "Veilig Thuis (0800-2000) is 24/7 bereikbaar.",
            ["Veilig Thuis (0800-2000) is 24/7 bereikbaar."],
        ),
        ("1. Breng signalen in kaart. 2. Overleg.", ["1. Breng signalen in kaart.", "2. Overleg."]),
        (
            "De vijf stappen:\n1. Signalen\n2. Overleg",
            ["De vijf stappen:", "1. Signalen", "2. Overleg"],
        ),
        (
            "Een huisverbod duurt tien dagen. Het kan worden verlengd tot 28 dagen.",
            ["Een huisverbod duurt tien dagen.", "Het kan worden verlengd tot 28 dagen."],
        ),
        (
            "Is er acuut gevaar? Bel 112! Daarna Veilig Thuis.",
            ["Is er acuut gevaar?", "Bel 112!", "Daarna Veilig Thuis."],
        ),
        (
            "Zie de meldcode [1]. Overleg altijd [2].",
            ["Zie de meldcode [1].", "Overleg altijd [2]."],
        ),
        (
            "Het is Kamerstuk 28 345, nr. 278, uit 2024. Lees het.",
            ["Het is Kamerstuk 28 345, nr. 278, uit 2024.", "Lees het."],
        ),
        (
            "Bronnen: https://example.nl/lijst?toon=1, https://example.nl/b?id=95",
            ["Bronnen: https://example.nl/lijst?toon=1, https://example.nl/b?id=95"],
        ),
        (
            "Stop Femicide!: het plan. Het loopt tot 2025.",
            ["Stop Femicide!: het plan.", "Het loopt tot 2025."],
        ),
        (
            "Zie art. 5 (o.a. Jansen. Hij belde) en Veilig Thuis. Dat is goed.",
            ["Zie art. 5 (o.a. Jansen. Hij belde) en Veilig Thuis.", "Dat is goed."],
        ),
        (
            "Bel dhr. Jansen. Hij weet het. Zij niet.",
            ["Bel dhr. Jansen.", "Hij weet het.", "Zij niet."],
        ),
        (
            "Melden mag bij uitzondering. 2. Rechtsbeschermend: rechtsbijstand. 3. Klaar.",
            [
                "Melden mag bij uitzondering.",
                "2. Rechtsbeschermend: rechtsbijstand.",
                "3. Klaar.",
            ],
        ),
        (
            "Het huisverbod staat in stap 3. Dan volgt stap 4.",
            ["Het huisverbod staat in stap 3.", "Dan volgt stap 4."],
        ),
        ("", []),
    ],
)
def test_split(text: str, sentences: list[str]) -> None:
    assert split(text) == sentences


WORDS = [
    "Zie",
    "art.",
    "5",
    "o.a.",
    "Veilig",
    "Thuis",
    "(0800-2000)",
    "24/7",
    "bereikbaar.",
    "112!",
]
WORDS += ["nu?", "dhr.", "Jansen", "[1]", "https://a.nl/x?y=1", "Femicide!:", "...", "“citaat”"]
WORDS += ["1.", "\n", "enz.", "Mevr.", "de", "bijv.", "t.a.v.", "(zie", "p.", "3).", "?", "!", "."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=30))
def test_no_text_is_lost(words: list[str]) -> None:
    text = " ".join(words)
    assert re.sub(r"\s", "", "".join(split(text))) == re.sub(r"\s", "", text)


@pytest.mark.parametrize(
    "second",
    [
        "Het gaat in ieder geval om casussen met meervoudige problematiek.",
        "Het betreft casussen met meervoudige problematiek.",
        "Dit betekent dat er meervoudige problematiek is.",
    ],
)
def test_a_sentence_that_refers_back_stays_with_the_one_before(second: str) -> None:
    first = "Er is geen eenduidige definitie van complexe casuïstiek."
    assert units(f"{first} {second}", keep_lists=False) == [(f"{first} {second}", False)]


def test_a_list_unit_carries_the_lead_in_line_right_before_its_items() -> None:
    body = "Stap 5 is beslissen. Dat gaat zo.\nDe twee beslissingen zijn:\n1. Melden?\n2. Hulp?"
    assert units(body, keep_lists=True) == [
        ("Stap 5 is beslissen.", False),
        ("Dat gaat zo.", False),
        ("De twee beslissingen zijn:\n1. Melden?\n2. Hulp?", True),
    ]
    assert units(body, keep_lists=False)[-1] == ("1. Melden?\n2. Hulp?", True)


def _corpus_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(Path("corpus").rglob("*.md")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            texts += [paragraph, *(line for line in paragraph.splitlines() if line.strip())]
    return texts


def test_the_plain_split_agrees_with_pysbd_on_every_corpus_paragraph_it_takes() -> None:
    taken = [t for t in _corpus_texts() if plain(t)]
    assert len(taken) > 1000  # the fast path is the common one
    assert [t for t in taken if _plain_split(t) != _pysbd_split(t)] == []


def test_split_agrees_with_pysbd_on_corpus_paragraphs_and_shuffled_corpus_sentences() -> None:
    texts = _corpus_texts()
    material = [s for t in texts if "\n" not in t and not t.startswith("#") for s in split(t)]
    rng = random.Random(3)
    texts += [" ".join(rng.sample(material, 5)) for _ in range(500)]
    assert [t for t in texts if split(t) != list(_pysbd_split(t))] == []


@pytest.mark.parametrize(
    ("text", "is_plain"),
    [
        ("Een huisverbod duurt tien dagen. Het kan worden verlengd.", True),
        ("Bel 112! Daarna Veilig Thuis.\n- melden;\n- bespreken.", True),
        ("Zie art. 5 van de wet.", False),
        ("Ik sprak dhr. Jansen.", False),
        ("Dit melden o.a. de politie.", False),
        ("Stap 1. Signalen", False),
        ("Het loopt tot 2025. Lees het.", False),
        ("Het plan Stop Femicide! wil geweld voorkomen.", False),
        ("Zij zei: “ga weg.” Toen ging hij.", False),
    ],
)
def test_plain_text_has_no_full_stop_that_could_be_something_else(
    text: str, is_plain: bool
) -> None:
    assert plain(text) is is_plain


MORE_WORDS = [*WORDS, "melden.", "Het", "kind", "zegt", "veilig.", "ja)", "Thuis).", "nr.", "2024."]
MORE_WORDS += ["A.", "5%.", "jl.", ";", ":", "-", "•", "Oss.", "Wat?", "Ja!", "(VT)", "08:00."]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(MORE_WORDS), max_size=30))
def test_the_plain_split_agrees_with_pysbd_on_generated_text(words: list[str]) -> None:
    text = " ".join(words)
    if plain(text):
        assert _plain_split(text) == _pysbd_split(text)
