"""Eval suite: curated Q&A cases, metrics and the CI gate."""
