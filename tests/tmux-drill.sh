#!/usr/bin/env bash
# Drives a real terminal drill in tmux: single keypresses in, the screen
# read back. Checks the card, the key help, a cleared screen between cards,
# colour on a terminal, and the summary. Skips (exit 0) without tmux.
#
# usage: tests/tmux-drill.sh [path/to/recall]
set -euo pipefail
bin=$(realpath "${1:-target/debug/recall}")
if ! command -v tmux >/dev/null; then
    echo "tmux-drill: SKIPPED: tmux is not installed (apt-get install tmux)"
    # CI installs what its tests need: there, a skip is a failure.
    [ "${RECALL_CI:-}" = 1 ] && exit 1
    exit 0
fi
dir=$(mktemp -d)
session="recall-drill-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$dir"' EXIT

tmux new-session -d -s "$session" -x 110 -y 30 "bash --norc --noprofile"
tmux send-keys -t "$session" \
    "env -u NO_COLOR RECALL_DB=$dir/r.db RECALL_NOW=2026-03-02T09:00:00Z RECALL_USER=tmux TZ=UTC $bin drill --limit 2; echo EXIT=\$?" Enter

screen() { tmux capture-pane -p -t "$session"; }
# Polls the screen (the program under test runs in another process).
wait_for() {
    for _ in $(seq 100); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.05
    done
    echo "tmux-drill: never saw: $1"
    screen
    exit 1
}
absent() {
    if screen | grep -qF -- "$1"; then
        echo "tmux-drill: still on screen: $1"
        screen
        exit 1
    fi
}

wait_for "1/2 · Communication"
wait_for "Effective communication lies at the [...] of case management."
wait_for "Enter: show the answer"
if ! tmux capture-pane -e -p -t "$session" | grep -q $'\e\['; then
    echo "tmux-drill: no colour on a terminal"
    exit 1
fi
tmux send-keys -t "$session" Enter
wait_for "Effective communication lies at the heart of case management."
wait_for "1 Again · 2 Hard · 3 Good · 4 Easy"
tmux send-keys -t "$session" x
wait_for "? 1 Again · 2 Hard · 3 Good · 4 Easy"
tmux send-keys -t "$session" 3
wait_for "2/2 · Communication"
absent "heart of case management"
tmux send-keys -t "$session" Space
wait_for "clearly and empathically"
tmux send-keys -t "$session" 4
wait_for "2 cards done, 2 recalled (100%), in 0 min"
wait_for "Due tomorrow: 2 cards"
wait_for "Streak: 1 day"
wait_for "EXIT=0"

# A SIGTERM from outside (a closed window, a service manager) ends the
# drill with the terminal put back: echo and line editing on again.
tmux send-keys -t "$session" "clear; $bin --db $dir/term.db drill --limit 2; echo EXIT=\$?" Enter
wait_for "Enter: show the answer"
pkill -TERM -f -- "--db $dir/term.db drill" || { echo "tmux-drill: no drill to signal"; exit 1; }
wait_for "EXIT=143"
tmux send-keys -t "$session" "stty -a | tr ' ;' '\n\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\n' ' '; echo" Enter
wait_for "icanon echo"
echo "tmux-drill: ok"
