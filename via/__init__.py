"""Composition: the command line and the HTTP app with its channels, built from the core."""
