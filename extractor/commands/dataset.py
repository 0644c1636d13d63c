"""``extractor validate`` and ``extractor diff``: checking and comparing dataset versions.

Registered by the CLI as ``app.command("validate")(validate_cmd)`` and
``app.command("diff")(diff_cmd)``; ``app`` here is a standalone sub-app with both.

Exit codes (docs/datasets.md): validate 0 valid, 1 invalid, 2 unreadable file or bad
option; diff 0 compared, 2 versions not found.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Validate and compare datasets.")


class ReportFormat(str, Enum):
    """Layout of the validation report."""

    text = "text"
    json = "json"


class DiffFormat(str, Enum):
    """Layout of a diff."""

    text = "text"
    csv = "csv"
    json = "json"


def _share(value: Optional[float], option: str) -> Optional[float]:
    if value is not None and not 0 <= value <= 1:
        typer.echo(f"extractor: {option} is a share of rows, between 0 and 1 (got {value})", err=True)
        raise typer.Exit(EXIT_USAGE)
    return value


def validate_cmd(
    path: Annotated[Path, typer.Argument(
        help="A dataset file (.csv or .parquet), a version folder, or a dataset folder (its latest version).")],
    format: Annotated[ReportFormat, typer.Option("--format", help="text for people, json for programs.")] = ReportFormat.text,
    max_geo3: Annotated[Optional[float], typer.Option(
        "--max-geo3", help="Fail when more than this share of rows has geo_precision 3.")] = None,
    max_time3: Annotated[Optional[float], typer.Option(
        "--max-time3", help="Fail when more than this share of rows has time_precision 3.")] = None,
    max_duplicates: Annotated[Optional[float], typer.Option(
        "--max-duplicates", help="Fail when more than this share of rows repeats an event "
                                 "(same day, place, actors and event type); 0 allows none.")] = None,
    max_after_article: Annotated[Optional[float], typer.Option(
        "--max-after-article", help="Fail when more than this share of rows is dated after its article.")] = None,
    max_missing_actor2: Annotated[Optional[float], typer.Option(
        "--max-missing-actor2", help="Fail when more than this share of rows lacks the actor2 "
                                     "its type needs (Battles, Violence against civilians).")] = None,
) -> None:
    """Check a dataset against the schema, its cross-field rules and data-quality thresholds.

    Exit 0 when valid, 1 with a report of every failure (column, row, value, rule),
    2 when the file cannot be read or an option is wrong.
    """
    from extractor import dataset  # imported here so that --help stays instant

    given = {
        "geo_precision_3_share": _share(max_geo3, "--max-geo3"),
        "time_precision_3_share": _share(max_time3, "--max-time3"),
        "duplicate_events": _share(max_duplicates, "--max-duplicates"),
        "dated_after_article": _share(max_after_article, "--max-after-article"),
        "missing_actor2": _share(max_missing_actor2, "--max-missing-actor2"),
    }
    thresholds = {k: v for k, v in given.items() if v is not None}
    target = path
    if path.is_dir():
        # A version folder, or a dataset folder (DIR) whose latest version is checked.
        latest = path / "latest" / "events.csv"
        target = latest if not (path / "events.csv").exists() and latest.exists() else path / "events.csv"
    try:
        report = dataset.validate_file(target, thresholds)
    except dataset.DatasetError as err:
        typer.echo(f"extractor: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(report.to_json() if format is ReportFormat.json else report.to_text())
    raise typer.Exit(EXIT_OK if report.ok else EXIT_INVALID)


def diff_cmd(
    versions: Annotated[list[str], typer.Argument(
        help="DIR (the version before latest vs latest), or two version folders, "
             "or DIR and two versions of it (labels, folder names or 'latest').",
        show_default=False)],
    format: Annotated[DiffFormat, typer.Option("--format", help="text for people; csv or json for scripts.")] = DiffFormat.text,
) -> None:
    """Added, removed and changed events between two dataset versions (matched by event_id_cnty)."""
    from extractor import diff  # imported here so that --help stays instant
    from extractor.dataset import DatasetError, DatasetInvalid
    from extractor.versions import VersionError

    try:
        a, b = diff.resolve_pair(list(versions))
        result = diff.diff_versions(a, b)
    except (VersionError, DatasetError, DatasetInvalid, FileNotFoundError) as err:
        typer.echo(f"extractor: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    out = {DiffFormat.text: result.to_text, DiffFormat.csv: result.to_csv, DiffFormat.json: result.to_json}[format]()
    typer.echo(out.rstrip("\n"))


app.command("validate")(validate_cmd)
app.command("diff")(diff_cmd)


if __name__ == "__main__":
    app()
