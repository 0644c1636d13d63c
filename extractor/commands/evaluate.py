"""``extractor evaluate``: agreement between extracted events and a hand-coded sample.

Registered by the CLI as ``app.command("evaluate")(evaluate_cmd)``; also runs alone as
``python -m extractor.commands.evaluate --gold GOLD.csv --pred EVENTS.csv``.
"""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Mode(str, Enum):
    """How gold events are matched to predictions (see docs/evaluate.md)."""

    notes = "notes"
    articles = "articles"


class Format(str, Enum):
    """Report layout."""

    table = "table"
    json = "json"


def evaluate_cmd(
    gold: Annotated[Path, typer.Option(
        "--gold", help="Hand-coded events: CSV with ACLED columns plus article_id "
                       "(or an ACLED export, whose event_id_cnty names each note).",
        exists=True, dir_okay=False, readable=True)],
    pred: Annotated[Path, typer.Option(
        "--pred", help="The tool's events.csv (needs article_id; confidence picks the "
                       "compared row in notes mode).",
        exists=True, dir_okay=False, readable=True)],
    by: Annotated[str, typer.Option(
        "--by", help="Group the report by this column of the gold rows: event_type, "
                     "sub_event_type, country, admin1, time_precision or geo_precision.")
    ] = "event_type",
    mode: Annotated[Optional[Mode], typer.Option(
        "--mode", help="notes: one gold event per article, compared with the most confident "
                       "prediction. articles: events paired by date and place. "
                       "Default: articles when the gold has an article_id column, else notes.")
    ] = None,
    format: Annotated[Format, typer.Option(
        "--format", help="table for people, json for programs.")] = Format.table,
    index: Annotated[Optional[Path], typer.Option(
        "--index", help="Articles mode: the scored article ids (CSV with an article_id column, "
                        "or one id a line). Default: the articles that have gold events, so "
                        "predictions on articles without gold events are not counted.",
        exists=True, dir_okay=False, readable=True)] = None,
) -> None:
    """Agreement between the tool's events and a hand-coded sample, per field and per group."""
    from extractor import evaluate as ev  # imported here so that --help stays instant

    try:
        result = ev.evaluate(gold, pred, mode.value if mode else None, index, by)
    except ev.EvaluationError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(code=2) from err
    if format is Format.json:
        typer.echo(ev.to_json(result))
    else:
        typer.echo(ev.to_table(result), nl=False)


if __name__ == "__main__":
    typer.run(evaluate_cmd)
