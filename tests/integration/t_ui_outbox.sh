# SPDX-License-Identifier: MIT
# /outbox and /cancel in the interactive client (driven through tmux): a
# message to a peer that went away waits in the outbox, /outbox lists it
# with its id, /cancel withdraws it, and when the peer is back it gets what
# follows, never the withdrawn one.
. ./lib.sh
. ./tmux.sh

start bob --json
wait_for 10 test -e "$T/bob/lock" || fail "bob did not start"
$TM new-session -d -s ui -x 120 -y 30 \
	"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $NATTER --home $T/alice --nick alice \
--iface lo --bind 127.0.0.1 --port 0 --group $GROUP 2>$T/ui.err; echo \$? >$T/ui.rc" ||
	fail "cannot start tmux"
wait_for 15 screen_has "bob [" || fail "bob did not appear: $(cat "$T/screen")"
$TM send-keys -t ui "/msg bob first" Enter
wait_for 10 has "$T/bob.out" '"text":"first"' || fail "/msg did not reach bob"
stop bob

$TM send-keys -t ui "/msg bob while you were out" Enter
sleep 0.5
$TM send-keys -t ui "/outbox" Enter
wait_for 10 screen_has "1 message not yet delivered" || fail "/outbox: $(cat "$T/screen")"
id=$(grep -F "while you were out" "$T/screen" | sed -n 's/.*-!-  *\([0-9a-f]\{12\}\)  to bob,.*/\1/p')
[ ${#id} -eq 12 ] || fail "no id in /outbox: $(cat "$T/screen")"
$TM send-keys -t ui "/cancel zz" Enter
wait_for 5 screen_has "/cancel: give 8 to 32 hex digits" || fail "bad id: $(cat "$T/screen")"
$TM send-keys -t ui "/cancel $id" Enter
wait_for 5 screen_has "message $id withdrawn" || fail "/cancel: $(cat "$T/screen")"
$TM send-keys -t ui "/outbox" Enter
wait_for 5 screen_has "cancelled (the peer will skip it)" || fail "/outbox after: $(cat "$T/screen")"

start bob --json
wait_for 15 sh -c "$TM capture-pane -p -t ui | grep -qF 'bob [' " || true
$TM send-keys -t ui "/msg bob after" Enter
wait_for 15 has "$T/bob.out" '"text":"after"' || fail "nothing reached bob after the cancel"
! grep -q "while you were out" "$T/bob.out" || fail "the cancelled message was delivered"
grep -q '"seq":3,"text":"after"' "$T/bob.out" || fail "seq: $(grep after "$T/bob.out")"
$TM send-keys -t ui "/outbox" Enter
wait_for 10 screen_has "the outbox is empty" || fail "tombstone left: $(cat "$T/screen")"
$TM send-keys -t ui "/quit" Enter
wait_for 10 test -s "$T/ui.rc" || fail "/quit did not end the client"
[ "$(cat "$T/ui.rc")" = 0 ] || fail "client exit $(cat "$T/ui.rc"): $(cat "$T/ui.err")"
