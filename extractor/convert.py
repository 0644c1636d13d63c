"""The convert job: read inputs, extract events article by article, write a version.

One bad article never stops the rest: it becomes a rejection with its origin and
reason. With several workers, articles are processed in parallel but results are
taken in input order, so the output equals a one-worker run byte for byte.
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path

from .assemble import Extraction, extract, warm_up
from .errors import ArticleError
from .ingest import Defaults, Reader
from .records import Article, Rejection

log = logging.getLogger(__name__)
# Articles sent to a worker at once, and chunks in flight per worker. Each chunk sent wakes
# the pool's task and worker-handling threads in the parent: with chunks of 8 the parent spent
# 8.1-8.4 s of CPU on 10,000 mixed articles with two workers, with chunks of 64 5.7-6.8 s (the
# workers share the same two cores). 128 articles in flight per worker stay small in memory.
CHUNK = 64
WINDOW = 2
# The cyclic collector's first threshold during a conversion (Python's default is 700). An
# article allocates thousands of containers that mostly die by reference counting when it is
# done; at 700 the collector ran every few dozen tokens' worth of work and promoted the
# survivors to older generations, whose scans walk every lexicon and memo: 0.4-0.7 ms of
# collections per 500-word Arabic article, about 0.1 ms at this threshold.
GC_THRESHOLD = 10_000


@dataclass
class ConvertResult:
    """What a conversion did: the version written and its accounting."""

    version_dir: Path
    counts: dict[str, int]
    rejected: list[Rejection] = field(default_factory=list)


def extract_safely(article: Article) -> Extraction | Rejection:
    """Events of one article, or a rejection saying why it could not be converted."""
    try:
        return extract(article)
    except ArticleError as exc:
        return Rejection(exc.origin, exc.reason, exc.article_id or article.id)
    except Exception as exc:  # noqa: BLE001 - one article's bug must not stop the run
        log.exception("internal error on article %s (%s)", article.id, article.origin)
        return Rejection(article.origin, f"internal error: {exc!r}; please report it", article.id)


def extract_all(items: Iterable[Article | Rejection], workers: int = 1
                ) -> Iterator[Extraction | Rejection]:
    """Extractions (or rejections) in input order, using ``workers`` processes."""
    if workers <= 1:
        yield from map(_dispatch, items)
        return
    items = iter(items)
    chunk = list(itertools.islice(items, CHUNK))  # a missing input fails before anything loads
    if not chunk:
        return
    # Loaded once here, the pipelines, lexicons and gazetteer are shared by the forked
    # workers (copy on write) instead of loaded again by each; frozen, the workers' full
    # collections do not walk them (see _convert).
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - as with one worker, each article meets the error and is rejected
        log.exception("could not load the extraction pipelines")
    gc.freeze()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        # A bounded window of chunks in flight, refilled as the oldest is taken: workers never
        # wait at a batch boundary, and at most WINDOW chunks per worker are in memory.
        window: deque[tuple[list, AsyncResult]] = deque()
        while chunk:
            window.append((chunk, pool.apply_async(_dispatch_chunk, (chunk,))))
            if len(window) >= WINDOW * workers:
                yield from _rejoin(*window.popleft())
            chunk = list(itertools.islice(items, CHUNK))
        while window:
            yield from _rejoin(*window.popleft())


def _dispatch_chunk(chunk: list[Article | Rejection]) -> list[tuple | Rejection]:
    """In a worker: each article's result, without the article (the parent has it: its text
    need not travel back)."""
    results = map(_dispatch, chunk)
    return [r if isinstance(r, Rejection) else (r.language, r.events, r.unresolved_dates)
            for r in results]


def _rejoin(chunk: list[Article | Rejection], pending: AsyncResult) -> Iterator[Extraction | Rejection]:
    """A chunk's results as :func:`_dispatch` gives them, each article joined to its own."""
    for item, result in zip(chunk, pending.get()):
        yield result if isinstance(result, Rejection) else Extraction(item, *result)


@contextlib.contextmanager
def _collector_for_batch_work() -> Iterator[None]:
    """Run a conversion with a collector tuned for it: a higher first threshold (workers
    forked inside the block inherit it), the previous thresholds restored after."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _dispatch(item: Article | Rejection) -> Extraction | Rejection:
    return item if isinstance(item, Rejection) else extract_safely(item)


def convert(inputs: list[str], out_dir: Path, defaults: Defaults = Defaults(), *,
            label: str | None = None, workers: int = 1,
            progress: Callable[[int], None] | None = None) -> ConvertResult:
    """Convert ``inputs`` (files, folders, '-') into a new version under ``out_dir``.

    Streams: articles are read lazily and each article's events go to the version writer,
    which keeps at most one batch of them in memory.
    """
    with _collector_for_batch_work():
        return _convert(inputs, out_dir, defaults, label, workers, progress)


def _convert(inputs: list[str], out_dir: Path, defaults: Defaults, label: str | None, workers: int,
             progress: Callable[[int], None] | None) -> ConvertResult:
    from . import versions  # polars and pandera load only when a dataset is written
    from .places import default_gazetteer

    reader = Reader(defaults)
    rejected: list[Rejection] = []
    counts = {"articles_read": 0, "articles_converted": 0, "articles_rejected": 0,
              "articles_with_events": 0, "events_unresolved_date": 0}
    results = extract_all(reader.read(inputs), workers)
    # The first result checks the inputs (a missing one is a usage error before the output
    # folder is touched) and starts the worker processes: forked before the folder's lock is
    # taken, they never hold its descriptor (a lock must die with the run that took it).
    first = next(results, None)
    # Pipelines, lexicons and the gazetteer are loaded now and live as long as the process:
    # frozen, the collector's full scans no longer walk them.
    gc.freeze()
    with versions.RunWriter(out_dir, label) as writer:
        for result in itertools.chain([] if first is None else [first], results):
            counts["articles_read"] += 1
            if isinstance(result, Rejection):
                rejected.append(result)
                counts["articles_rejected"] += 1
            else:
                counts["articles_converted"] += 1
                counts["articles_with_events"] += bool(result.events)
                counts["events_unresolved_date"] += result.unresolved_dates
                writer.add(result.events, result.article.id)
            if progress:
                progress(1)
        counts["files_skipped"] = len(reader.skipped)
        counts["events"] = writer.events_added
        inputs_info = [{"path": f.path, "sha256": f.sha256, "format": f.format,
                        "articles": f.articles, "rejected": f.rejected} for f in reader.files]
        version_dir = writer.finish(
            rejected=rejected, inputs=inputs_info, counts=counts,
            extra={"skipped_files": reader.skipped,
                   # what the places came from: package versions and imported GeoNames dumps
                   "gazetteer": default_gazetteer().manifest})
    return ConvertResult(version_dir, counts, rejected)
