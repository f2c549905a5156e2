"""Tests of llm mode: the chat model over real protocols, the grounding check, fallbacks."""
