# Crashes (SIGKILL) on either side in the middle of a stream: every message
# is shown exactly once at the receiver, in order, once both are back; the
# sender's running node flushes its outbox by itself when the peer returns.
. ./lib.sh
start alice --json
start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob did not start"

# The receiver dies mid-stream and comes back.
paced() { # $1 lines named $2N, a short pause every 20: a stream, not a burst
	i=1
	while [ $i -le "$1" ]; do
		echo "$2$i"
		[ $((i % 20)) -eq 0 ] && sleep 0.1
		i=$((i + 1))
	done
}
paced 300 m | n bob --timeout 1 --send alice >/dev/null 2>&1 &
sp=$!
wait_for 5 has "$T/alice.out" '"text":"m100"' || fail "stream did not start"
eval "kill -KILL \$PID_alice"
wait "$PID_alice" 2>/dev/null
wait $sp # 0 or 75: whatever was not acknowledged stays in bob's outbox
mv "$T/alice.out" "$T/alice.out.1"
start alice --json
[ "$(grep -c . "$T/alice.out.1")" -lt 300 ] || fail "the kill came after the whole stream"
wait_for 20 has "$T/alice.out" '"text":"m300"' || fail "bob's node did not flush its outbox when alice returned"
cat "$T/alice.out.1" "$T/alice.out" | grep -o '"seq":[0-9]*,"text":"m[0-9]*"' >"$T/got"
[ "$(wc -l <"$T/got")" -eq 300 ] || fail "expected 300 messages, got $(wc -l <"$T/got")"
i=1
while read -r l; do
	[ "$l" = "\"seq\":$i,\"text\":\"m$i\"" ] || fail "message $i out of order or duplicated: $l"
	i=$((i + 1))
done <"$T/got"

# The sender's node dies mid-stream while alice does not answer (stopped):
# what it queued survives in its outbox, and a new node of its home
# delivers it when alice is back, each message once and in order.
stop bob
eval "kill -STOP \$PID_alice"
paced 200 k | n bob --send alice >/dev/null 2>&1 &
sp=$!
wait_for 10 sh -c "[ \$($NATTER --home '$T/bob' --outbox | grep -c .) -ge 40 ]" || fail "nothing queued"
kill -KILL $sp
wait $sp 2>/dev/null
queued=$(n bob --outbox | grep -c .)
eval "kill -CONT \$PID_alice"
start bob
wait_for 20 sh -c "[ -z \"\$($NATTER --home '$T/bob' --outbox)\" ]" || fail "outbox not flushed: $(n bob --outbox | head -3)"
wait_for 5 has "$T/alice.out" "\"text\":\"k$queued\"" || fail "k$queued missing"
grep -o '"text":"k[0-9]*"' "$T/alice.out" >"$T/k"
[ "$(wc -l <"$T/k")" -eq "$queued" ] || fail "$(wc -l <"$T/k") k messages arrived, $queued were queued"
i=1
while read -r l; do
	[ "$l" = "\"text\":\"k$i\"" ] || fail "k message $i out of order or duplicated: $l"
	i=$((i + 1))
done <"$T/k"
