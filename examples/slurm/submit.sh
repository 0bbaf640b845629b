#!/bin/bash
# Submits an exact robustness run to Slurm: SHARDS array tasks, then the merge job.
#
#   examples/slurm/submit.sh EXPERIMENT SHARDS [robustness options...]
#
# Environment: VERIFY (the verify binary; default: `verify` on PATH, else
# .build/release/verify), OUT_DIR (default verify-results), CPUS (cores per shard, default 2),
# SBATCH_ARGS (extra sbatch options for both jobs, e.g. "--partition=cpu --time=04:00:00").
# Prints the two job ids; the merge job's output file ends with the summary table, and
# OUT_DIR holds shard-*.jsonl, all.jsonl, summary.json and report.html.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 2 ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 EXPERIMENT SHARDS [robustness options...]  (SHARDS a positive integer)" >&2
    exit 2
fi
experiment=$1 shards=$2
shift 2
if [ -z "${VERIFY:-}" ]; then
    VERIFY=$(command -v verify || echo "$PWD/.build/release/verify")
fi
[ -x "$VERIFY" ] || { echo "$0: no verify binary at $VERIFY; build it (swift build -c release) or set VERIFY" >&2; exit 2; }
export VERIFY EXPERIMENT=$experiment OUT_DIR=${OUT_DIR:-verify-results}
read -r -a extra <<< "${SBATCH_ARGS:-}"

array=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task="${CPUS:-2}" "${extra[@]}" \
    "$here/robustness.sbatch" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes "${extra[@]}" "$here/merge.sbatch")
merge=${merge%%;*}
echo "shards: job array $array ($shards tasks); merge: job $merge (starts when every shard succeeded)"
