"""Tests of the chat channel adapters."""
