#!/usr/bin/env python3
"""Benchmark the convert job (issue 7). A script, not a test: timings depend on the machine.

    .venv/bin/python benchmarks/run.py [--articles 10000] [--workers 1] [--markdown docs/benchmarks.md]

Builds a corpus by repeating the bundled seeds and, when present, ../shared/eval/articles
(never copied into the repo), then measures in fresh processes:
- start-up: import, pipelines and gazetteer loaded, one tiny article in each language
  converted, its language detected (with Python's bytecode cache, as after any first run;
  and without it);
- the full `extractor convert` (wall time, peak memory of the child), articles/s and tokens/s
  after start-up, for the corpus and for a tenth of it (linearity);
- the floor: the same corpus only tokenised by spacy.blank, and the ratio to it;
- each convert and its floor run in turn ``--repeat`` times, the fastest of each kept: this
  virtual machine's speed moves by a third within minutes, and both sides are treated alike;
- the share of time per stage, in-process, on a sample of the corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_ARTICLES = ROOT.parent / "shared" / "eval" / "articles"
sys.path.insert(0, str(ROOT))


def base_articles() -> list[dict]:
    from extractor.ingest import Reader
    from extractor.records import Article

    inputs = [str(ROOT / "seeds")] + ([str(EVAL_ARTICLES)] if EVAL_ARTICLES.exists() else [])
    out = []
    for a in Reader().read(inputs):
        if isinstance(a, Article):
            out.append({"id": a.id, "text": a.text, "title": a.title, "source": a.source,
                        "published": a.published.isoformat() if a.published else None})
    return out


def arabic_500(base: list[dict]) -> list[dict]:
    """Arabic articles of about 500 words, made by joining the Arabic base articles in turn."""
    arabic = [b for b in base if any("\u0600" <= c <= "\u06ff" for c in b["text"][:200])]
    out, parts = [], []
    for b in arabic * 2:
        parts.append(b)
        if sum(len(p["text"].split()) for p in parts) >= 500:
            out.append(dict(parts[0], id=f"ar500-{len(out)}",
                            text="\n\n".join(p["text"] for p in parts)))
            parts = []
    return out


def write_corpus(path: Path, base: list[dict], n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            rec = dict(base[i % len(base)], id=f"{base[i % len(base)]['id']}-{i}")
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


# Children run as an installed tool does: with Python's bytecode cache. A shell that sets
# PYTHONDONTWRITEBYTECODE (this machine's does) makes every process compile the package's
# 11,000 lines again, 0.15-0.2 s; start-up is also measured that way, apart.
CACHED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
UNCACHED = dict(CACHED, PYTHONDONTWRITEBYTECODE="1")


def startup_times(env: dict[str, str], runs: int = 5) -> tuple[float, float]:
    """Best wall and CPU seconds of ``runs`` fresh processes running :data:`STARTUP`."""
    times = [tuple(map(float, subprocess.check_output([sys.executable, "-c", STARTUP], text=True,
                                                      env=env).split())) for _ in range(runs)]
    return min(w for w, _ in times), min(c for _, c in times)


def run_child(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS (MB), CPU seconds (user + system) and standard output of a
    child process (its own figures, with its workers). CPU time is what the work costs when
    other processes share the machine; wall time is what a user waits."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=CACHED)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, raw, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = status = os.waitstatus_to_exitcode(raw)
    if status not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({status}): {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.decode()


STARTUP = """
import time; t, c = time.perf_counter(), time.process_time()
from extractor.assemble import extract
from extractor.records import Article
extract(Article(id="a", text="اشتباكات في الموصل أمس."))
extract(Article(id="b", text="Clashes in Mosul yesterday."))
print(time.perf_counter() - t, time.process_time() - c)
"""

FLOOR = """
import json, sys, time, spacy
t = time.perf_counter()
nlps = {"ar": spacy.blank("ar"), "en": spacy.blank("en")}
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    lang = "ar" if sum("\\u0600" <= c <= "\\u06ff" for c in rec["text"][:400]) > 100 else "en"
    n += len(nlps[lang].make_doc(rec.get("title", "") + "\\n\\n" + rec["text"]))
