"""Grounding check: a generated sentence is shown only when the passage(s) it cites support it.

Support has four parts, all measured against the cited passages:
- facts: every number, amount, date, month, phone number and link in the sentence occurs there;
- words: the IDF-weighted share of the sentence's (stemmed, compound-split) terms found there;
- polarity: it neither affirms what the passage denies (niet, geen, zonder ...) nor the reverse;
- meaning: the cosine of the sentence and the closest passage sentence under the bundled
  multilingual-e5-small model. e5 similarities are compressed (unrelated Dutch texts score about
  0.75-0.8), so meaning only tips the balance when enough of the words are there too.
An uncited sentence keeps a citation only when one passage supports it clearly (stricter bar).
"""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer import Passage
from assistant.answering.sentences import SentenceBuffer
from assistant.citations import validate
from assistant.retrieval.embeddings import BundledEmbeddings
from assistant.retrieval.lexical import LexicalIndex
from assistant.sentences import split
from assistant.units import LIST_LINE, body_of


@dataclass(frozen=True)
class Thresholds:
    """When words and meaning count as support (calibrated on evals/grounding/calibration.yaml)."""

    meaning_floor: float = 0.88
    words: float = 0.75
    words_low: float = 0.6
    meaning: float = 0.92
    uncited_words: float = 0.8
    uncited_meaning: float = 0.9

    def supports(self, words: float, meaning: float, cited: bool) -> bool:
        """Cited: enough words, or fewer words with closer meaning. Uncited: both, stricter."""
        if not cited:
            return words >= self.uncited_words and meaning >= self.uncited_meaning
        return meaning >= self.meaning_floor and (
            words >= self.words or (words >= self.words_low and meaning >= self.meaning)
        )


@dataclass
class Verdict:
    """The outcome for one sentence: kept or not, why, and the measures behind it."""

    text: str
    kept: bool
    reason: str
    cited: list[int]
    words: float = 0.0
    meaning: float = 0.0
    quotes: dict[int, str] = field(default_factory=dict)


_URL = re.compile(r"https?://[^\s)\]>]+")
_MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip
_NUMERAL_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
    "negentig": 90, "honderd": 100, "duizend": 1000, "tweede": 2, "derde": 3, "vierde": 4,
    "vijfde": 5, "zesde": 6, "zevende": 7, "achtste": 8, "negende": 9, "tiende": 10,
    "dubbel": 2, "half": 0.5, "helft": 0.5, "anderhalf": 1.5,
}  # fmt: skip
_NUMERAL = re.compile(r"\b(" + "|".join(_NUMERAL_WORDS) + r")\b")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_PHONE = re.compile(r"\b0\d{2,3}[- ]?\d{3,4}(?:[- ]?\d{2,4})?\b|\b112\b")
_NUMBER = re.compile(r"\d+(?:\.\d+){2,}|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+[.,]\d+|\d+")
_IDIOMS = re.compile(r"\bin acht\b")  # "in acht nemen": no number
_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_CLAUSE = re.compile(r",\s*(?=(?:maar|want|terwijl|omdat|dus|of|en)\s)|;\s*|\s+-\s+")
_NEGATION = re.compile(r"\b(niet|geen|nooit|niets|niemand|nergens|zonder)\b")


def _number(token: str) -> str:
    """'1.250,50' → '1250.5', '007' → '7', '3,5' → '3.5'; '5.2.6' stays: one spelling per value."""
    if token.count(".") > 1 or len(token) > 15:
        return token
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        token = token.replace(".", "")
    return f"{float(token.replace(',', '.')):g}"


def facts(text: str) -> set[str]:
    """Numbers (digits or words), months, phone numbers and links a text states."""
    lowered = text.lower()
    found = {f"url:{u.rstrip('.,;:')}" for u in _URL.findall(lowered)}
    lowered = _URL.sub(" ", lowered)
    lowered = _NUMERIC_DATE.sub(
        lambda m: (
            f"{m.group(1)} {_MONTHS[int(m.group(2)) - 1]} {m.group(3)}"
            if 1 <= int(m.group(2)) <= 12
            else m.group(0)
        ),
        lowered,
    )
    for phone in _PHONE.findall(lowered):
        found.add("tel:" + re.sub(r"\D", "", phone))
    lowered = _IDIOMS.sub(" ", _PHONE.sub(" ", lowered))
    found |= {f"maand:{m}" for m in _MONTH.findall(lowered)}
    found |= {_number(str(_NUMERAL_WORDS[w])) for w in _NUMERAL.findall(lowered)}
    found |= {_number(n) for n in _NUMBER.findall(lowered)}
    return found


