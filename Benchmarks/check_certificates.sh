#!/bin/bash
# Writes a certificate per VNN-LIB instance and re-checks it: the answer, the certificate's
# format (2: it holds a ReLU-phase proof tree), its size and phase-proof node count, and the
# wall time and verdict of `verify check`.
#
# usage: Benchmarks/check_certificates.sh VERIFY MODEL OUT_DIR TIMEOUT PROPERTY.vnnlib...
# e.g.   Benchmarks/check_certificates.sh .build/release/verify examples/digits/classifier.onnx \
#            /tmp/certs 60 /tmp/digits/digit_*.vnnlib   (instances: Benchmarks/digits_vnnlib/make_instances.py)
set -u
verify=$1 model=$2 out=$3 timeout=$4
shift 4
mkdir -p "$out"
printf "%-28s %-7s %8s %6s %10s %6s %8s %s\n" instance answer solve_s format bytes nodes check_s check
for property in "$@"; do
    name=$(basename "$property" .vnnlib)
    certificate="$out/$name.json"
    t0=$(date +%s.%N)
    answer=$("$verify" vnnlib "$model" "$property" --json "$certificate" --timeout "$timeout" 2>/dev/null | head -1)
    t1=$(date +%s.%N)
    check=$("$verify" check "$certificate" --no-cvc5 2>&1 | sed -n 's/^certificate //p')
    t2=$(date +%s.%N)
    format=$(grep -o '"format": [0-9]*' "$certificate" | head -1 | grep -o '[0-9]*$')
    nodes=$(python3 -c "import json, sys; print(sum(len(q.get('phase_proof', {}).get('nodes', [])) for q in json.load(open(sys.argv[1])).get('queries', [])))" "$certificate")
    printf "%-28s %-7s %8.2f %6s %10d %6d %8.2f %s\n" "$name" "$answer" "$(echo "$t1 - $t0" | bc)" "$format" \
        "$(stat -c %s "$certificate")" "$nodes" "$(echo "$t2 - $t1" | bc)" "$check"
done
