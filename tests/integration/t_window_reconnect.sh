# More messages than the in-flight window (256) in one session, then more in
# a new session: the window follows the outbox, so nothing stalls (a bug where
# per-session counters froze the window past seq 256 is covered here).
. ./lib.sh
start alice --json
seq 1 300 | n bob --nick bob --send alice || fail "300 messages were not all delivered"
expect_rc 0 n bob --timeout 5 --send alice "number 301"
wait_for 5 has "$T/alice.out" '"seq":301,"text":"number 301"' || fail "message 301 missing"
[ "$(grep -c '"from":"bob"' "$T/alice.out")" -eq 301 ] || fail "count: $(grep -c . "$T/alice.out")"
