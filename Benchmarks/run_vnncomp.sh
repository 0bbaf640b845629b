#!/usr/bin/env bash
# Runs a VNN-COMP instance list (onnx,vnnlib,timeout_s[,expected]) with `verify vnnlib` and
# prints, per instance, our verdict, the expected one, and the seconds; then totals.
#
# usage: Benchmarks/run_vnncomp.sh INSTANCES.csv [TIMEOUT_OVERRIDE] [FILTER_REGEX]
#   INSTANCES.csv  e.g. Tests/Fixtures/vnncomp/acasxu/expected.csv (paths relative to the CSV)
#   TIMEOUT_OVERRIDE  seconds per instance instead of the CSV's (optional)
#   FILTER_REGEX   only instances whose "onnx,vnnlib" matches (optional)
# VERIFY_BIN=path uses that binary instead of building .build/release/verify.
# VERIFY_ARGS="..." adds options to every `verify vnnlib` call (e.g. "--engine input").
# CERTIFICATES=DIR writes each instance's certificate to DIR and re-checks it with `verify check`
# (not counted in the seconds); the last column is then VALID, INVALID or NONE (no verdict, or
# no certificate because the hard deadline answered first).
# Otherwise it builds the release binary first. A wrong verdict (sat vs unsat) is counted and flagged.
# The columns after the seconds: sub-problems (or sub-boxes) and Z3 leaves, from the search line
# `verify vnnlib` prints on stderr (- when the run printed none, e.g. at the hard deadline).
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
printf '%-40s %-16s %-8s %-8s %8s %8s %6s\n' network property verdict expected seconds nodes z3
errors=$(mktemp); trap 'rm -f "$errors"' EXIT
read -r -a extra_args <<< "${VERIFY_ARGS:-}"
while IFS=, read -r onnx vnnlib timeout expected; do
    [ "$onnx" = onnx ] && continue
    echo "$onnx,$vnnlib" | grep -Eq "$filter" || continue
    limit=${override:-$timeout}
    start=$(date +%s.%N)
    cert_args=()
    [ -z "${CERTIFICATES:-}" ] || cert_args=(--json "$CERTIFICATES/$(basename "$onnx" .onnx)__$(basename "$vnnlib" .vnnlib).json")
    verdict=$("$bin" vnnlib "$dir/$onnx" "$dir/$vnnlib" --timeout "$limit" "${extra_args[@]}" "${cert_args[@]}" 2>"$errors" || true)
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    nodes=$(sed -n 's/^search: \(phase engine, \)\{0,1\}\([0-9]*\) sub-.*/\2/p' "$errors" | head -1)
    leaves=$(sed -n 's/^search: .*, \([0-9]*\) Z3 leaves.*/\1/p' "$errors" | head -1)
    check=""
    if [ -n "${CERTIFICATES:-}" ] && [ ! -f "${cert_args[1]}" ]; then
        check="  NONE"  # no certificate: the hard deadline answered before the run wrote one
    elif [ -n "${CERTIFICATES:-}" ]; then
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
    printf '%-40s %-16s %-8s %-8s %8.2f %8s %6s%s%s\n' "$onnx" "$vnnlib" "$verdict" "${expected:-?}" "$seconds" "${nodes:--}" "${leaves:--}" "$flag" "$check"
done < "$csv"
echo "instances $total, solved $solved, wrong $wrong, unsolved $unknown, total seconds $(printf '%.1f' "$seconds_sum")"
[ -z "${CERTIFICATES:-}" ] || echo "certificates: $valid VALID, $invalid INVALID"
