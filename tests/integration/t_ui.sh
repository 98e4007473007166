# SPDX-License-Identifier: MIT
# The interactive client, driven through tmux: alice runs `natter` with no
# mode in a detached tmux server of its own, bob is a --listen node. Peers show
# in window 1, /msg goes out, a reply marks bob's window active, Alt-2 shows
# it, the own message turns delivered, a resize redraws within the new width,
# and /quit exits 0.
. ./lib.sh
. ./tmux.sh

# row N: line N (1-based) of the visible pane.
row() {
	$TM capture-pane -p -t ui 2>/dev/null | sed -n "$1p"
}

# ui_size_is WxH: the pane has that size.
ui_size_is() {
	[ "$($TM display -p -t ui '#{pane_width}x#{pane_height}' 2>/dev/null)" = "$1" ]
}

# title_row_names NICK: row 1 is the title line of NICK's window.
title_row_names() {
	row 1 | grep -qF " $1 ["
}

# status_row_is_at N: the status bar (with alice's nick) is row N.
status_row_is_at() {
	row "$1" | grep -qF "[alice "
}

start bob
wait_for 10 test -e "$T/bob/lock" || fail "bob did not start"

# The client's stderr goes to a file (ASan reports land there, and fail()
# prints it); its exit status to ui.rc.
$TM new-session -d -s ui -x 100 -y 30 \
	"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $NATTER --home $T/alice --nick alice \
--iface lo --bind 127.0.0.1 --port 0 --group $GROUP 2>$T/ui.err; echo \$? >$T/ui.rc" ||
	fail "cannot start tmux"

wait_for 15 screen_has "[alice " || fail "the client did not draw its status bar: $(cat "$T/screen")"
wait_for 15 screen_has "bob [" || fail "bob did not appear in window 1: $(cat "$T/screen")"

$TM send-keys -t ui "/msg bob hello" Enter
wait_for 10 has "$T/bob.out" "hello" || fail "/msg did not reach bob"
screen_has "[msg to bob] hello" || fail "/msg did not echo in window 1"

# One row at 100 columns, two at 70.
long="reply: the quick brown fox jumps over the lazy dog and keeps running far away"
n bob --send alice "$long" >/dev/null || fail "bob could not reply"
wait_for 10 screen_has "[Act: 2]" || fail "no activity marker for bob's window: $(cat "$T/screen")"
screen_has "reply" && fail "the reply showed in window 1"

$TM send-keys -t ui M-2
wait_for 10 screen_has "<bob> reply" || fail "Alt-2 did not show bob's reply: $(cat "$T/screen")"
screen_has "[2:bob]" || fail "the status bar does not name window 2"
wait_for 10 screen_has "<alice> hello ✓" || fail "own message not marked delivered: $(cat "$T/screen")"
screen_has "[Act:" && fail "activity marker still shown for the current window"

$TM resize-window -t ui -x 70 -y 20
wait_for 10 ui_size_is 70x20 || fail "tmux did not resize"
# tmux keeps the bottom rows on a shrink: only a redraw puts the title on row 1
# and wraps the long reply anew, under its text.
wait_for 10 title_row_names bob || fail "title line not redrawn: $(row 1)"
status_row_is_at 19 || fail "no status bar on row 19 after resize: $(row 19)"
row 20 | grep -qF "[bob]" || fail "input line not redrawn: $(row 20)"
wait_for 5 screen_has "            keeps running far away" ||
	fail "the long reply was not wrapped for 70 columns: $(cat "$T/screen")"
# One byte per character (drop UTF-8 continuation bytes), then count.
wide=$($TM capture-pane -p -t ui | LC_ALL=C tr -d '\200-\277' | awk 'length($0) > 70')
[ -z "$wide" ] || fail "lines wider than 70 columns after resize: $wide"

$TM send-keys -t ui "/quit" Enter
wait_for 15 test -s "$T/ui.rc" || fail "/quit did not end the client"
[ "$(cat "$T/ui.rc")" = 0 ] || fail "the client exited $(cat "$T/ui.rc")"
