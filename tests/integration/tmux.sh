# SPDX-License-Identifier: MIT
# For the tests that drive the interactive client: a tmux server of the
# test's own (socket natter-PID), killed on exit with everything lib.sh
# started. Source after lib.sh; the client runs in session "ui".
command -v tmux >/dev/null 2>&1 || fail "tmux is needed to drive the interactive client"

TM="tmux -L natter-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; cleanup' EXIT INT TERM

# screen_has TEXT: the visible pane contains the fixed string TEXT (the
# pane is left in $T/screen for failure messages).
screen_has() {
	$TM capture-pane -p -t ui >"$T/screen" 2>/dev/null && grep -qF -- "$1" "$T/screen"
}
