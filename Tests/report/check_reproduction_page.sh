#!/usr/bin/env bash
# Renders a reproduction page (verify report --table --picture --text --link) in headless
# Chromium and checks the screenshot: a real PNG, not blank, with the badge colours of the
# verdict table (the digits classifier is INCONCLUSIVE on its own generators at 100 samples per
# class and FAILS on generators shifted by one class) and the blue of the links.
#
# usage: Tests/report/check_reproduction_page.sh [--verify BIN] [--keep FILE]
# Exits 0 without checking when chromium is not installed (prints "skipped").
set -euo pipefail
cd "$(dirname "$0")/../.."

verify="" keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --verify) verify="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
source Tests/report/common.sh
require_browser check_reproduction_page
require_verify check_reproduction_page

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
digits="$PWD/examples/digits"
own="" shifted=""
for c in 0 1 2 3 4 5 6 7 8 9; do
    own="$own\"$c\": \"$digits/generator_$c.onnx\","
    shifted="$shifted\"$c\": \"$digits/generator_$(( (c + 1) % 10 )).onnx\","
done
cat > "$work/matrix.json" <<JSON
{ "classifiers": { "digits": "$digits/classifier.onnx" },
  "generator_families": { "own": { ${own%,} }, "shifted": { ${shifted%,} } },
  "eps": 0.05, "samples_per_class": 100, "seed": 0, "confidence": 0.99, "delta": 0.05, "bound": "clopper-pearson" }
JSON
"$verify" table "$work/matrix.json" --json "$work/table.json" > /dev/null 2>&1
"$verify" attack examples/digits/experiment.json --class 1 --method whitebox --eps 0.2 --start 2 --samples 1 --paper \
    --png "$work/pair.png" > "$work/attack.txt" || [ $? -eq 1 ]
"$verify" report --html "$work/page.html" --title "Reproduction check" --table "Table=$work/table.json" \
    --picture "Pair=$work/pair.png" --text "Attack=$work/attack.txt" --link "Manual score=manual_score.html" > /dev/null
grep -q 'data:image/png;base64,' "$work/page.html" || { echo "FAIL: the page has no image" >&2; exit 1; }

timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$work/page.png" --window-size=1200,1400 "file://$work/page.html" >/dev/null 2>&1 || true  # a hang after the screenshot is not a failure
[ -s "$work/page.png" ] || { echo "FAIL: chromium wrote no screenshot" >&2; exit 1; }

# FAILS and INCONCLUSIVE badges (ReportStyle.notRobust, .inconclusive), Chromium's link blue.
python3 Tests/report/png_colours.py "$work/page.png" '#c62828' '#9a5b00' '#0000ee'
if [ -n "$keep" ]; then cp "$work/page.png" "$keep"; fi
echo "check_reproduction_page: ok"
