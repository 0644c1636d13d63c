"""extractor: news articles to ACLED-style conflict-event rows, offline."""

__version__ = "0.1.0"
