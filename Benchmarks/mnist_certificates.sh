#!/usr/bin/env bash
# MNIST local certificates: simple and tanh generators with the small and large classifiers, re-checked.
cd "$(dirname "$0")/.."
V=.build/release/verify
valid=0; total=0
for fam in simple tanh; do for cls in small large; do for c in 0 3 7; do
  for noise in 0,0,0,0,0,0,0,0,0,0 0.5,-0.5,0.3,0.1,-1,0.2,0.7,-0.3,0,0.4; do
    total=$((total+1)); f=${TMPDIR:-/tmp}/mnist_cert_${fam}_${cls}_${c}_$total.json
    out=$($V local --classifier examples/mnist/classifiers/$cls.onnx --generator examples/mnist/generators/$fam/generator_$c.onnx --noise $noise --eps 0.1 --class $c --timeout 30 --json $f 2>&1 | head -1)
    chk=$($V check $f --no-cvc5 2>&1 | tail -1)
    [ "$chk" = "certificate VALID" ] && valid=$((valid+1))
    echo "$fam $cls class $c noise $noise: $out | $chk"
  done
done; done; done
echo "MNIST local certificates: $valid of $total VALID (the others: see lines)"
