# A peer that is known but offline: --send exits 75 after --timeout and the
# message stays in the outbox on disk; the next --send delivers the old one
# first, in order, once the peer is back.
. ./lib.sh
start alice --json
expect_rc 0 n bob --nick bob --send alice "first"
stop alice
start_time=$(date +%s)
n bob --timeout 1 --send alice "while away" 2>"$T/e75"
rc=$?
[ $rc -eq 75 ] || fail "offline send: exit $rc, want 75"
[ $(($(date +%s) - start_time)) -le 5 ] || fail "--timeout 1 took too long"
has "$T/e75" "queued" || fail "75 message: $(cat "$T/e75")"
n bob --outbox >"$T/ob"
has "$T/ob" "while away" || fail "the message is not in the outbox: $(cat "$T/ob")"
n bob --outbox --json | grep -q '"text":"while away","state":"sent","attempts":' ||
	n bob --outbox --json | grep -q '"text":"while away","state":"queued","attempts":' ||
	fail "outbox --json: $(n bob --outbox --json)"
n bob --history alice --json | grep -q '"text":"while away","state":"\(queued\|sent\)"' || fail "history state"
start alice --json
expect_rc 0 n bob --send alice "back again"
wait_for 5 has "$T/alice.out" "back again" || fail "nothing after restart"
grep -n . "$T/alice.out" | grep -q '"seq":2,"text":"while away"' || fail "queued message not delivered"
grep -q '"seq":3,"text":"back again"' "$T/alice.out" || fail "order"
n bob --outbox >"$T/ob2"
[ ! -s "$T/ob2" ] || fail "outbox not empty: $(cat "$T/ob2")"
