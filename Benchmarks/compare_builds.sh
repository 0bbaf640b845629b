#!/bin/bash
# Compares two builds of verify on the digits experiment (README's main job, plus runs with
# small counted budgets that end samples UNKNOWN) and the shipped VNN-LIB fixtures, from the
# repository root:
#   Benchmarks/compare_builds.sh OLD_VERIFY NEW_VERIFY OUTDIR [SAMPLES]
# ACAS_TIMEOUT (default 30) is the ACAS Xu time limit; ACAS_EXCLUDE an egrep pattern of
# subset.csv lines to leave out (instances that end at the wall-clock limit differ by load).
# Timing-dependent fields (seconds, elapsed, the tool stamp) are masked; everything else
# (verdicts, node counts, reasons, limits, steps, certificates, result files, stdout, exit
# codes) must be byte-identical.
set -u
OLD=$1; NEW=$2; OUT=$3; SAMPLES=${4:-3}
mkdir -p "$OUT/old" "$OUT/new"
mask() {  # mask timing and build stamps in a JSON / JSON-lines file
  python3 - "$1" <<'PY'
import json, sys, re
path = sys.argv[1]
def scrub(v):
    if isinstance(v, dict):
        return {k: ("<masked>" if k in ("seconds", "elapsed", "tool", "started", "finished", "wall_seconds", "query_seconds") else scrub(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    return v
text = open(path).read()
lines = text.splitlines()
try:
    obj = json.loads(text); print(json.dumps(scrub(obj), sort_keys=True, indent=1))
except Exception:
    for line in lines:
        print(json.dumps(scrub(json.loads(line)), sort_keys=True))
PY
}
# The certificate's raw bytes with every "seconds" value and the tool stamp masked (layout check).
rawmask() { sed -E 's/("seconds": )[-0-9.e]+/\1S/; s/("(commit|version|z3)": )("[^"]*"|null)/\1X/' "$1"; }
fail=0
check() { if ! diff -q "$1" "$2" >/dev/null; then echo "DIFFER: $1 $2"; diff "$1" "$2" | head -20; fail=1; fi; }
for side in old new; do
  BIN=$OLD; [ $side = new ] && BIN=$NEW
  D=$OUT/$side
  # digits experiment (README's main job), small sample
  "$BIN" robustness examples/digits/experiment.json --results "$D/digits.jsonl" --samples "$SAMPLES" > "$D/digits.stdout" 2> "$D/digits.stderr"; echo $? > "$D/digits.rc"
  # the same experiment with wide boxes and small counted budgets: split search, Z3 leaves in
  # leaf processes, UNKNOWN records for the node budget, the rlimit and the disabled exact step
  "$BIN" robustness examples/digits/experiment.json --results "$D/digits_budget.jsonl" --samples 5 --eps 0.3 --rlimit 30000 --disable split > "$D/digits_budget.stdout" 2> "$D/digits_budget.stderr"; echo $? > "$D/digits_budget.rc"
  "$BIN" robustness examples/digits/experiment.json --results "$D/digits_nosmt.jsonl" --samples 10 --eps 0.3 --max-nodes 200 --disable smt > "$D/digits_nosmt.stdout" 2> "$D/digits_nosmt.stderr"; echo $? > "$D/digits_nosmt.rc"
  "$BIN" robustness examples/digits/experiment.json --results "$D/digits_nodes.jsonl" --samples 10 --eps 0.5 --max-nodes 40 > "$D/digits_nodes.stdout" 2> "$D/digits_nodes.stderr"; echo $? > "$D/digits_nodes.rc"
  # VNN-LIB fixtures
  while IFS=, read -r onnx prop timeout; do
    n=test_${onnx%.onnx}_${prop%.vnnlib}
    "$BIN" vnnlib Tests/Fixtures/vnncomp/vnncomp-test/$onnx Tests/Fixtures/vnncomp/vnncomp-test/$prop --result "$D/$n.result" --json "$D/$n.json" > "$D/$n.stdout" 2>"$D/$n.stderr"; echo $? > "$D/$n.rc"
  done < Tests/Fixtures/vnncomp/vnncomp-test/test_instances.csv
  "$BIN" vnnlib Tests/Fixtures/vnncomp/gzip/test_sat.onnx.gz Tests/Fixtures/vnncomp/gzip/test_prop.vnnlib.gz --result "$D/gzip.result" --json "$D/gzip.json" > "$D/gzip.stdout" 2>"$D/gzip.stderr"; echo $? > "$D/gzip.rc"
  tail -n +2 Tests/Fixtures/vnncomp/acasxu/subset.csv | grep -vE "${ACAS_EXCLUDE:-^$}" | while IFS=, read -r onnx prop timeout expected; do
    n=acas_${onnx%_batch_2000.onnx}_${prop%.vnnlib}
    "$BIN" vnnlib Tests/Fixtures/vnncomp/acasxu/$onnx Tests/Fixtures/vnncomp/acasxu/$prop --timeout ${ACAS_TIMEOUT:-30} --result "$D/$n.result" --json "$D/$n.json" > "$D/$n.stdout" 2>"$D/$n.stderr"; echo $? > "$D/$n.rc"
  done
  "$BIN" vnnlib Tests/Fixtures/vnncomp/acasxu/ACASXU_run2a_1_1_batch_2000.onnx Tests/Fixtures/certificates/acasxu_1_1_prop_3_subbox.vnnlib --json "$D/acas_subbox.json" > "$D/acas_subbox.stdout" 2>&1; echo $? > "$D/acas_subbox.rc"
  # local certificates: split proof, counterexample, unknown (node budget), Z3 leaf
  L="--classifier examples/digits/classifier.onnx --generator examples/digits/generator_1.onnx --noise 0.3,-0.5,1.0,0.2,-1.1,0.4 --class 1"
  "$BIN" local $L --eps 0.2 --json "$D/local_split.json" > "$D/local_split.stdout" 2>&1; echo $? > "$D/local_split.rc"
  "$BIN" local $L --eps 1.5 --json "$D/local_cx.json" > "$D/local_cx.stdout" 2>&1; echo $? > "$D/local_cx.rc"
  "$BIN" local $L --eps 0.2 --max-nodes 2 --disable attack --json "$D/local_unknown.json" > "$D/local_unknown.stdout" 2>&1; echo $? > "$D/local_unknown.rc"
  "$BIN" local $L --eps 0.2 --adapter-scale 1 --adapter-shift 0 --json "$D/local_adapter.json" > "$D/local_adapter.stdout" 2>&1; echo $? > "$D/local_adapter.rc"
done
for f in "$OUT"/old/*; do
  b=$(basename "$f"); g="$OUT/new/$b"
  [ -e "$g" ] || { echo "MISSING new/$b"; fail=1; continue; }
  case "$b" in
    *.json|*.jsonl) mask "$f" > "$f.m"; mask "$g" > "$g.m"; check "$f.m" "$g.m"
                    if [ "${b##*.}" = json ]; then rawmask "$f" > "$f.r"; rawmask "$g" > "$g.r"; check "$f.r" "$g.r"; fi ;;
    *.stdout|*.rc|*.result) sed -E 's/[0-9.]+ ms/T ms/g; s/[0-9.]+ s\b/T s/g; s/[0-9.]+ samples\/s/R samples\/s/; s#/(old|new)/#/X/#g' "$f" > "$f.t"; sed -E 's/[0-9.]+ ms/T ms/g; s/[0-9.]+ s\b/T s/g; s/[0-9.]+ samples\/s/R samples\/s/; s#/(old|new)/#/X/#g' "$g" > "$g.t"; check "$f.t" "$g.t" ;;
  esac
done
# cross-check: each build's `verify check` accepts the other's certificates with the same outcome
for c in "$OUT"/new/*.json; do
  b=$(basename "$c"); o="$OUT/old/$b"
  "$OLD" check "$c" --no-cvc5 > "$c.oldcheck" 2>&1; r1=$?
  "$NEW" check "$o" --no-cvc5 > "$o.newcheck" 2>&1; r2=$?
  "$NEW" check "$c" --no-cvc5 > "$c.newcheck" 2>&1; r3=$?
  [ $r1 = $r2 ] && [ $r2 = $r3 ] || { echo "CHECK DIFFERS on $b: old-on-new $r1, new-on-old $r2, new-on-new $r3"; fail=1; }
  echo "check $b: exit $r3 ($(grep -o 'certificate VALID\|certificate INVALID\|proves nothing' "$c.newcheck" | head -1))"
done
cat "$OUT"/new/digits*.jsonl | grep -h '"verdict"'  | python3 -c 'import sys,json,collections; c=collections.Counter((json.loads(l)["verdict"], json.loads(l).get("limit")) for l in sys.stdin); print("digits records:", dict(c))'
for f in "$OUT"/new/*.stdout; do printf '%s: %s\n' "$(basename $f .stdout)" "$(head -1 $f)"; done
[ $fail = 0 ] && echo "ALL IDENTICAL (timing masked)" || echo "DIFFERENCES FOUND"
exit $fail
