#!/usr/bin/env bash
# Compares two verify builds (a change that must not change behaviour): the digits experiment
# (README's main job, 3 samples per class) with and without leaf processes, a tiny experiment
# that Z3 decides, the shipped VNN-LIB fixtures and five ACAS Xu instances: same experiment
# hashes, same records and certificate records (timings and tool version left out), same
# stdout and result files. Run from the repository root:
#   Benchmarks/compare_builds.sh BEFORE/verify AFTER/verify OUTDIR
set -uo pipefail
BEFORE="$1"; AFTER="$2"; OUT="$3"; ROOT="$(pwd)"
mkdir -p "$OUT"
strip() {  # JSON lines without timing fields, records sorted by index
python3 - "$1" <<'PY'
import json, sys
TIMING = {"seconds", "time", "elapsed", "smt_seconds", "wall_seconds", "started", "finished", "samples_per_second", "tool", "written_by", "date", "command"}
def clean(x):
    if isinstance(x, dict): return {k: clean(v) for k, v in x.items() if k not in TIMING and not k.endswith("_seconds") and not k.endswith("_time")}
    if isinstance(x, list): return [clean(v) for v in x]
    return x
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines if l.strip()]
head, recs = objs[0], objs[1:]
recs.sort(key=lambda r: r.get("index", 0))
print(json.dumps(clean(head), sort_keys=True))  # the experiment hash included
for r in recs: print(json.dumps(clean(r), sort_keys=True))
PY
}
status=0
for mode in on off; do
  for who in before after; do
    bin=$BEFORE; [ $who = after ] && bin=$AFTER
    rm -f "$OUT/digits-$who-$mode.jsonl"
    "$bin" robustness examples/digits/experiment.json --results "$OUT/digits-$who-$mode.jsonl" --samples 3 --jobs 2 --quiet --leaf-process $mode > "$OUT/digits-$who-$mode.txt" 2>&1
    echo "exit $?" >> "$OUT/digits-$who-$mode.txt"
    strip "$OUT/digits-$who-$mode.jsonl" > "$OUT/digits-$who-$mode.stripped"
  done
  h1=$(head -1 "$OUT/digits-before-$mode.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("experiment"))')
  h2=$(head -1 "$OUT/digits-after-$mode.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("experiment"))')
  if [ "$h1" = "$h2" ] && cmp -s "$OUT/digits-before-$mode.stripped" "$OUT/digits-after-$mode.stripped"; then
    echo "digits leaf-process $mode: SAME (experiment $h1, $(($(wc -l < "$OUT/digits-after-$mode.stripped") - 1)) records)"
  else
    echo "digits leaf-process $mode: DIFFERENT ($h1 vs $h2)"; diff "$OUT/digits-before-$mode.stripped" "$OUT/digits-after-$mode.stripped" | head -5; status=1
  fi
done
# A tiny experiment whose samples Z3 decides (attack, linear bounds and splitting off), so the
# leaf worker answers unsat and sat: same records, exact counterexamples included.
Z3EXP="$OUT/z3-experiment"; mkdir -p "$Z3EXP"
cat > "$Z3EXP/c.json" <<'JSON'
{ "input_shape": [3], "layers": [
  { "type": "dense", "weights": [[0.8, -0.6, 0.5], [-0.7, 0.9, 0.4], [0.3, 0.6, -0.9], [-0.5, -0.4, 0.7]], "bias": [0.1, -0.2, 0.15, 0.05] },
  { "type": "relu" },
  { "type": "dense", "weights": [[1.5, -0.8, 0.6, -0.9], [-1.2, 1.4, -0.5, 0.8]], "bias": [0.05, -0.05] } ] }
JSON
for cb in "0:[0.6, -0.3, 0.2, 0.4]" "1:[-0.4, 0.5, -0.2, 0.3]"; do
  cat > "$Z3EXP/g${cb%%:*}.json" <<JSON
{ "input_shape": [2], "layers": [
  { "type": "dense", "weights": [[0.7, -0.4], [0.3, 0.8], [-0.6, 0.5], [0.45, 0.35]], "bias": ${cb#*:} },
  { "type": "relu" },
  { "type": "dense", "weights": [[0.9, -0.3, 0.4, 0.2], [-0.2, 0.7, 0.3, -0.5], [0.35, 0.25, -0.6, 0.55]], "bias": [0.1, -0.1, 0.2] } ] }
JSON
done
echo '{ "classifier": "c.json", "generators": {"0": "g0.json", "1": "g1.json"}, "eps": 0.3, "samples_per_class": 20, "delta": 0.2, "confidence": 0.9 }' > "$Z3EXP/experiment.json"
for mode in on off; do
  for who in before after; do
    bin=$BEFORE; [ $who = after ] && bin=$AFTER
    rm -f "$OUT/z3-$who-$mode.jsonl"
    "$bin" robustness "$Z3EXP/experiment.json" --results "$OUT/z3-$who-$mode.jsonl" --quiet --jobs 1 --disable attack,linear,split --leaf-process $mode > /dev/null 2>&1
    strip "$OUT/z3-$who-$mode.jsonl" > "$OUT/z3-$who-$mode.stripped"
  done
  if cmp -s "$OUT/z3-before-$mode.stripped" "$OUT/z3-after-$mode.stripped"; then
    echo "z3-decided experiment leaf-process $mode: SAME ($(grep -c '"decided_by": "smt"' "$OUT/z3-after-$mode.stripped") samples decided by Z3)"
  else
    echo "z3-decided experiment leaf-process $mode: DIFFERENT"; diff "$OUT/z3-before-$mode.stripped" "$OUT/z3-after-$mode.stripped" | head -5; status=1
  fi
done
run_vnnlib() {  # who bin onnx vnnlib tag extra...
  local who=$1 bin=$2 onnx=$3 prop=$4 tag=$5; shift 5
  "$bin" vnnlib "$onnx" "$prop" --json "$OUT/$tag-$who.json" --result "$OUT/$tag-$who.result" --threads 1 "$@" > "$OUT/$tag-$who.out" 2>/dev/null
  echo "exit $?" >> "$OUT/$tag-$who.out"
  [ -f "$OUT/$tag-$who.json" ] && strip_one "$OUT/$tag-$who.json" > "$OUT/$tag-$who.stripped"
}
strip_one() { python3 -c '
import json,sys
T={"seconds","time","elapsed","tool","written_by","date","command"}
def c(x):
    if isinstance(x,dict): return {k:c(v) for k,v in x.items() if k not in T and not k.endswith("_seconds") and not k.endswith("_time")}
    if isinstance(x,list): return [c(v) for v in x]
    return x
print(json.dumps(c(json.load(open(sys.argv[1]))),sort_keys=True,indent=1))' "$1"; }
compare_vnnlib() {
  local tag=$1; shift
  run_vnnlib before "$BEFORE" "$@" "$tag"; run_vnnlib after "$AFTER" "$@" "$tag"
}
while IFS=, read -r onnx prop _; do
  tag="fixture-${onnx%.onnx}-${prop%.vnnlib}"
  for who in before after; do bin=$BEFORE; [ $who = after ] && bin=$AFTER
    run_vnnlib $who "$bin" "Tests/Fixtures/vnncomp/vnncomp-test/$onnx" "Tests/Fixtures/vnncomp/vnncomp-test/$prop" "$tag" --timeout 60; done
  if cmp -s "$OUT/$tag-before.out" "$OUT/$tag-after.out" && cmp -s "$OUT/$tag-before.stripped" "$OUT/$tag-after.stripped" && cmp -s "$OUT/$tag-before.result" "$OUT/$tag-after.result"; then
    echo "$tag: SAME ($(head -1 "$OUT/$tag-after.out"), nodes $(python3 -c 'import json,sys; print([(q.get("statistics") or {}).get("nodes") for q in json.load(open(sys.argv[1]))["queries"]])' "$OUT/$tag-after.json" 2>/dev/null))"
  else echo "$tag: DIFFERENT"; diff "$OUT/$tag-before.out" "$OUT/$tag-after.out" | head -4; diff "$OUT/$tag-before.stripped" "$OUT/$tag-after.stripped" | head -6; status=1; fi
done < Tests/Fixtures/vnncomp/vnncomp-test/test_instances.csv
for pair in "1_1:prop_1" "2_1:prop_2" "1_9:prop_4" "4_5:prop_10" "1_1:prop_5"; do
  net=${pair%%:*}; prop=${pair##*:}; tag="acas-$net-$prop"
  for who in before after; do bin=$BEFORE; [ $who = after ] && bin=$AFTER
    run_vnnlib $who "$bin" "Tests/Fixtures/vnncomp/acasxu/ACASXU_run2a_${net}_batch_2000.onnx" "Tests/Fixtures/vnncomp/acasxu/$prop.vnnlib" "$tag" --timeout 100 --max-nodes 3000; done
  if cmp -s "$OUT/$tag-before.out" "$OUT/$tag-after.out" && cmp -s "$OUT/$tag-before.stripped" "$OUT/$tag-after.stripped"; then
    echo "$tag: SAME ($(head -1 "$OUT/$tag-after.out"), nodes $(python3 -c 'import json,sys; print([(q.get("statistics") or {}).get("nodes") for q in json.load(open(sys.argv[1]))["queries"]])' "$OUT/$tag-after.json" 2>/dev/null))"
  else echo "$tag: DIFFERENT"; diff "$OUT/$tag-before.out" "$OUT/$tag-after.out" | head -4; diff "$OUT/$tag-before.stripped" "$OUT/$tag-after.stripped" | head -6; status=1; fi
done
exit $status
