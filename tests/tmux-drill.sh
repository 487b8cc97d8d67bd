#!/usr/bin/env bash
# Drives a real terminal drill in tmux, in a window 40 columns wide and 12
# lines high: single keypresses in, the screen read back. Checks the card,
# the key help, a cleared screen between cards, colour on a terminal, that
# no word is ever broken across lines, the summary, and that a SIGTERM from
# outside puts the terminal back. Skips (exit 0) without tmux, unless
# RECALL_CI=1.
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
export RECALL_NOW=2026-03-02T09:00:00Z RECALL_USER=tmux TZ=UTC

# Every word the drill can show, from the same drill through a pipe (which
# never wraps), and the key hints only a terminal gets.
printf 'effective communication\n\n\n3\n' |
    NO_COLOR=1 "$bin" --db "$dir/words.db" drill --limit 2 >"$dir/piped"
{ cat "$dir/piped"; echo "q stop · ? keys >"; } | tr -s ' \t' '\n\n' |
    sed 's/^[[:punct:]]*//; s/[[:punct:]]*$//' | grep -v '^$' | sort -u >"$dir/words"

tmux new-session -d -s "$session" -x 40 -y 12 "bash --norc --noprofile"
tmux send-keys -t "$session" \
    "env -u NO_COLOR $bin --db $dir/r.db drill --limit 2; echo EXIT=\$?" Enter

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
# Every word on screen is a whole word of the drill's: a word split across
# two lines would leave pieces that are not.
whole_words() {
    screen | grep -v -e 'EXIT=' -e 'bash' | tr -s ' \t' '\n\n' |
        sed 's/^[[:punct:]]*//; s/[[:punct:]]*$//' | grep -v '^$' | sort -u |
        while read -r word; do
            if ! grep -qxF -- "$word" "$dir/words"; then
                echo "tmux-drill: a broken word on screen: $word"
                screen
                exit 1
            fi
        done
}

wait_for "1/2"
wait_for "According to the article, what lies at"
wait_for "Your answer (Enter when done):"
whole_words
if ! tmux capture-pane -e -p -t "$session" | grep -q $'\e\['; then
    echo "tmux-drill: no colour on a terminal"
    exit 1
fi
tmux send-keys -t "$session" "effective communication" Enter
wait_for "Answer: effective communication"
wait_for "q stop · ? keys"
whole_words
# A wrong key asks again; ? lists every key.
tmux send-keys -t "$session" x
wait_for "? Enter: Good"
tmux send-keys -t "$session" "?"
wait_for "q or Esc: stop (every answer so far is"
tmux send-keys -t "$session" Enter
wait_for "2/2"
absent "heart of case management"
wait_for "Enter: show the answer"
whole_words
tmux send-keys -t "$session" Space
wait_for "1 Again · 2 Hard · 3 Good · 4 Easy"
whole_words
tmux send-keys -t "$session" 3
wait_for "2 cards done, 2 recalled (100%), in"
wait_for "Due tomorrow: 2 cards"
wait_for "Streak: 1 day"
wait_for "EXIT=0"
whole_words

# A SIGTERM from outside (a closed window, a service manager) ends the
# drill with the terminal put back: echo and line editing on again.
tmux send-keys -t "$session" "clear; $bin --db $dir/term.db drill --limit 2; echo EXIT=\$?" Enter
wait_for "Your answer (Enter when done):"
pkill -TERM -f -- "--db $dir/term.db drill" || { echo "tmux-drill: no drill to signal"; exit 1; }
wait_for "EXIT=143"
tmux send-keys -t "$session" "stty -a | tr ' ;' '\n\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\n' ' '; echo" Enter
wait_for "icanon echo"
echo "tmux-drill: ok"
