"""The `extractor` command line: a thin root app; heavy imports live inside commands.

Exit codes: 0 all articles converted (or a dataset valid); 3 some articles rejected;
2 usage errors (missing input, bad option); 1 internal error (including a produced
dataset that fails its own schema); `validate` uses 1 for an invalid dataset.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .commands.dataset import diff_cmd, validate_cmd
from .commands.evaluate import evaluate_cmd
from .commands.gazetteer import app as gazetteer_app

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Turn Arabic and English news articles into an ACLED-style event dataset, offline.")
app.add_typer(gazetteer_app, name="gazetteer", help="Build, extend and check the offline gazetteer.")
app.command("validate")(validate_cmd)
app.command("diff")(diff_cmd)
app.command("evaluate")(evaluate_cmd)


def _version(value: bool):
    if value:
        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None):
    """extractor: news articles to ACLED-style conflict events."""


@app.command()
def convert(
    inputs: Annotated[list[str], typer.Argument(
        help="Files (.txt .jsonl .ndjson .csv .html .htm), folders (recursive) or '-' for JSON Lines on stdin.")],
    out: Annotated[Path, typer.Option("--out", help="Dataset folder; each run adds a version.")] = Path("outputs"),
    published: Annotated[Optional[str], typer.Option(
        help="Publication date YYYY-MM-DD for articles that do not give one.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Source name for articles that do not give one.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="auto, ar or en.")] = "auto",
    label: Annotated[Optional[str], typer.Option(help="A label for the new version.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes to use; output is identical.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
):
    """Convert articles into a new validated dataset version (CSV, Parquet, manifest)."""
    from .convert import convert as run
    from .dataset import DatasetInvalid
    from .errors import InputError
    from .ingest import Defaults, parse_published
    from .versions import LockError, VersionError

    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING,
                        format="extractor: %(message)s")
    if lang not in ("auto", "ar", "en"):
        _fail(EXIT_USAGE, f"--lang must be auto, ar or en, not {lang!r}")
    try:
        day = parse_published(published, "--published") if published else None
    except Exception:  # noqa: BLE001 - reported as a usage error below
        _fail(EXIT_USAGE, f"--published {published!r} is not a date; use YYYY-MM-DD")
    defaults = Defaults(published=day, source=source or "", language="" if lang == "auto" else lang)
    show = not quiet and sys.stderr.isatty()
    try:
        with _progress(show) as tick:
            result = run(inputs, out, defaults, label=label, workers=workers, progress=tick)
    except InputError as exc:
        _fail(EXIT_USAGE, str(exc))
    except (LockError, VersionError) as exc:
        _fail(EXIT_USAGE, str(exc))
    except DatasetInvalid as exc:
        _fail(EXIT_INTERNAL, f"the produced dataset failed validation; nothing was written:\n{exc}")
    c = result.counts
    if not quiet:
        for r in result.rejected:
            typer.echo(f"rejected {r.origin}: {r.reason}", err=True)
        typer.echo(f"{c['articles_read']} articles read, {c['articles_converted']} converted, "
                   f"{c['articles_rejected']} rejected, {c['files_skipped']} files skipped; "
                   f"{c['events']} events -> {result.version_dir}", err=True)
    raise typer.Exit(EXIT_REJECTED if result.rejected else EXIT_OK)


def _fail(code: int, message: str):
    typer.echo(f"extractor: {message}", err=True)
    raise typer.Exit(code)


class _progress:
    """A progress counter on stderr for interactive runs (the total is unknown when streaming)."""

    def __init__(self, show: bool):
        self.show, self.n = show, 0

    def __enter__(self):
        return self.tick

    def tick(self, k: int):
        self.n += k
        if self.show and self.n % 50 == 0:
            sys.stderr.write(f"\r{self.n} articles")
            sys.stderr.flush()

    def __exit__(self, *exc):
        if self.show and self.n >= 50:
            sys.stderr.write("\n")
