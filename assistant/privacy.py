"""Redaction of personal data before a question is logged, stored or sent to a model."""

import re

from stdnum import iban
from stdnum.nl import bsn

# IBAN-shaped: country, check digits, groups of four (spaced or not); stdnum decides
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?)\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])(?:\+31|0031|0)[ -]?(?:\(0\))?(?:\d[ -]?){8}\d\b")
_NINE_DIGITS = re.compile(
    r"(?<![\d.-])(\d{4}[. ]?\d{2}[. ]?\d{3}|\d{3}[. ]?\d{3}[. ]?\d{3})(?![\d-])"
)
_POSTCODE = re.compile(r"\b[1-9]\d{3}[ ]?[A-Z]{2}\b(?:[ ,]+\d{1,5}(?:[ ]?[a-zA-Z]\b)?)?")
_STREET = re.compile(
    r"\b[A-Z][a-zà-ÿ]+(?:straat|laan|weg|plein|singel|gracht|dijk|hof|pad|kade|steeg|dreef|park)"
    r"[ ]+\d{1,5}[ ]?[a-zA-Z]?\b"
)
_BIRTH = re.compile(
    r"\b(geboren|geb\.|geboortedatum|geb\. ?datum|dob)(\s*(?:op|:)?\s*)"
    r"(\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2} \w+ \d{4})",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}\b")
_NAME = re.compile(
    r"\b(mevrouw|meneer|mevr\.|mw\.|dhr\.|de heer|juffrouw)\s+"
    r"((?:[A-Z]\.\s?)*(?:(?:van|de|der|den|ter|ten|el|al)\s+){0,2}[A-Z][\w'-]+)",
    re.IGNORECASE,
)


def _iban(shaped: str) -> str:
    """[IBAN] for the longest valid IBAN shaped starts with; an invalid one stays as written."""
    for end in range(len(shaped), 0, -1):
        if (end == len(shaped) or shaped[end] == " ") and iban.is_valid(
            shaped[:end],
            check_country=False,  # checksum and format; stdnum's bank list is partial
        ):
            return "[IBAN]" + redact(shaped[end:])
    return shaped


def _bsn(match: re.Match[str]) -> str:
    return "[BSN]" if bsn.is_valid(match.group(1)) else match.group(0)


def _name(match: re.Match[str]) -> str:
    return f"{match.group(1)} [NAAM]" if match.group(2).split()[-1][0].isupper() else match.group(0)


def redact(text: str) -> str:
    """Replace BSN, phone, e-mail, address, IBAN, birth dates and titled names by labels."""
    pieces = _IBAN.split(text)  # odd pieces are IBAN-shaped: their digits are no phone or BSN
    return "".join(_iban(p) if n % 2 else _redact_rest(p) for n, p in enumerate(pieces))


def _redact_rest(text: str) -> str:
    text = _EMAIL.sub("[E-MAIL]", text)
    text = _BIRTH.sub(lambda m: f"{m.group(1)}{m.group(2)}[GEBOORTEDATUM]", text)
    text = _DATE.sub("[DATUM]", text)
    text = _PHONE.sub("[TELEFOON]", text)
    text = _NINE_DIGITS.sub(_bsn, text)
    text = _POSTCODE.sub("[ADRES]", text)
    text = _STREET.sub("[ADRES]", text)
    return _NAME.sub(_name, text)
