"""Errors of ViA-assistent; messages are Dutch because they reach users."""


class ViaError(Exception):
    """Base class: the message is safe to show to a user."""


class IndexMissingError(ViaError):
    """The index has not been built yet."""

    def __init__(self) -> None:
        super().__init__("Index nog niet opgebouwd: voer `via ingest` uit.")


class IndexMismatchError(ViaError):
    """The index was built with another embedding model."""


class EmbeddingBackendError(ViaError):
    """The configured embedding backend cannot be loaded; the message names the alternative."""


class StoreUnavailableError(ViaError):
    """The Chroma server cannot be reached."""


class DocumentError(ViaError):
    """A document could not be loaded; the message names the reason."""


class QuestionError(ViaError):
    """A question is empty or too long."""


class LLMUnavailableError(ViaError):
    """The configured chat model cannot be used."""


class FlowError(ViaError):
    """A guided walk (Meldcode-wegwijzer) got an unknown step, an invalid choice or a bad state."""
