"""Dutch BM25: tokenisation, Snowball stemming, compound splitting, bm25s scoring."""

import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from difflib import get_close_matches
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_WORD = re.compile(r"[a-z0-9à-ÿ]+")
# "TOP-3" is written "Top3" too: a word with a number joined by a hyphen also counts as one
# word, a word with a number attached also as its parts
_HYPHEN_NUMBER = re.compile(r"\b([a-zà-ÿ]+)-(\d+)\b")
_WORD_NUMBER = re.compile(r"([a-zà-ÿ]{2,})(\d+)")
_QUESTION_WORDS = {
    "wat",
    "welke",
    "hoe",
    "waar",
    "wanneer",
    "waarom",
    "wie",
    "ik",
    "we",
    "je",
    "jij",
    "lang",
    "vaak",
    "veel",
    "precies",
    "eigenlijk",
    "graag",
    "weten",
    "vraag",
    "uitleg",
    "leg",
    "uit",
    "gebeurt",
    "gebeuren",
    "moet",
    "mag",
    "kan",
    "kun",
    "doen",
    "nu",
    "eens",
    "even",
    "iemand",
    "betekent",
    "betekenis",
    "bedoeld",
    "bedoelt",
    "noem",
    "allemaal",
    "nou",
    "gewoon",
    "speciaals",  # "is er iets speciaals als ...": a frame, not the subject
    "bijzonders",
}
_STOPWORDS = frozenset(STOPWORDS_DUTCH) | _QUESTION_WORDS
_LINKS = ("", "s", "e", "en", "er")
_STEMMER = Stemmer.Stemmer("dutch")
_NUMBERED = re.compile(r"\b(stap|afweging|fase|norm|kerntaak|pijler)\s+(\d{1,2})\b", re.I)
logging.getLogger("bm25s").setLevel(logging.WARNING)


# words Snowball gives the stem of a word with another meaning: ouderen (the elderly) and
# ouders (parents) both become "ouder"
_OWN_STEM = {"ouderen": "oudere", "oudere": "oudere"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Dutch Snowball stem of a lower-case word."""
    return _OWN_STEM.get(word) or str(_STEMMER.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case content words of a text (stopwords removed)."""
    return [
        w
        for w in _WORD.findall(text.lower())
        if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())
    ]


def split_compound(word: str, vocabulary: frozenset[str]) -> list[str]:
    """Split a Dutch compound into two known words (longest head first), else []."""
    if len(word) < 8:
        return []
    for cut in range(len(word) - 4, 3, -1):
        head = word[:cut]
        if head not in vocabulary:
            continue
        for link in _LINKS:
            tail = word[cut + len(link) :]
            if word[cut:].startswith(link) and len(tail) >= 4 and tail in vocabulary:
                return [head, tail]
    return []


class LexicalIndex:
    """BM25 over stemmed Dutch tokens; compounds also contribute their parts."""

    def __init__(self, texts: list[str], *, compounds: bool = True) -> None:
        self.compounds = compounds
        self.vocabulary = frozenset(w for t in texts for w in words(t))
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            self._by_initial.setdefault(word[0], []).append(word)
        self._spelling: dict[str, str] = {}
        corpus = [self.tokens(t) for t in texts]
        self.df: Counter[str] = Counter(term for doc in corpus for term in set(doc))
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        self.size = len(texts)
        # coverage() sees the same question and sentences many times per answer
        self._terms: Callable[[str, bool], frozenset[str]] = lru_cache(maxsize=16384)(
            self._term_set
        )

    def _term_set(self, text: str, question: bool) -> frozenset[str]:
        return frozenset(self.tokens(text, question=question))

    def spelled(self, word: str) -> str:
        """A misspelled query word as the closest word of the corpus ("aandachtsfuntionaris")."""
        if word in self.vocabulary or len(word) < 6 or word.isdigit():
            return word
        if word not in self._spelling:
            near = get_close_matches(word, self._by_initial.get(word[0], []), n=1, cutoff=0.85)
            self._spelling[word] = near[0] if near else word
        return self._spelling[word]

    def tokens(self, text: str, *, question: bool = False) -> list[str]:
        """Stemmed tokens, plus compound parts, joined numbered terms ("stap3") and both forms
        of a word with a number ("top3", "top" "3"); a question's misspelled words are
        corrected first."""
        out: list[str] = []
        for found in words(text):
            word = self.spelled(found) if question else found
            out.append(stem(word))
            if word[-1].isdigit() and (joined := _WORD_NUMBER.fullmatch(word)):
                out.extend([stem(joined.group(1)), joined.group(2)])
            if self.compounds:
                out.extend(stem(p) for p in split_compound(word, self.vocabulary))
        out.extend(f"{m.group(1).lower()}{m.group(2)}" for m in _NUMBERED.finditer(text))
        if "-" in text:
            out.extend(f"{m.group(1)}{m.group(2)}" for m in _HYPHEN_NUMBER.finditer(text.lower()))
        return out

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        tokens = self.tokens(query, question=True)
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(tokens), dtype=np.float32)

    def idf(self, term: str) -> float:
        """Inverse document frequency; unseen terms weigh most."""
        return math.log((self.size + 1) / (self.df.get(term, 0) + 0.5))

    def coverage(self, query: str, text: str) -> float:
        """IDF-weighted share of the query's terms that occur in the text (0..1)."""
        terms = self._terms(query, True)
        if not terms:
            return 0.0
        present = self._terms(text, False)
        total = sum(self.idf(t) for t in terms)
        return sum(self.idf(t) for t in terms & present) / total if total > 0 else 0.0
