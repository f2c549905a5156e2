"""Redaction of each kind of personal data, and near-misses that must be kept."""

import pytest

from assistant.privacy import passes_elfproef, redact


@pytest.mark.parametrize(
    ("text", "gone", "label"),
    [
        ("BSN van het kind is 111222333.", "111222333", "[BSN]"),
        ("bsn 123.456.782 bekend", "123.456.782", "[BSN]"),
        ("Bel moeder op 06-12345678.", "06-12345678", "[TELEFOON]"),
        ("of +31 6 1234 5678 bellen", "1234 5678", "[TELEFOON]"),
        ("vast nummer 0412-642605", "642605", "[TELEFOON]"),
        ("mail naar j.jansen@example.nl", "jansen@example.nl", "[E-MAIL]"),
        ("woont op 5341 AB 12 in Oss", "5341 AB", "[ADRES]"),
        ("adres Kerkstraat 14a", "Kerkstraat 14a", "[ADRES]"),
        ("rekening NL91ABNA0417164300", "NL91ABNA0417164300", "[IBAN]"),
        ("rekening NL91 ABNA 0417 1643 00", "0417 1643", "[IBAN]"),
        ("het kind is geboren 03-04-2015", "03-04-2015", "[GEBOORTEDATUM]"),
        ("geboortedatum: 3 april 2015", "3 april 2015", "[GEBOORTEDATUM]"),
        ("ik sprak mevrouw Jansen gisteren", "Jansen", "[NAAM]"),
        ("dhr. P. de Vries is de vader", "de Vries", "[NAAM]"),
        ("meneer van den Berg belde", "van den Berg", "[NAAM]"),
    ],
)
def test_redacts(text: str, gone: str, label: str) -> None:
    redacted = redact(text)
    assert gone not in redacted
    assert label in redacted


@pytest.mark.parametrize(
    "text",
    [
        "nummer 123456789 voldoet niet aan de 11-proef",
        "bel Veilig Thuis op 0800-2000 of 112",
        "de wet geldt sinds 1 juli 2013 en stap 3 van de meldcode",
        "meneer zegt dat hij bang is",
        "Kamerstuk 33062 en 28 345 nr. 278",
    ],
)
def test_keeps_near_misses(text: str) -> None:
    assert redact(text) == text


def test_elfproef() -> None:
    assert passes_elfproef("111222333") and passes_elfproef("123456782")
    assert not passes_elfproef("123456789") and not passes_elfproef("000000000")
