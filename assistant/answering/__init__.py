"""Answers in llm mode: the chat model, its failures, and the grounding check of every sentence."""
