"""Redaction of each kind of personal data, and near-misses that must be kept."""

import pytest

from assistant.privacy import redact


@pytest.mark.parametrize(
    ("text", "gone", "label"),
    [
        ("BSN van het kind is 111222333.", "111222333", "[BSN]"),
        ("bsn 123.456.782 bekend", "123.456.782", "[BSN]"),
        ("bsn 123456782 bekend", "123456782", "[BSN]"),
        ("Bel moeder op 06-12345678.", "06-12345678", "[TELEFOON]"),
        ("of +31 6 1234 5678 bellen", "1234 5678", "[TELEFOON]"),
        ("vast nummer 0412-642605", "642605", "[TELEFOON]"),
        ("mail naar j.jansen@example.nl", "jansen@example.nl", "[E-MAIL]"),
        ("woont op 5341 AB 12 in Oss", "5341 AB", "[ADRES]"),
        ("adres Kerkstraat 14a", "Kerkstraat 14a", "[ADRES]"),
        ("rekening NL91ABNA0417164300", "NL91ABNA0417164300", "[IBAN]"),
        ("rekening NL91 ABNA 0417 1643 00", "0417 1643", "[IBAN]"),
        ("Duitse rekening DE89 3704 0044 0532 0130 00.", "0532 0130", "[IBAN]"),
        ("Duitse rekening DE89370400440532013000", "370400440532013000", "[IBAN]"),
        ("Belgische rekening BE68 5390 0754 7034", "0754 7034", "[IBAN]"),
        ("Belgische rekening BE68539007547034", "539007547034", "[IBAN]"),
        ("Belgische rekening BE71 0961 2345 6769", "2345 6769", "[IBAN]"),
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
        "nummers 000000000 en 12345678 zijn geen BSN",
        "Staatscourant 2024, nummer 37825",
        "bel 0800-2000 en lees artikel 5 van de Wet meldcode",
        "checksum fout: DE89 3704 0044 0532 0130 01 en BE68 5390 0754 7035",
        "te kort of onbekend land: DE89 3704 0044 0532 0130 en XX89 3704 0044 0532 0130 00",
        "formulier AB12 CDEF 3456 7890 12 is geen rekening",
    ],
)
def test_keeps_near_misses(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "maak 1250 euro over naar BE68 5390 0754 7034 1250",
            "maak 1250 euro over naar [IBAN] 1250",
        ),
        ("IBAN DE89 3704 0044 0532 0130 00 van de vader", "IBAN [IBAN] van de vader"),
        ("NL91ABNA0417164300 en BE68539007547034", "[IBAN] en [IBAN]"),
        ("DE89 3704 0044 0532 0130 00 BSN 111222333", "[IBAN] BSN [BSN]"),
    ],
)
def test_an_iban_ends_where_its_checksum_holds(text: str, expected: str) -> None:
    assert redact(text) == expected
