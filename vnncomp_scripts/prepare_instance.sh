#!/usr/bin/env bash
# VNN-COMP: prepare_instance.sh v1 CATEGORY ONNX VNNLIB
# Leaves the machine clean for the next instance (ends leftover `verify` processes of this
# installation) and checks that both files exist and can be read, decompressing .gz files
# (gzip is told by its magic bytes 1f 8b, as `verify` does). No analysis happens here.
# Exit 0 when the instance can be run, 1 otherwise (the reason on stderr).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

check_version "${1:-}"
if [ "$#" -ne 4 ]; then
    echo "usage: $0 v1 CATEGORY ONNX VNNLIB" >&2
    exit 1
fi
CATEGORY="$2" ONNX="$3" VNNLIB="$4"

if [ ! -x "$VERIFY" ]; then
    echo "prepare_instance.sh: $VERIFY is missing; run install_tool.sh v1 first" >&2
    exit 1
fi

# Leftover processes of this binary and its leaf worker (a run killed at its time limit,
# its leaf processes):
# matched by the executable they run, so other programs, and other installations, are
# left alone. VNNCOMP_KEEP_PROCESSES=1 skips this (tests that share the binary).
if [ "${VNNCOMP_KEEP_PROCESSES:-0}" != "1" ]; then
    target="$(readlink -f "$VERIFY")"
    worker="$(dirname "$target")/verify-leaf"  # the Z3 leaf worker beside it
    for exe in /proc/[0-9]*/exe; do
        pid="${exe#/proc/}"; pid="${pid%/exe}"
        [ "$pid" = "$$" ] && continue
        running="$(readlink -f "$exe" 2>/dev/null)"
        if [ "$running" = "$target" ] || [ "$running" = "$worker" ]; then
            kill -KILL "$pid" 2>/dev/null && echo "prepare_instance.sh: ended leftover verify process $pid"
        fi
    done
fi

for file in "$ONNX" "$VNNLIB"; do
    if [ ! -r "$file" ] || [ ! -f "$file" ]; then
        echo "prepare_instance.sh: $file: no such readable file" >&2
        exit 1
    fi
    if [ "$(head -c 2 "$file" | od -An -tx1 | tr -d ' \n')" = "1f8b" ] && command -v gzip >/dev/null 2>&1 \
        && ! gzip -t "$file" 2>/dev/null; then
        echo "prepare_instance.sh: $file: gzip data that does not decompress (truncated or corrupt)" >&2
        exit 1
    fi
done

# The model must load (formats, operators): `verify info` reads it and nothing else.
if ! "$VERIFY" info "$ONNX" >/dev/null; then
    echo "prepare_instance.sh: $ONNX cannot be loaded by verify (reason above)" >&2
    exit 1
fi
echo "prepared: category $CATEGORY, $ONNX, $VNNLIB"
exit 0
