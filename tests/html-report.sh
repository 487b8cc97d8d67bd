#!/usr/bin/env bash
# Opens the HTML report in headless Chromium: takes a screenshot and fails
# on any console message (the page has no script, so any is an error: a
# blocked load, a parse failure). Skips (exit 0) without Chromium.
#
# usage: tests/html-report.sh [path/to/recall] [screenshot.png]
set -euo pipefail
bin=$(realpath "${1:-target/debug/recall}")
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "html-report: SKIPPED: Chromium is not installed (apt-get install chromium)"
    # CI installs what its tests need: there, a skip is a failure.
    [ "${RECALL_CI:-}" = 1 ] && exit 1
    exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
shot="${2:-$dir/report.png}"
export RECALL_DB="$dir/r.db" RECALL_USER=chromium TZ=UTC NO_COLOR=1

# Three days of drills on the shipped deck, answering every card the same
# way: reveal, then Good; or the first option, true, a word, then accept.
for _ in $(seq 60); do printf '\n3\na\nt\nx\n\n'; done >"$dir/answers"
for day in 02 03 04; do
    RECALL_NOW="2026-03-${day}T09:00:00Z" "$bin" drill --seed 1 <"$dir/answers" >/dev/null
done
RECALL_NOW=2026-03-04T10:00:00Z "$bin" report --html "$dir/report.html" 2>/dev/null

timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/profile" --enable-logging=stderr --v=0 \
    --window-size=1280,1800 --screenshot="$shot" "file://$dir/report.html" \
    2>"$dir/chromium.log" || { echo "html-report: Chromium failed"; cat "$dir/chromium.log"; exit 1; }

if grep -q "CONSOLE" "$dir/chromium.log"; then
    echo "html-report: the page wrote to the console:"
    grep "CONSOLE" "$dir/chromium.log"
    exit 1
fi
if [ ! -s "$shot" ]; then
    echo "html-report: no screenshot"
    exit 1
fi
echo "html-report: ok ($(wc -c <"$shot") bytes of screenshot)"
