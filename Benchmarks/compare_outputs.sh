#!/usr/bin/env bash
# Compares what two `verify` binaries write on the shipped examples, for refactors that must
# not change behaviour:
#
#   Benchmarks/compare_outputs.sh BEFORE_BIN AFTER_BIN [SAMPLES]
#
# e.g. build main in a temporary worktree (`git worktree add /tmp/before main`, then
# `swift build -c release --product verify` there) and pass its `.build/release/verify` and
# this checkout's. SAMPLES (default 30) is the samples per class of the robustness runs.
#
# Each binary runs the same commands in its own directory: `robustness` (the README's main
# job on examples/digits, one job so the records come in one order), `summary` and `report`
# (on the BEFORE binary's results file, so both read the same input), `correctness`,
# `sample`, `walk`, `attack` (pictures), and `table` (examples/mnist: the whole matrix for
# correctness with the IDX test set, and one cell with a CSV test set and exact robustness).
# Every output file, stdout and exit code is then compared: `identical` (same bytes),
# `same up to timing` (the same once wall-clock times and the tool's commit are removed:
# keys `seconds`, `*_seconds`, `samples_per_second`, `tool.commit`, and `N s` / `N samples/s`
# in text), or `DIFFERENT` (a diff follows). Exit code 0 when nothing is DIFFERENT and no
# command ended with an input error (exit code 2, which would make the comparison void), 1 otherwise.
set -u
if [ $# -lt 2 ]; then echo "usage: $0 BEFORE_BIN AFTER_BIN [SAMPLES]" >&2; exit 2; fi
before=$(realpath "$1"); after=$(realpath "$2"); samples=${3:-30}
repo=$(cd "$(dirname "$0")/.." && pwd)
digits=$repo/examples/digits/experiment.json
mnist=$repo/examples/mnist
work=$(mktemp -d "${TMPDIR:-/tmp}/compare_outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One cell of the MNIST matrix (small x simple) with the CSV test set, absolute paths.
python3 - "$mnist" "$work/cell.json" <<'EOF'
import json, sys
mnist, out = sys.argv[1], sys.argv[2]
m = json.load(open(f"{mnist}/matrix.json"))
m["classifiers"] = {"small": f"{mnist}/{m['classifiers']['small']}"}
m["generator_families"] = {"simple": {c: f"{mnist}/{p}" for c, p in m["generator_families"]["simple"].items()}}
m["test_set"] = {"csv": f"{mnist}/data/test.csv.gz"}
json.dump(m, open(out, "w"), indent=1)
EOF

# run NAME COMMAND...: stdout to NAME.out, exit code to NAME.rc (stderr is progress only).
run() { local name=$1; shift; "$@" > "$name.out" 2> "$name.err"; echo $? > "$name.rc"; }

for side in before after; do
    bin=${!side}; mkdir -p "$work/$side"; cd "$work/$side" || exit 2
    run robustness "$bin" robustness "$digits" --results results.jsonl --samples "$samples" --jobs 1 --quiet --json summary.json
    run summary "$bin" summary "$work/before/results.jsonl"
    run report "$bin" report "$work/before/results.jsonl" --html report.html --experiment "$digits"
    run correctness "$bin" correctness "$digits" --samples 200 --json correctness.json
    run sample "$bin" sample "$digits" --class 1 --grid 4x6 --png sample.png
    run walk "$bin" walk "$digits" --class 1 --start-sample 33 --steps 15 --png walk.png --gif walk.gif
    run attack "$bin" attack "$digits" --class 1 --method blackbox --eps 0.2 --seed 1 --json pair.json --png pair.png
    run table "$bin" table "$mnist/matrix.json" --samples 20 --csv table.csv --json table.json
    run table_cell "$bin" table "$work/cell.json" --samples 20 --robustness cells --robust-samples 2 --jobs 1 \
        --format csv --json table_cell.json
done

python3 - "$work" <<'EOF'
import difflib, json, os, re, sys
work = sys.argv[1]
TIME_KEYS = re.compile(r"(^|_)seconds$|^samples_per_second$")
TEXT_TIME = re.compile(r"\b\d+(\.\d+)?(e[-+]?\d+)? ?(s|samples/s)\b")

def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items()
                if not TIME_KEYS.search(k) and not (k == "commit" and "version" in value)}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value

def normalized(path, data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary (PNG, GIF): bytes only
    lines = text.splitlines()
    try:
        return [json.dumps(strip(json.loads(text)), sort_keys=True, indent=1)]
    except ValueError:
        pass
    out = []
    for line in lines:
        try:
            out.append(json.dumps(strip(json.loads(line)), sort_keys=True))
        except ValueError:
            out.append(TEXT_TIME.sub("<time>", line))
    return out

names = set()
for side in ("before", "after"):
    for root, _, files in os.walk(os.path.join(work, side)):
        for f in files:
            # .lock files hold the writer's process id (ResultsLock): never comparable.
            if not f.endswith((".err", ".lock")):
                names.add(os.path.relpath(os.path.join(root, f), os.path.join(work, side)))
different = 0
for name in sorted(names):
    a, b = (os.path.join(work, s, name) for s in ("before", "after"))
    if not (os.path.exists(a) and os.path.exists(b)):
        print(f"DIFFERENT          {name} (only in {'before' if os.path.exists(a) else 'after'})")
        different += 1
        continue
    da, db = open(a, "rb").read(), open(b, "rb").read()
    if da == db:
        print(f"identical          {name} ({len(da)} bytes)")
        continue
    na, nb = normalized(a, da), normalized(b, db)
    if na is not None and na == nb:
        print(f"same up to timing  {name}")
        continue
    different += 1
    print(f"DIFFERENT          {name}")
    if na is not None and nb is not None:
        diff = list(difflib.unified_diff(na, nb, "before", "after", lineterm="", n=0))[:20]
        sys.stdout.writelines((l if len(l) <= 240 else l[:240] + " ...") + "\n" for l in diff)
codes = {n[:-3]: open(os.path.join(work, "after", n)).read().strip() for n in sorted(names) if n.endswith(".rc")}
print("exit codes (after): " + ", ".join(f"{k} {v}" for k, v in codes.items()))
void = "2" in codes.values()
if void:
    print("VOID: a command ended with an input error (exit code 2)")
print(f"{len(names) - different} of {len(names)} outputs agree" + ("" if different == 0 else f"; {different} DIFFERENT"))
sys.exit(1 if different or void else 0)
EOF
