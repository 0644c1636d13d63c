"""Typed exceptions of the library; only the CLI turns them into exit codes and messages."""
from __future__ import annotations


class ExtractorError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(ExtractorError):
    """An input path or option is unusable as a whole (exit code 2)."""


class ArticleError(ExtractorError):
    """One article cannot be read; it is rejected and the rest go on."""

    def __init__(self, origin: str, reason: str, article_id: str = ""):
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason
        self.article_id = article_id
