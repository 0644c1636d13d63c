#!/usr/bin/env bash
# Dev scores on ../shared/eval (not part of a user's clone): converts the ACLED notes and the
# articles, then runs the independent scorer. Usage: scripts/dev-scores.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
E=${EVAL_DIR:-../shared/eval}
T=${1:-$(mktemp -d)}; mkdir -p "$T"
X=${EXTRACTOR:-.venv/bin/extractor}
python3 "$E/make_inputs.py" notes "$E/acled_dev.csv" "$T/notes.jsonl"
python3 "$E/make_inputs.py" articles "$E/articles" "$T/articles.jsonl"
"$X" convert "$T/notes.jsonl" --out "$T/ev-notes" --quiet || [ $? -eq 3 ]
"$X" convert "$T/articles.jsonl" --out "$T/ev-articles" --quiet || [ $? -eq 3 ]
echo "== notes (acled_dev.csv)"
python3 "$E/score.py" notes --gold "$E/acled_dev.csv" --pred "$T/ev-notes/latest/events.csv" --json "$T/notes.json"
echo "== articles"
python3 "$E/score.py" articles --gold "$E/articles_gold.csv" --index "$E/articles_index.csv" \
    --pred "$T/ev-articles/latest/events.csv" --json "$T/articles.json"
echo "outputs in $T"
