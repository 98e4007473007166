# Outbox control: --outbox lists each waiting message's id; --outbox
# --cancel ID withdraws one (by the home's running node when there is one,
# else in the store), and natter.conf's ttl expires what waits too long.
# A withdrawn message is never delivered, its state shows in --history and
# --send --json, and the recipient's sequence moves past it: what follows
# is delivered, in order.
. ./lib.sh
start alice --json
expect_rc 0 n bob --nick bob --send alice "first"
stop alice

# Cancelled in the store (no node runs for bob's home).
expect_rc 75 n bob --timeout 0.5 --send alice "never to be read"
id=$(n bob --outbox | awk -F '\t' 'length($7) == 32 { print $7 }')
[ ${#id} -eq 32 ] || fail "--outbox shows no id: $(n bob --outbox)"
expect_rc 64 n bob --outbox --cancel xyz
expect_rc 64 n bob --peers --cancel "$id"
expect_rc 65 n bob --outbox --cancel 00000000
n bob --outbox --cancel "$(echo "$id" | cut -c1-10)" >"$T/c1" || fail "cancel by prefix failed"
has "$T/c1" "cancelled	$id" || fail "cancel said: $(cat "$T/c1")"
expect_rc 65 n bob --outbox --cancel "$id" # not twice
n bob --history alice --json | grep -q '"text":"never to be read","state":"cancelled"' ||
	fail "history: $(n bob --history alice --json)"

# Cancelled through bob's running node.
start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob has no control socket"
expect_rc 75 n bob --timeout 0.5 --send alice "nor this"
id2=$(n bob --outbox --json | grep '"text":"nor this"' | sed 's/^{"id":"\([0-9a-f]*\)".*/\1/')
[ ${#id2} -eq 32 ] || fail "no id for the second message: $(n bob --outbox --json)"
n bob --outbox --cancel "$id2" --json >"$T/c2" || fail "cancel through the node failed"
has "$T/c2" "{\"id\":\"$id2\",\"status\":\"cancelled\"}" || fail "cancel said: $(cat "$T/c2")"
stop bob

# Expired by the ttl while --send waits: status "expired", exit 69.
NATTER_TTL=1s n bob --timeout 9 --json --send alice "too late" >"$T/e" 2>"$T/e.err"
rc=$?
[ $rc -eq 69 ] || fail "expired send: exit $rc, want 69 ($(cat "$T/e.err"))"
grep -q '"status":"expired"' "$T/e" || fail "--send --json: $(cat "$T/e")"
has "$T/e.err" "expired before it was delivered" || fail "stderr: $(cat "$T/e.err")"

# The same through bob's running node (the --send hands over to it): the
# node reports "expired" on its control socket.
NATTER_TTL=1s start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob has no control socket"
n bob --timeout 9 --json --send alice "late too" >"$T/e2" 2>"$T/e2.err"
rc=$?
[ $rc -eq 69 ] || fail "expired hand-off: exit $rc, want 69 ($(cat "$T/e2.err"))"
grep -q '"status":"expired"' "$T/e2" || fail "--send --json via the node: $(cat "$T/e2")"
stop bob

# Alice returns: the withdrawn ones are skipped, what follows arrives in order.
start alice --json
expect_rc 0 n bob --send alice "after"
wait_for 5 has "$T/alice.out" '"text":"after"' || fail "nothing after the withdrawn messages"
grep -q '"seq":6,"text":"after"' "$T/alice.out" || fail "seq: $(grep after "$T/alice.out")"
for t in "never to be read" "nor this" "too late" "late too"; do
	! grep -q "\"text\":\"$t\"" "$T/alice.out" || fail "withdrawn message delivered: $t"
done
wait_for 5 sh -c "[ -z \"\$($NATTER --home '$T/bob' --outbox)\" ]" ||
	fail "tombstones stay in the outbox: $(n bob --outbox)"
n bob --history alice --json | grep -q '"text":"too late","state":"expired"' ||
	fail "history: $(n bob --history alice --json)"
