"""Loading, chunking and incremental indexing of the corpus."""
