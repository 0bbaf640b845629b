#!/usr/bin/env bash
# Renders the digits HTML report in headless Chromium and checks the screenshot: a real PNG,
# not blank, with the chart colours (robust, not robust, unknown legend, timing bars).
#
# usage: Tests/report/check_report_screenshot.sh [--verify BIN] [--samples N] [--keep FILE]
#   --verify BIN   the verify binary (default: .build/debug/verify, else .build/release/verify)
#   --samples N    samples per class of the digits run (default 200; the committed picture uses 1000)
#   --keep FILE    copy the screenshot to FILE (e.g. examples/digits/report.png)
# Exits 0 without checking when chromium is not installed (prints "skipped").
set -euo pipefail
cd "$(dirname "$0")/../.."

verify="" samples=200 keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --verify) verify="$2"; shift 2 ;;
        --samples) samples="$2"; shift 2 ;;
        --keep) keep="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
source Tests/report/common.sh
require_browser check_report_screenshot
require_verify check_report_screenshot

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$verify" robustness examples/digits/experiment.json --samples "$samples" --results "$work/digits.jsonl" --quiet >/dev/null || [ $? -ne 2 ]
"$verify" report "$work/digits.jsonl" --html "$work/report.html"
grep -q 'data:image/png;base64,' "$work/report.html" || { echo "FAIL: the report has no images" >&2; exit 1; }

# The page is about 2900 CSS pixels tall at this width; the window shows all of it.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$work/report.png" --window-size=1200,2950 "file://$work/report.html" >/dev/null 2>&1 || true  # a hang after the screenshot is not a failure
[ -s "$work/report.png" ] || { echo "FAIL: chromium wrote no screenshot" >&2; exit 1; }

# Colours of ReportStyle (Sources/Reporting/Report/ReportStyle.swift).
python3 Tests/report/png_colours.py "$work/report.png" '#2e7d32' '#c62828' '#f2a900' '#1f5fbf'
if [ -n "$keep" ]; then cp "$work/report.png" "$keep"; fi
echo "check_report_screenshot: ok"
