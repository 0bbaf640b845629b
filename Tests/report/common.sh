# Shared by the browser checks in Tests/report/ (sourced, not run).

# Sets $browser to chromium's path, or prints "NAME: skipped" and exits 0 when it is missing.
require_browser() {
    browser="$(command -v chromium || command -v chromium-browser || true)"
    if [ -z "$browser" ]; then
        echo "$1: skipped (chromium is not installed; apt-get install chromium)"
        exit 0
    fi
}

# Sets $verify to the given binary, else .build/debug/verify, else .build/release/verify;
# exits 2 naming the check NAME when none is executable.
require_verify() {
    if [ -z "$verify" ]; then
        for candidate in .build/debug/verify .build/release/verify; do
            if [ -x "$candidate" ]; then verify="$candidate"; break; fi
        done
    fi
    [ -x "$verify" ] || { echo "$1: no verify binary; run swift build first" >&2; exit 2; }
}
