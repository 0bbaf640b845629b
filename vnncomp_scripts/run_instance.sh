#!/usr/bin/env bash
# VNN-COMP: run_instance.sh v1 CATEGORY ONNX VNNLIB RESULTS TIMEOUT
# Decides one instance with `verify vnnlib` and always leaves RESULTS holding one of
#   sat (followed by the counterexample ((X_0 v) ... (Y_0 v)), as `verify vnnlib --result`
#   writes it), unsat, timeout, unknown, or error (the tool failed, crashed or could not
#   read its input),
# within TIMEOUT seconds (which may be fractional): the solver gets TIMEOUT minus a margin,
# and `timeout` ends the process (TERM, then KILL) before TIMEOUT whatever it does; a run
# ended that way is reported as `timeout`. CATEGORY is accepted and printed; every category
# runs with the same settings. The exit code is 0 whenever RESULTS was written, 1 for a
# usage error (wrong version string or argument count).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

check_version "${1:-}"
if [ "$#" -ne 6 ]; then
    echo "usage: $0 v1 CATEGORY ONNX VNNLIB RESULTS TIMEOUT" >&2
    exit 1
fi
CATEGORY="$2" ONNX="$3" VNNLIB="$4" RESULTS="$5" TIMEOUT="$6"
START="$(date +%s.%N)"

# write_result VERDICT: RESULTS holds VERDICT (written through a rename, never partial).
write_result() {
    printf '%s\n' "$1" > "$RESULTS.tmp.$$" && mv -f "$RESULTS.tmp.$$" "$RESULTS"
    echo "result: $1"
}

mkdir -p "$(dirname "$RESULTS")" 2>/dev/null
rm -f "$RESULTS"
echo "verify on category '$CATEGORY': $ONNX, $VNNLIB, time limit $TIMEOUT s"

if ! awk -v t="$TIMEOUT" 'BEGIN { exit !(t ~ /^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ && t + 0 > 0) }'; then
    echo "run_instance.sh: TIMEOUT must be a positive number of seconds, got '$TIMEOUT'" >&2
    write_result error
    exit 0
fi
if [ ! -x "$VERIFY" ]; then
    echo "run_instance.sh: $VERIFY is missing; run install_tool.sh v1 first" >&2
    write_result error
    exit 0
fi

# The budget, for a limit t:
#   kill at  K = t - clamp(0.05 t, 0.3, 2)   (at least t/2): `timeout` sends TERM at K and
#            KILL G = min(0.5, (t - K)/2) later, so the process is gone by K + G < t;
#   solver   V = K - clamp(0.1 t, 0.2, 3)    (at least 0.1): `verify --timeout`, so that it
#            normally stops, and writes its own answer, well before K.
# E.g. t = 116: V = 111, K = 114, G = 0.5; t = 1: V = 0.5, K = 0.7, G = 0.15.
read -r SOLVER_LIMIT KILL_AT GRACE < <(awk -v t="$TIMEOUT" 'BEGIN {
    m = 0.05 * t; if (m < 0.3) m = 0.3; if (m > 2) m = 2
    k = t - m; if (k < t / 2) k = t / 2
    s = 0.1 * t; if (s < 0.2) s = 0.2; if (s > 3) s = 3
    v = k - s; if (v < 0.1) v = 0.1
    g = (t - k) / 2; if (g > 0.5) g = 0.5
    printf "%.3f %.3f %.3f\n", v, k, g }')

ANSWER="$RESULTS.verify.$$"
trap 'rm -f "$ANSWER" "$RESULTS.tmp.$$"' EXIT
timeout --kill-after="$GRACE" "$KILL_AT" \
    "$VERIFY" vnnlib "$ONNX" "$VNNLIB" --result "$ANSWER" --timeout "$SOLVER_LIMIT"
STATUS=$?
ELAPSED="$(awk -v a="$START" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')"

case "$STATUS" in
    0|1|3)
        # unsat, sat, timeout/unknown: verify wrote its answer (and a counterexample).
        FIRST="$(head -n 1 "$ANSWER" 2>/dev/null)"
        case "$FIRST" in
            sat|unsat|timeout|unknown)
                mv -f "$ANSWER" "$RESULTS"
                echo "result: $FIRST (${ELAPSED} s)"
                ;;
            *)
                echo "run_instance.sh: verify exited with $STATUS without a result file" >&2
                write_result error
                ;;
        esac
        ;;
    124|137)
        # Ended by `timeout` at K (TERM: 124, KILL after the grace: 137). A KILL from
        # elsewhere (the kernel's OOM killer) before K is a failure, not a time-out.
        if awk -v e="$ELAPSED" -v k="$KILL_AT" 'BEGIN { exit !(e + 0.05 >= k) }'; then
            echo "run_instance.sh: verify was stopped at ${KILL_AT} s (limit ${TIMEOUT} s)" >&2
            write_result timeout
        else
            echo "run_instance.sh: verify was killed after ${ELAPSED} s, before its limit (out of memory?)" >&2
            write_result error
        fi
        ;;
    *)
        # 2: the input was refused (message above); anything else: a crash.
        echo "run_instance.sh: verify failed with exit status $STATUS" >&2
        write_result error
        ;;
esac
exit 0
