#!/usr/bin/env bash
# Runs examples/slurm on a real Slurm cluster and checks that the merged verdicts equal a
# single-process run's, byte for byte (timings aside).
#
#   Tests/slurm/check_slurm.sh [--verify PATH] [--samples N] [--keep]
#
# It installs Debian's slurm-wlm and munge when they are missing, starts munged when no munge
# daemon answers, and starts a single-node cluster (slurmctld + slurmd, a slurm.conf generated
# for this host in a temporary directory, ports 16817/16818); then it submits 4 shards of the
# digits experiment and the dependent merge job with examples/slurm/submit.sh, waits, and
# compares. Everything it started is stopped on exit. Needs root (or sudo) to run the daemons;
# without either it prints SKIPPED and exits 0. Exit 1 when the check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
verify=.build/debug/verify samples=20 keep=no
while [ $# -gt 0 ]; do
    case $1 in
        --verify) verify=$2; shift 2 ;;
        --samples) samples=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        *) echo "usage: $0 [--verify PATH] [--samples N] [--keep]" >&2; exit 2 ;;
    esac
done
verify=$(cd "$(dirname "$verify")" && pwd)/$(basename "$verify")
[ -x "$verify" ] || { echo "check_slurm: no verify binary at $verify (swift build first, or pass --verify)" >&2; exit 2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
        echo "check_slurm: SKIPPED (starting slurmctld, slurmd and munged needs root or sudo)"; exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    echo "check_slurm: installing slurm-wlm and munge"
    $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null \
        || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null; }
fi

work=$(mktemp -d /tmp/verify-slurm.XXXXXX)
started_munge=no
# Whether process $1 still runs (a zombie has ended).
running() { local stat; stat=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $stat != Z* ]]; }
cleanup() {
    local pids=()
    for daemon in slurmd slurmctld; do
        [ -f "$work/$daemon.pid" ] && pids+=("$(cat "$work/$daemon.pid")")
    done
    if [ $started_munge = yes ] && [ -f /run/munge/munged.pid ]; then pids+=("$(cat /run/munge/munged.pid)"); fi
    for pid in "${pids[@]}"; do $SUDO kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 40); do
        local alive=no
        for pid in "${pids[@]}"; do running "$pid" && alive=yes; done
        [ $alive = no ] && break
        sleep 0.25
    done
    if [ $keep = no ]; then $SUDO rm -rf "$work"; else echo "check_slurm: kept $work"; fi
}
trap cleanup EXIT

# munge: the authentication Slurm's daemons and clients share.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
    $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
    if ! $SUDO test -s /etc/munge/munge.key; then
        $SUDO sh -c 'dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null && chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key'
    fi
    $SUDO runuser -u munge -- /usr/sbin/munged
    started_munge=yes
    sleep 1
    munge -n | unmunge >/dev/null || { echo "check_slurm: munged did not start" >&2; exit 1; }
fi

host=$(hostname -s)
mkdir -p "$work/state" "$work/spool" "$work/out"
cat > "$work/slurm.conf" <<CONF
ClusterName=verifycheck
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
$SUDO slurmctld -f "$SLURM_CONF"
$SUDO slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
    sinfo -h -o %T 2>/dev/null | grep -q idle && break
    sleep 1
done
sinfo -h -o %T | grep -q idle || { echo "check_slurm: the node did not become idle" >&2; sinfo >&2 || true; cat "$work"/*.log >&2; exit 1; }

experiment=$repo/examples/digits/experiment.json
options=(--samples "$samples" --quiet)
echo "check_slurm: single-process reference run"
status=0
"$verify" robustness "$experiment" --results "$work/single.jsonl" --jobs 2 "${options[@]}" >/dev/null || status=$?
case $status in 0|1|3) ;; *) echo "check_slurm: the reference run failed with exit code $status" >&2; exit 1 ;; esac

echo "check_slurm: submitting 4 shards and the merge job"
submitted=$(cd "$work" && VERIFY=$verify OUT_DIR=$work/out CPUS=1 "$repo/examples/slurm/submit.sh" "$experiment" 4 "${options[@]}")
echo "$submitted"
merge=$(sed -n 's/.*merge: job \([0-9]*\).*/\1/p' <<< "$submitted")
array=$(sed -n 's/.*job array \([0-9]*\).*/\1/p' <<< "$submitted")
[ -n "$merge" ] && [ -n "$array" ] || { echo "check_slurm: could not read the job ids" >&2; exit 1; }

state=""
for _ in $(seq 300); do
    state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
    case $state in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
    sleep 1
done
if [ "$state" != COMPLETED ]; then
    echo "check_slurm: FAILED: the merge job ended in state '${state:-unknown}'" >&2
    scontrol show job "$array" >&2 || true
    cat "$work"/slurm-verify-*.out >&2 2>/dev/null || true
    exit 1
fi

# Sample lines without their timings ("seconds" fields), in index order.
samples_of() { tail -n +2 "$1" | sed -E 's/"seconds":[^,}]*,?//g'; }
count=$(samples_of "$work/out/all.jsonl" | wc -l)
if ! diff <(samples_of "$work/single.jsonl") <(samples_of "$work/out/all.jsonl") >"$work/diff.txt"; then
    echo "check_slurm: FAILED: the merged verdicts differ from the single-process run:" >&2
    head -n 20 "$work/diff.txt" >&2
    exit 1
fi
for file in summary.json report.html shard-0.jsonl shard-3.jsonl; do
    [ -s "$work/out/$file" ] || { echo "check_slurm: FAILED: $file was not written" >&2; exit 1; }
done
echo "check_slurm: OK: 4 Slurm shards merged into $count samples, identical to the single-process run (timings aside)"
