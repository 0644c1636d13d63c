"""Typer sub-applications, one module per command group, joined in :mod:`extractor.cli`."""
