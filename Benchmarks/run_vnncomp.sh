#!/usr/bin/env bash
# Runs a VNN-COMP instance list (onnx,vnnlib,timeout_s[,expected]) with `verify vnnlib` and
# prints, per instance, our verdict, the expected one, and the seconds; then totals.
#
# usage: Benchmarks/run_vnncomp.sh INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]
#   INSTANCES.csv  e.g. Tests/Fixtures/vnncomp/acasxu/expected.csv (paths relative to the CSV)
#   TIMEOUT_OVERRIDE  seconds per instance instead of the CSV's (optional)
#   FILTER_REGEX   only instances whose "onnx,vnnlib" matches (optional)
# VERIFY_BIN=path uses that binary instead of building .build/release/verify.
# CERTIFICATES=DIR writes each instance's certificate to DIR and re-checks it with `verify check`
# (not counted in the seconds); the last column is then VALID, INVALID or NONE (no verdict).
# Otherwise it builds the release binary first. A wrong verdict (sat vs unsat) is counted and flagged.
set -euo pipefail
csv=${1:?usage: run_vnncomp.sh INSTANCES.csv [TIMEOUT] [FILTER]}
override=${2:-}
filter=${3:-.}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(cd "$(dirname "$csv")" && pwd)
[ -n "${VERIFY_BIN:-}" ] || swift build -c release --product verify --package-path "$root" >/dev/null
bin="${VERIFY_BIN:-$root/.build/release/verify}"

solved=0; wrong=0; unknown=0; total=0; seconds_sum=0; valid=0; invalid=0
[ -z "${CERTIFICATES:-}" ] || mkdir -p "$CERTIFICATES"
printf '%-40s %-16s %-8s %-8s %8s\n' network property verdict expected seconds
while IFS=, read -r onnx vnnlib timeout expected; do
    [ "$onnx" = onnx ] && continue
    echo "$onnx,$vnnlib" | grep -Eq "$filter" || continue
    limit=${override:-$timeout}
    start=$(date +%s.%N)
    cert_args=()
    [ -z "${CERTIFICATES:-}" ] || cert_args=(--json "$CERTIFICATES/$(basename "$onnx" .onnx)__$(basename "$vnnlib" .vnnlib).json")
    verdict=$("$bin" vnnlib "$dir/$onnx" "$dir/$vnnlib" --timeout "$limit" "${cert_args[@]}" 2>/dev/null || true)
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    check=""
    if [ -n "${CERTIFICATES:-}" ]; then
        rc=0; "$bin" check "${cert_args[1]}" --no-cvc5 >/dev/null 2>&1 || rc=$?
        case $rc in 0) check="  VALID"; valid=$((valid + 1));; 3) check="  NONE";; *) check="  INVALID"; invalid=$((invalid + 1));; esac
    fi
    verdict=${verdict:-error}
    flag=""
    if [ "$verdict" = sat ] || [ "$verdict" = unsat ]; then
        if [ -n "${expected:-}" ] && [ "$verdict" != "$expected" ]; then wrong=$((wrong + 1)); flag="  WRONG"
        else solved=$((solved + 1)); fi
    else
        unknown=$((unknown + 1))
    fi
    total=$((total + 1))
    seconds_sum=$(echo "$seconds_sum + $seconds" | bc)
    printf '%-40s %-16s %-8s %-8s %8.2f%s%s\n' "$onnx" "$vnnlib" "$verdict" "${expected:-?}" "$seconds" "$flag" "$check"
done < "$csv"
echo "instances $total, solved $solved, wrong $wrong, unsolved $unknown, total seconds $(printf '%.1f' "$seconds_sum")"
[ -z "${CERTIFICATES:-}" ] || echo "certificates: $valid VALID, $invalid INVALID"
