"""The HTTP API and web chat of ViA-assistent (FastAPI)."""