def claim(sentence: str) -> str:
    """The sentence without citation markers, list bullets and emphasis: what it claims."""
    text = _MARKER.sub("", sentence)
    return LIST_LINE.sub("", text).replace("**", "").replace("__", "").strip()


def grounding_model(index_model: Embeddings | None, threads: int = 0) -> BundledEmbeddings:
    """The bundled model the thresholds are calibrated on: the index's own when it is that one."""
    if isinstance(index_model, BundledEmbeddings):
        return index_model
    return BundledEmbeddings(threads)


class Grounder:
    """Checks generated sentences against passages with the bundled model and Dutch BM25 terms."""

    def __init__(
        self, embeddings: Embeddings, thresholds: Thresholds | None = None, cache: int = 4096
    ) -> None:
        self.embeddings = embeddings
        self.thresholds = thresholds or Thresholds()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = cache
        self._lock = threading.Lock()

    def checker(self, passages: list[Passage], lexical: LexicalIndex) -> "Checker":
        """A checker for one answer over these passages."""
        return Checker(self, passages, lexical)

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of passage sentences (cached by text)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            new = self.embeddings.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, new, strict=True):
                    self._cache[text] = _unit(vector)
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        with self._lock:
            return np.stack([self._cache[t] for t in texts])

    def vector(self, sentence: str) -> np.ndarray:
        """Unit vector of a generated sentence."""
        return _unit(self.embeddings.embed_query(sentence))


