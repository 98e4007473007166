# More messages than the in-flight window (NODE_WINDOW, 1024) in one session,
# then more in a new session: the window follows the outbox, so nothing stalls
# (a bug where per-session counters froze the window past its first 256
# messages is covered here).
. ./lib.sh
start alice --json
seq 1 1100 | n bob --nick bob --send alice || fail "1100 messages were not all delivered"
expect_rc 0 n bob --timeout 5 --send alice "number 1101"
wait_for 5 has "$T/alice.out" '"seq":1101,"text":"number 1101"' || fail "message 1101 missing"
[ "$(grep -c '"from":"bob"' "$T/alice.out")" -eq 1101 ] || fail "count: $(grep -c . "$T/alice.out")"
