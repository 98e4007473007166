# SPDX-License-Identifier: MIT
# natter.conf in the interactive client, driven through tmux: an alias names
# the peer for /msg, color = always with color_bar draws the bars in the
# file's colours even with NO_COLOR set, and a bad line's warning, which the
# screen hides on stderr, shows in window 1 too.
. ./lib.sh
. ./tmux.sh

# The status bar (second row from the bottom) with its escape sequences.
status_sgr() {
	$TM capture-pane -e -p -t ui 2>/dev/null | tail -n 2 | head -n 1
}

start bob
wait_for 10 test -e "$T/bob/lock" || fail "bob did not start"
mkdir -p "$T/alice"
cat >"$T/alice/natter.conf" <<CONF
alias pal = bob
color = always
color_bar = red on green
colour = never
CONF
$TM new-session -d -s ui -x 200 -y 30 \
	"env NO_COLOR=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $NATTER --home $T/alice \
--nick alice --iface lo --bind 127.0.0.1 --port 0 --group $GROUP 2>$T/ui.err; echo \$? >$T/ui.rc" ||
	fail "cannot start tmux"
wait_for 15 screen_has "[alice " || fail "the client did not draw its status bar: $(cat "$T/screen")"
wait_for 15 screen_has "bob [" || fail "bob did not appear in window 1: $(cat "$T/screen")"

# 200 columns: the line does not wrap, whatever TMPDIR is.
wait_for 5 screen_has 'natter.conf:4: unknown key "colour" (did you mean "color"?)' ||
	fail "window 1 does not repeat the warning: $(cat "$T/screen")"

# SGR 31 (red) and 42 (green background), however tmux combines them.
sgr=$(status_sgr)
case "$sgr" in
*'[31m'*'[42m'* | *'[31;42m'* | *'[42m'*'[31m'*) ;;
*) fail "the status bar is not red on green: $(printf '%s' "$sgr" | od -c | head -n 3)" ;;
esac

$TM send-keys -t ui "/msg pal hello by alias" Enter
wait_for 10 has "$T/bob.out" "hello by alias" || fail "/msg with an alias did not reach bob"

$TM send-keys -t ui "/quit" Enter
wait_for 15 test -s "$T/ui.rc" || fail "/quit did not end the client"
[ "$(cat "$T/ui.rc")" = 0 ] || fail "the client exited $(cat "$T/ui.rc")"
[ "$(grep -c . "$T/ui.err")" -eq 1 ] && has "$T/ui.err" 'natter.conf:4: unknown key "colour"' ||
	fail "stderr is not the one warning: $(cat "$T/ui.err")"
