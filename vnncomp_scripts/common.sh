# Shared by prepare_instance.sh and run_instance.sh (sourced, not run).

# The `verify` binary: $VERIFY_BIN when set (tests use the debug build), else the release
# build that install_tool.sh makes.
VNNCOMP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERIFY="${VERIFY_BIN:-$VNNCOMP_ROOT/.build/release/verify}"

# check_version ARG: VNN-COMP passes "v1" first; anything else is a usage error (exit 1).
check_version() {
    if [ "${1:-}" != "v1" ]; then
        echo "$(basename "$0"): expected the version string v1 as first argument, got '${1:-}'" >&2
        exit 1
    fi
}