def _unit(vector: list[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


class Checker:
    """One answer's check: feed model text, get back only the sentences that passed."""

    def __init__(self, grounder: Grounder, passages: list[Passage], lexical: LexicalIndex) -> None:
        self.grounder = grounder
        self.passages = passages
        self.lexical = lexical
        self.verdicts: list[Verdict] = []
        self.text = ""
        self._buffer = SentenceBuffer()
        self._break = ""
        self._units: dict[int, list[str]] = {}
        self._facts: dict[int, set[str]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def dropped(self) -> list[str]:
        """The sentences that were not shown, as the model wrote them."""
        return [v.text for v in self.verdicts if not v.kept and v.reason != "format"]

    @property
    def quotes(self) -> dict[int, list[str]]:
        """Passage number → the passage sentences that support the kept sentences citing it."""
        out: dict[int, list[str]] = {}
        for verdict in self.verdicts:
            for n, quote in verdict.quotes.items() if verdict.kept else ():
                if quote not in out.setdefault(n, []):
                    out[n].append(quote)
        return out

    def feed(self, piece: str) -> str:
        """Checked text that may be shown now (empty while a sentence is unfinished)."""
        return "".join(self._emit(unit) for unit in self._buffer.feed(piece))

    def flush(self) -> str:
        """Checked text of the last sentence(s)."""
        return "".join(self._emit(unit) for unit in self._buffer.flush())

    def _emit(self, unit: str) -> str:
        lead = unit[: len(unit) - len(unit.lstrip())]
        if "\n" in lead:
            self._break = "\n\n" if lead.count("\n") > 1 or self._break == "\n\n" else "\n"
        verdict = self.check(unit.strip())
        self.verdicts.append(verdict)
        if not verdict.kept:
            return ""
        shown = (self._break or " ") + verdict.text if self.text else verdict.text
        self._break = ""
        self.text += shown
        return shown

    def check(self, sentence: str) -> Verdict:
        """Keep a sentence its cited passages support; cite an uncited one only when clear."""
        text, cited = validate(sentence, len(self.passages))
        said = claim(text)
        if not re.search(r"\w", said):
            return Verdict(sentence, False, "format", cited)
        if cited:
            verdict = self._judge(said, cited, uncited=False)
            verdict.text = text if verdict.kept else sentence
            return verdict
        candidates = [
            self._judge(said, [n], uncited=True) for n in range(1, len(self.passages) + 1)
        ]
        kept = [c for c in candidates if c.kept]
        if not kept:
            best = max(candidates, key=lambda c: (c.words, c.meaning), default=None)
            words, meaning = (best.words, best.meaning) if best else (0.0, 0.0)
            return Verdict(sentence, False, "uncited", [], words, meaning)
        best = max(kept, key=lambda c: (c.words, c.meaning))
        best.text, best.reason = _with_marker(text, best.cited[0]), "cited_added"
        return best

    def _judge(self, said: str, cited: list[int], uncited: bool) -> Verdict:
        """Facts first, then words, then meaning against the passages numbered in cited."""
        source_facts = set().union(*(self._passage_facts(n) for n in cited))
        if not facts(said) <= source_facts:
            return Verdict(said, False, "fact", cited)
        source = "\n".join(self.passages[n - 1].text for n in cited)
        words = self.lexical.coverage(said, source)
        verdict = Verdict(said, False, "unsupported", cited, words=round(words, 3))
        t = self.grounder.thresholds
        if words < (t.uncited_words if uncited else t.words_low):
            return verdict
        vector = self._vector(said)
        aligned, closest = "", -1.0
        for n in cited:
            units = self._passage_units(n)
            meaning = self.grounder.vectors(units) @ vector
            fit = [m + self.lexical.coverage(said, u) for m, u in zip(meaning, units, strict=True)]
            best = int(np.argmax(fit))
            verdict.quotes[n] = units[best]
            verdict.meaning = max(verdict.meaning, round(float(meaning.max()), 3))
            if fit[best] > closest:
                aligned, closest = units[best], fit[best]
        if not self._same_polarity(said, aligned):
            verdict.reason = "contradiction"
        elif t.supports(words, verdict.meaning, cited=not uncited):
            verdict.kept, verdict.reason = True, "supported"
        return verdict

    def _same_polarity(self, said: str, unit: str) -> bool:
        """False when the sentence affirms what the passage sentence denies, or denies what the
        passage clauses it matches affirm (compared clause by clause)."""
        sources, clauses = _CLAUSE.split(unit), _CLAUSE.split(said)
        affirmed = {t for s in sources if not _negated(s) for t in self.lexical.tokens(s)}
        for source in sources:
            denied = self._negated_terms(source) - affirmed
            for clause in clauses:
                if denied & set(self.lexical.tokens(clause)) and not _negated(clause):
                    return False
        for clause in filter(_negated, clauses):
            overlap = [self.lexical.coverage(clause, source) for source in sources]
            close = [s for s, o in zip(sources, overlap, strict=True) if o >= max(overlap) / 2]
            if max(overlap) > 0 and not any(_negated(s) for s in close):
                return False
        return True

    def _negated_terms(self, clause: str) -> set[str]:
        """The (stemmed) terms right after a negation: what the clause denies."""
        found = _NEGATION.search(clause.lower())
        return set(self.lexical.tokens(clause[found.end() :])[:3]) if found else set()

    def _vector(self, said: str) -> np.ndarray:
        if said not in self._vectors:
            self._vectors[said] = self.grounder.vector(said)
        return self._vectors[said]

    def _passage_units(self, n: int) -> list[str]:
        if n not in self._units:
            body = body_of(self.passages[n - 1])
            units = [u for u in split(body) if not u.startswith("Bronnen:")]
            self._units[n] = units or [body]
        return self._units[n]

    def _passage_facts(self, n: int) -> set[str]:
        if n not in self._facts:
            self._facts[n] = facts(self.passages[n - 1].text)
        return self._facts[n]


def _negated(text: str) -> bool:
    """Whether a sentence says something is not so (niet, geen, nooit, ...)."""
    return bool(_NEGATION.search(text.lower()))


def _with_marker(text: str, n: int) -> str:
    """Add [n] at the end of a sentence (before a closing ':' of a lead-in)."""
    if text.endswith(":"):
        return f"{text[:-1]} [{n}]:"
    return f"{text} [{n}]"
