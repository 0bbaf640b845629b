#!/usr/bin/env bash
# VNN-COMP: install_tool.sh v1
# Installs what `verify` needs to build (libz3-dev, pkg-config; Swift 6 must already be on
# PATH) and builds the release binaries .build/release/verify and, beside it, its Z3 leaf
# worker .build/release/verify-leaf (built with verify). Linux (Debian/Ubuntu) only.
set -euo pipefail

if [ "$#" -ne 1 ] || [ "$1" != "v1" ]; then
    echo "usage: $0 v1 (the VNN-COMP version string), got: $*" >&2
    exit 1
fi
if [ "$(uname -s)" != "Linux" ]; then
    echo "install_tool.sh: Linux only (Debian/Ubuntu with apt-get); this is $(uname -s)" >&2
    exit 1
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

# apt-get as root, through sudo only when not root and sudo exists.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    fi
fi

if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists z3; then
    if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
        echo "install_tool.sh: libz3-dev and pkg-config are missing and this user can neither install them nor sudo; run as root: apt-get update && apt-get install -y libz3-dev pkg-config" >&2
        exit 1
    fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq libz3-dev pkg-config
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "install_tool.sh: no 'swift' on PATH; install Swift 6 for Linux (https://www.swift.org/install/linux/) and run again" >&2
    exit 1
fi

cd "$ROOT"
swift build -c release --product verify
"$ROOT/.build/release/verify" --help >/dev/null
if [ ! -x "$ROOT/.build/release/verify-leaf" ]; then
    echo "install_tool.sh: the Z3 leaf worker .build/release/verify-leaf was not built; run: swift build -c release --product verify-leaf" >&2
    exit 1
fi
echo "installed: $ROOT/.build/release/verify"
