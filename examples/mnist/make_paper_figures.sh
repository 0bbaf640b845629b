#!/usr/bin/env bash
# Every figure and table of the paper reproduction at the paper's architectures, from the
# committed models under paper/, into paper/figures/:
#
#   table_paper.{txt,json}    Table 1: 8 classifiers x {simple GAN, augmented GAN} + test set
#   table_halves.{txt,json}   generator dependence: the same 8 x {half A GAN, half B GAN}
#   figure3.txt               Figure 3: realistic adversarial examples with the paper's attack
#                             budget (verify attack --paper), paper_small and paper_medium_madry
#                             on the simple GAN, white box and black box, every class: sample,
#                             samples attacked and time to the first confirmed pair
#   figure3_<classifier>_<method>.png   one pair each (class $FIGURE_CLASS when found there)
#   walk_8.{png,gif}          Figure 2: random walk of class 8 on the simple GAN
#   manual_score.html         the manual-score page (100 images of the simple GAN)
#   (the exact robustness tables paper/robustness100/table_eps0.02.json and
#   paper/robustness100/table_eps0.03.json are made by the verify table commands in
#   examples/mnist/README.md; the page shows them)
#   reproduction.html         one page with all of the above (verify report), and
#   reproduction.png          its screenshot (headless chromium, when installed)
#
# usage: examples/mnist/make_paper_figures.sh        (after swift build -c release)
# settings (environment): VERIFY (binary, default .build/release/verify), OUT (default
# examples/mnist/paper/figures), TABLE_SAMPLES (samples per class per cell, default 500; the
# paper's 10,000 is about 20x longer), ATTACK_SAMPLES (sample indices per class attacked,
# default 20), FIGURE_CLASS (default 8), WALK_STEPS / WALK_STEP_SIZE (default 31 / 0.5),
# SKIP_TABLES=1 (reuse the table JSON files already in OUT).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
verify="${VERIFY:-$root/.build/release/verify}"
# OUT relative to the caller's directory; the default relative to examples/mnist, so that the
# committed texts name files as paper/figures/... (the commands below run in examples/mnist).
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; out="$(cd "$OUT" && pwd)"; else out="paper/figures"; fi
table_samples="${TABLE_SAMPLES:-500}"
attack_samples="${ATTACK_SAMPLES:-20}"
figure_class="${FIGURE_CLASS:-8}"
walk_steps="${WALK_STEPS:-31}"
walk_step_size="${WALK_STEP_SIZE:-0.5}"
[ -x "$verify" ] || { echo "make_paper_figures: no verify binary at $verify; run swift build -c release" >&2; exit 2; }
cd "$here"
mkdir -p "$out"
started=$SECONDS

# Table 1 and generator dependence (forward passes only).
if [ "${SKIP_TABLES:-0}" != 1 ]; then
    "$verify" table matrix_paper.json --samples "$table_samples" --json "$out/table_paper.json" > "$out/table_paper.txt"
    "$verify" table matrix_paper_halves.json --samples "$table_samples" --json "$out/table_halves.json" > "$out/table_halves.txt"
fi

# Figure 3: the paper's attack budget, both attacks, both classifiers, every class.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
    echo "verify attack --paper, eps 0.05 (the experiments'), samples 0..$((attack_samples - 1)) of each class; time to the first confirmed pair"
    printf '%-20s %-9s %-5s %s\n' classifier method class result
} > "$out/figure3.txt"
for classifier in paper_small paper_medium_madry; do
    case "$classifier" in
        paper_small) experiment=experiment_paper_simple.json ;;
        paper_medium_madry) experiment=experiment_paper_madry_simple.json ;;
    esac
    for method in whitebox blackbox; do
        found_classes=""
        for class in 0 1 2 3 4 5 6 7 8 9; do
            status=0
            "$verify" attack "$experiment" --paper --method "$method" --class "$class" --samples "$attack_samples" \
                --png "$work/${classifier}_${method}_${class}.png" > "$work/attack.txt" || status=$?
            case "$status" in
                1) result="$(grep '^found at sample' "$work/attack.txt" | sed 's/^found at //')"
                   result="$result; $(grep -o "classified [0-9]*\( (tie with [0-9]*)\)\?, margin" "$work/attack.txt" | tail -1 | sed 's/, margin//; s/classified /-> /')"
                   found_classes="$found_classes $class" ;;
                3) result="none: $(grep '^no realistic' "$work/attack.txt" | sed 's/^no realistic adversarial example found: //')" ;;
                *) cat "$work/attack.txt" >&2; exit "$status" ;;
            esac
            printf '%-20s %-9s %-5s %s\n' "$classifier" "$method" "$class" "$result" >> "$out/figure3.txt"
        done
        pick="$figure_class"
        [ -f "$work/${classifier}_${method}_${pick}.png" ] || pick="$(echo $found_classes | cut -d' ' -f1)"
        rm -f "$out/figure3_${classifier}_${method}.png"
        if [ -n "$pick" ]; then cp "$work/${classifier}_${method}_${pick}.png" "$out/figure3_${classifier}_${method}.png"; fi
        echo "$classifier $method: pairs for classes:${found_classes:- none}; figure: class ${pick:-none}" >> "$work/picked.txt"
    done
done
cat "$work/picked.txt" >> "$out/figure3.txt"

# Figure 2: the random walk of class 8.
"$verify" walk experiment_paper_simple.json --class 8 --steps "$walk_steps" --step-size "$walk_step_size" --scale 3 \
    --png "$out/walk_8.png" --gif "$out/walk_8.gif" > "$out/walk_8.txt"

# The manual-score page: 100 images of the simple GAN, classes in turn.
"$verify" manual-score-page experiment_paper_simple.json --out "$out/manual_score.html" --count 100 > /dev/null

# One page for all of it.
pictures=()
for classifier in paper_small paper_medium_madry; do
    for method in whitebox blackbox; do
        file="$out/figure3_${classifier}_${method}.png"
        [ -f "$file" ] && pictures+=(--picture "Figure 3: $classifier, simple GAN, $method (verify attack --paper)=$file")
    done
done
"$verify" report --html "$out/reproduction.html" --title "Fijalkow and Gupta at the paper's architectures: the reproduction" \
    --table "Table 1: global correctness (simple and augmented GAN, test set)=$out/table_paper.json" \
    --table "Generator dependence: two GANs trained on disjoint halves=$out/table_halves.json" \
    --table "Exact (eps, delta)-robustness at eps 0.02: 8 classifiers, clipped GANs, 100 samples per class=paper/robustness100/table_eps0.02.json" \
    --table "Exact (eps, delta)-robustness at eps 0.03: 8 classifiers, clipped GANs, 100 samples per class=paper/robustness100/table_eps0.03.json" \
    "${pictures[@]}" \
    --picture "Figure 2: random walk of class 8 on the simple GAN (strip)=$out/walk_8.png" \
    --picture "Figure 2: random walk of class 8 on the simple GAN (animation)=$out/walk_8.gif" \
    --text "Figure 3: realistic adversarial examples, every class=$out/figure3.txt" \
    --text "Figure 2: the walk's labels=$out/walk_8.txt" \
    --link "Manual score: label 100 generated images (offline page; score with verify manual-score)=manual_score.html"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -n "$browser" ]; then
    timeout 180 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
        --screenshot="$out/reproduction.png" --window-size=1200,9600 "file://$(cd "$out" && pwd)/reproduction.html" > /dev/null 2>&1 || true
fi
echo "make_paper_figures: wrote $out in $((SECONDS - started)) s"