print(time.perf_counter() - t, n)
"""


def stage_shares(base: list[dict], rounds: int) -> dict[str, float]:
    """Seconds per stage over ``rounds`` passes of the base articles, in this process."""
    from extractor import actors, dates, fatalities, places, triggers
    from extractor.assemble import Assembler
    from extractor.nlp import get_nlp
    from extractor.normalise import detect_language
    from extractor.records import Article

    arts = [Article(id=b["id"], text=b["text"], title=b["title"],
                    published=None if not b["published"] else
                    __import__("datetime").date.fromisoformat(b["published"])) for b in base]
    from extractor.assemble import extract

    for a in arts:  # load every lexicon and the gazetteer before timing
        extract(a)
    stages = dict.fromkeys(["tokenise+norm", "places", "actors", "triggers", "fatalities",
                            "dates", "assembly (fields, merging, notes)"], 0.0)
    for _ in range(rounds):
        for a in arts:
            lang = detect_language(a.text)
            nlp = get_nlp(lang)
            ticks = [time.perf_counter()]
            doc = nlp(f"{a.title}\n\n{a.text}")
            ticks.append(time.perf_counter())
            found = {}
            for find in (places.find_places, actors.find_actors, triggers.find_triggers,
                         fatalities.find_fatalities):
                found[find] = find(doc)
                ticks.append(time.perf_counter())
            dates.find_dates(doc.text, lang, a.published)
            ticks.append(time.perf_counter())
            # runs every stage again but the triggers (not timed)
            asm = Assembler(a, lang, doc, len(a.title) + 2, found[triggers.find_triggers])
            ticks.append(time.perf_counter())
            asm.run()
            ticks.append(time.perf_counter())
            spans = list(zip(ticks, ticks[1:]))
            del spans[-2]  # the Assembler's construction repeats the stages above
            for k, (s, e) in zip(stages, spans):
                stages[k] += e - s
    return stages


def best_of(arts: list[dict], passes: int) -> tuple[float, float, dict[str, tuple[int, float, float]]]:
    """Seconds per article of :func:`extractor.assemble.extract` and of the bare spaCy
    tokenizer (the floor), in this process after warm-up: for each article the fastest of
    ``passes`` runs, which other processes on the machine can only slow down. Also per
    language: articles, and the seconds per article of each."""
    import datetime

    import spacy

    from extractor.assemble import extract
    from extractor.records import Article

    blank = {"ar": spacy.blank("ar"), "en": spacy.blank("en")}
    items = [(Article(id=b["id"], text=b["text"], title=b["title"],
                      published=datetime.date.fromisoformat(b["published"]) if b["published"] else None),
              f"{b['title']}\n\n{b['text']}") for b in arts]
    best = [float("inf")] * len(items)
    floor = [float("inf")] * len(items)
    langs = ["ar" if sum("\u0600" <= c <= "\u06ff" for c in text[:400]) > 100 else "en" for _, text in items]
    for _ in range(passes):
        for k, (art, text) in enumerate(items):
            t = time.perf_counter()
            extract(art)
            best[k] = min(best[k], time.perf_counter() - t)
            t = time.perf_counter()
            blank[langs[k]].make_doc(text)
            floor[k] = min(floor[k], time.perf_counter() - t)
    by_lang = {}
    for lang in sorted(set(langs)):
        ks = [k for k, x in enumerate(langs) if x == lang]
        by_lang[lang] = (len(ks), sum(best[k] for k in ks) / len(ks), sum(floor[k] for k in ks) / len(ks))
    return sum(best) / len(best), sum(floor) / len(floor), by_lang


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each convert and of its floor, in turn; the fastest of each is kept")
    ap.add_argument("--markdown", help="write the results as a markdown section to this file")
    a = ap.parse_args()
    exe = str(Path(sys.executable).parent / "extractor")
    base = base_articles()
    ar_base = arabic_500(base)
    rows: list[tuple[str, str]] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        startup_times(CACHED, runs=1)  # writes the bytecode cache, as a first run does
        startup, startup_cpu = startup_times(CACHED)
        uncached, uncached_cpu = startup_times(UNCACHED, runs=3)
        results = {}
        for name, arts, n in [("mixed", base, a.articles), ("mixed/10", base, a.articles // 10),
                              ("arabic", ar_base, a.articles // 5)]:
            corpus = tmp / f"{name.replace('/', '_')}.jsonl"
            write_corpus(corpus, arts, n)
            converts, floors = [], []
            for r in range(a.repeat):  # in turn, so that both see the machine's good and bad minutes
                out = tmp / f"out-{n}-{len(arts)}-{r}"
                converts.append(run_child([exe, "convert", str(corpus), "--out", str(out), "--quiet",
                                           "--workers", str(a.workers)]))
                shutil.rmtree(out)
                floors.append(run_child([sys.executable, "-c", FLOOR, str(corpus)]))
            wall, cpu = min(w for w, *_ in converts), min(c for _, _, c, _ in converts)
            peak = max(p for _, p, *_ in converts)
            floor, tokens = min(float(out.split()[0]) for *_, out in floors), int(floors[0][3].split()[1])
            floor_cpu = min(cpu for _, _, cpu, _ in floors)
            # each round's convert over the floor measured right after it
            paired = [w / float(out.split()[0]) for (w, *_), (*_, out) in zip(converts, floors)]
            results[name] = (n, wall, peak, floor, tokens, cpu, floor_cpu, paired)
        stages = stage_shares(base, rounds=max(1, 300 // len(base)))
        ar_best, ar_floor, _ = best_of(ar_base, passes=5)
        mixed_best, mixed_floor, mixed_langs = best_of(base, passes=5)
    n, wall, peak, floor, tokens, cpu, floor_cpu, paired = results["mixed"]
    n10, wall10, peak10, *_ = results["mixed/10"]
    na, walla, peaka, floora, tokensa, cpua, floor_cpua, paireda = results["arabic"]
    runs = f"fastest of {a.repeat} run{'s' if a.repeat > 1 else ''}"
    work = wall - startup
    rows += [
        ("corpus", f"{n} articles ({len(base)} distinct: bundled seeds"
                   f"{' + shared/eval articles' if EVAL_ARTICLES.exists() else ''}), {tokens} tokens"),
        ("workers", str(a.workers)),
        ("machine load (1-minute load average) before / after: other processes share the cores",
         f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"),
        ("start-up (import, pipelines, gazetteer, language identifier, first articles), best of 5", f"{startup:.2f} s (CPU {startup_cpu:.2f} s)"),
        ("start-up without Python's bytecode cache (PYTHONDONTWRITEBYTECODE=1), best of 3",
         f"{uncached:.2f} s (CPU {uncached_cpu:.2f} s)"),
        (f"convert wall time, {runs}", f"{wall:.1f} s"),
        ("articles/s after start-up", f"{n / work:.0f}"),
        ("tokens/s after start-up", f"{tokens / work:.0f}"),
        ("Arabic-only corpus: articles/s after start-up",
         f"{na / (walla - startup):.0f} ({na} articles of about 500 words, {tokensa // na} tokens each on average)"),
        ("Arabic-only corpus: articles per CPU second after start-up", f"{na / (cpua - startup_cpu):.0f}"),
        ("Arabic articles of about 500 words, in-process, best of 5 passes per article",
         f"{1 / ar_best:.0f} articles/s ({1000 * ar_best:.1f} ms each; spaCy tokenizer alone "
         f"{1000 * ar_floor:.1f} ms: {ar_best / ar_floor:.1f}x)"),
        ("mixed articles, in-process, best of 5 passes per article",
         f"{1 / mixed_best:.0f} articles/s ({1000 * mixed_best:.1f} ms each; spaCy tokenizer alone "
         f"{1000 * mixed_floor:.2f} ms: {mixed_best / mixed_floor:.1f}x)"),
        ("the same by language (articles: extraction, tokenizer alone, ratio)",
         "; ".join(f"{lang} {k}: {1000 * b:.1f} ms, {1000 * f:.2f} ms, {b / f:.1f}x"
                   for lang, (k, b, f) in mixed_langs.items())),
        (f"tokenise-only floor (spacy.blank), {runs}", f"{floor:.1f} s"),
        ("total / floor", f"{wall / floor:.1f}x (Arabic-only: {walla / floora:.1f}x)"),
        ("total / floor of each run (the floor run right after the convert)",
         f"{', '.join(f'{r:.1f}x' for r in paired)} (Arabic-only: {', '.join(f'{r:.1f}x' for r in paireda)})"),
        ("total / floor in CPU time (both whole processes)",
         f"{cpu / floor_cpu:.1f}x (Arabic-only: {cpua / floor_cpua:.1f}x)"),
        ("peak memory of the convert process, largest of its runs", f"{peak:.0f} MB ({n} articles); {peak10:.0f} MB "
                                                  f"({n10} articles); Arabic-only {peaka:.0f} MB"),
        ("linearity: time(N) / time(N/10), after start-up", f"{work / (wall10 - startup):.1f}x for 10x articles"),
    ]
    total = sum(stages.values())
    per_stage = stages
    lines = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    per_article = 1000 * total / (len(base) * max(1, 300 // len(base)))
    lines += ["", f"Share of extraction time per stage (in-process, on the distinct articles; "
                  f"{per_article:.1f} ms per article in all):", "",
              "| stage | share | ms per article |", "|---|---|---|"]
    lines += [f"| {k} | {100 * v / total:.1f}% | {per_article * v / total:.2f} |"
              for k, v in per_stage.items()]
    text = "\n".join(lines)
    print(text)
    if a.markdown:
        head = (f"## Run of {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}\n\nCommand: `.venv/bin/python benchmarks/run.py "
                f"--articles {a.articles} --workers {a.workers} --repeat {a.repeat}`\n\n")
        Path(a.markdown).write_text(head + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
