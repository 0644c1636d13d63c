"""Differences between two dataset versions, matched on ``event_id_cnty``.

Ids are stable across versions (see :mod:`extractor.versions`), so an id present in
both versions is the same event; ``timestamp`` is not compared (it only says when the
row last changed).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from extractor import contract, versions

NOT_COMPARED = {"event_id_cnty", "timestamp"}
# Columns shown to identify an added or removed event.
SUMMARY_COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "location", "actor1", "actor2", "article_id"]


@dataclass(frozen=True)
class Change:
    """One changed field of one event."""

    event_id_cnty: str
    field: str
    old: str | None
    new: str | None


@dataclass
class Diff:
    """Added, removed and changed events from version ``a`` to version ``b``."""

    a: str
    b: str
    added: list[dict[str, str | None]] = field(default_factory=list)
    removed: list[dict[str, str | None]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def changed_ids(self) -> list[str]:
        """Ids of changed events, in order."""
        return list(dict.fromkeys(c.event_id_cnty for c in self.changed))

    def to_dict(self) -> dict:
        """Plain data for JSON: added/removed events, and changed fields per event."""
        changed: dict[str, dict[str, list[str | None]]] = {}
        for c in self.changed:
            changed.setdefault(c.event_id_cnty, {})[c.field] = [c.old, c.new]
        return {
            "a": self.a,
            "b": self.b,
            "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(changed)},
            "added": self.added,
            "removed": self.removed,
            "changed": [{"event_id_cnty": k, "fields": v} for k, v in changed.items()],
        }

    def to_json(self) -> str:
        """The diff as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        """One line per added or removed event and per changed field:
        ``change,event_id_cnty,field,old,new``."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["change", "event_id_cnty", "field", "old", "new"])
        for row in self.added:
            w.writerow(["added", row["event_id_cnty"], "", "", ""])
        for row in self.removed:
            w.writerow(["removed", row["event_id_cnty"], "", "", ""])
        for c in self.changed:
            w.writerow(["changed", c.event_id_cnty, c.field, _empty(c.old), _empty(c.new)])
        return buf.getvalue()

    def to_text(self) -> str:
        """A table for people."""
        lines = [
            f"{self.a} -> {self.b}: {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed_ids)} changed"
        ]
        for title, rows, mark in (("added", self.added, "+"), ("removed", self.removed, "-")):
            if rows:
                lines += ["", f"{title}:"]
                for r in rows:
                    lines.append(
                        f"  {mark} {r['event_id_cnty']:<10} {r['event_date']}  {r['sub_event_type']} "
                        f"at {r['location']}: {r['actor1']} / {_empty(r['actor2']) or '-'}  (article {r['article_id']})"
                    )
        if self.changed:
            lines += ["", "changed:"]
            width = max(len(c.field) for c in self.changed)
            last = None
            for c in self.changed:
                if c.event_id_cnty != last:
                    lines.append(f"  ~ {c.event_id_cnty}")
                    last = c.event_id_cnty
                lines.append(f"      {c.field:<{width}}  {_show(c.old)} -> {_show(c.new)}")
        return "\n".join(lines)


def _empty(value: str | None) -> str:
    return "" if value is None else value


def _show(value: str | None) -> str:
    return "(empty)" if value is None else repr(value)


def _as_text(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(pl.col(c).cast(pl.String) for c in df.columns)


def diff_frames(a: pl.DataFrame, b: pl.DataFrame, a_name: str = "a", b_name: str = "b") -> Diff:
    """Compare two typed (or validation) event frames by ``event_id_cnty``."""
    a, b = _as_text(a), _as_text(b)
    ids_a = set(a.get_column("event_id_cnty").to_list())
    ids_b = set(b.get_column("event_id_cnty").to_list())
    summary = [c for c in SUMMARY_COLUMNS if c in b.columns]
    added = sorted(b.filter(~pl.col("event_id_cnty").is_in(sorted(ids_a))).select(summary).to_dicts(),
                   key=lambda r: _id_key(r["event_id_cnty"]))
    removed = sorted(a.filter(~pl.col("event_id_cnty").is_in(sorted(ids_b))).select(summary).to_dicts(),
                     key=lambda r: _id_key(r["event_id_cnty"]))
    compared = [c for c in contract.column_names() if c not in NOT_COMPARED and c in a.columns and c in b.columns]
    both = a.join(b, on="event_id_cnty", how="inner", suffix="_new")
    changes = []
    order = {c: i for i, c in enumerate(compared)}
    for c in compared:
        differs = both.filter(~pl.col(c).eq_missing(pl.col(f"{c}_new")))
        changes += [Change(i, c, old, new) for i, old, new in differs.select("event_id_cnty", c, f"{c}_new").iter_rows()]
    changes.sort(key=lambda ch: (_id_key(ch.event_id_cnty), order[ch.field]))
    return Diff(a_name, b_name, added, removed, changes)


def _id_key(event_id: str) -> tuple[str, int, str]:
    # "IRQ10" after "IRQ9": country prefix, then the number.
    digits = event_id[3:]
    return (event_id[:3], int(digits) if digits.isdigit() else -1, event_id)


def diff_versions(a: Path, b: Path) -> Diff:
    """Compare two version folders (or two events.csv/events.parquet files)."""
    return diff_frames(_read(Path(a)), _read(Path(b)), _name(Path(a)), _name(Path(b)))


def _name(path: Path) -> str:
    return path.name if path.is_dir() else str(path)


def _read(path: Path) -> pl.DataFrame:
    from extractor import dataset

    if path.is_dir():
        if not (path / "events.parquet").is_file():
            raise versions.VersionError(f"{path} is not a version folder (no events.parquet)")
        return versions.read_events(path)
    return dataset.read_typed(path)


def resolve_pair(args: list[str]) -> tuple[Path, Path]:
    """Which two versions ``extractor diff`` compares.

    One argument, DIR: the version before ``latest`` and ``latest``.
    Two arguments: two version folders (or dataset files).
    Three arguments: DIR and two versions of it (labels, names, numbers or "latest").
    """
    if len(args) == 1:
        out_dir = Path(args[0])
        found = versions.list_versions(out_dir)
        latest = versions.resolve_version(out_dir, versions.LATEST)
        older = [v.path for v in found if v.path.resolve() != latest and v.path.name < latest.name]
        if not older:
            raise versions.VersionError(f"{out_dir} has only one version; nothing to compare")
        return older[-1], latest
    if len(args) == 2:
        return Path(args[0]), Path(args[1])
    if len(args) == 3:
        out_dir = Path(args[0])
        return versions.resolve_version(out_dir, args[1]), versions.resolve_version(out_dir, args[2])
    raise versions.VersionError("give DIR, or two version folders, or DIR and two labels")
