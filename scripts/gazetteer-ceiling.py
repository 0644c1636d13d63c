"""The gazetteer's ceiling on ../shared/eval: how many gold locations it can name or place at all.

Not part of a user's clone's workflow (the evaluation data never enters the repo). For every gold
event of the ACLED notes and of the articles: is there an entry of the gold's country with the
gold location's name (or, for ACLED's "City - District", the city's), and one within 5 km and
25 km of the gold coordinates? Run it before and after `extractor gazetteer import FILE` (same
EXTRACTOR_CACHE) to see what an import adds.

    EXTRACTOR_CACHE=/tmp/xcache .venv/bin/python scripts/gazetteer-ceiling.py [EVAL_DIR]
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from extractor import gazetteer as gz
from extractor.places import default_gazetteer

EARTH_KM = 6371.0


def gold_rows(eval_dir: Path) -> dict[str, list[dict[str, str]]]:
    with open(eval_dir / "acled_dev.csv", newline="", encoding="utf-8") as fh:
        notes = list(csv.DictReader(fh))
    with open(eval_dir / "articles_gold.csv", newline="", encoding="utf-8") as fh:
        articles = [r for r in csv.DictReader(fh) if r.get("location")]
    return {"ACLED notes": notes, "articles": articles}


def main(eval_dir: Path) -> None:
    gaz = default_gazetteer()
    cc_of = np.array([e[gz.CC] for e in gaz.entries])
    coords = np.array([(e[gz.LAT] or 0.0, e[gz.LON] or 0.0) for e in gaz.entries], dtype=float)
    placed = np.array([e[gz.LAT] is not None for e in gaz.entries])
    lat, lon = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    print(f"gazetteer: {len(gaz.entries)} entries; manifest imports: {gaz.manifest.get('imports', [])}")
    print("| gold events | n | name in gazetteer (country) | with coordinates | entry within 5 km | within 25 km |")
    print("|---|---|---|---|---|---|")
    for label, rows in gold_rows(eval_dir).items():
        named = located = near5 = near25 = 0
        for r in rows:
            cc = gaz.country_code(r["country"])
            names = {r["location"], r["location"].split(" - ")[0]}
            named += any(gaz.entries[i][gz.CC] == cc for n in names for i in gaz.lookup(gz.name_key(n)))
            try:
                glat, glon = np.radians(float(r["latitude"])), np.radians(float(r["longitude"]))
            except (KeyError, ValueError):
                continue
            located += 1
            mask = (cc_of == cc) & placed
            h = (np.sin((lat[mask] - glat) / 2) ** 2
                 + np.cos(glat) * np.cos(lat[mask]) * np.sin((lon[mask] - glon) / 2) ** 2)
            d = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
            near5 += bool(d.size and d.min() <= 5)
            near25 += bool(d.size and d.min() <= 25)
        n, k = len(rows), max(located, 1)
        print(f"| {label} | {n} | {named / n:.3f} | {located} | {near5 / k:.3f} | {near25 / k:.3f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "../shared/eval")
