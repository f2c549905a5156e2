"""Retrieval: embedding backends, the Chroma store, Dutch BM25 and their fusion."""
