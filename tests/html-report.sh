#!/usr/bin/env bash
# Opens the HTML report in headless Chromium: takes a screenshot and fails
# on any console message (the page has no script, so any is an error: a
# blocked load, a parse failure). Skips (exit 0) without Chromium.
#
# usage: tests/html-report.sh [path/to/recall] [report.png] [class.png]
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

# Three days of drills on the shipped deck by three learners, answering
# every card the same way: reveal, then Good; or the first option, true, a
# word, then accept.
for _ in $(seq 60); do printf '\n3\na\nt\nx\n\n'; done >"$dir/answers"
for learner in chromium ana ben; do
    for day in 02 03 04; do
        RECALL_USER=$learner RECALL_NOW="2026-03-${day}T09:00:00Z" "$bin" drill --seed 1 \
            <"$dir/answers" >/dev/null
    done
done
RECALL_NOW=2026-03-04T10:00:00Z "$bin" report --html "$dir/report.html" 2>/dev/null
RECALL_NOW=2026-03-04T10:00:00Z "$bin" report --all-users --html "$dir/class.html" 2>/dev/null

# The class page's heat map, as the browser builds it: one cell per learner
# and area (and total), no more, no fewer.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/profile2" --dump-dom "file://$dir/class.html" \
    >"$dir/class.dom" 2>"$dir/chromium2.log" || { echo "html-report: Chromium failed"; cat "$dir/chromium2.log"; exit 1; }
areas=$(grep -o '<th scope="col">' "$dir/class.dom" | wc -l)
rows=$(grep -o '<th scope="row"' "$dir/class.dom" | wc -l)
cells=$(grep -o '<td class="heat"' "$dir/class.dom" | wc -l)
# The header names the learner column and 11 areas and the total.
if [ "$areas" != 13 ] || [ "$rows" != 3 ] || [ "$cells" != $((3 * 12)) ]; then
    echo "html-report: heat map has $rows rows, $areas headers, $cells cells (want 3, 13, 36)"
    exit 1
fi
if [ -n "${3:-}" ]; then
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$dir/profile3" --window-size=1280,1400 --screenshot="$3" \
        "file://$dir/class.html" 2>/dev/null || true
fi

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
echo "html-report: ok ($(wc -c <"$shot") bytes of screenshot; heat map $rows x $((areas - 1)))"
