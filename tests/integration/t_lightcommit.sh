# Only what an acknowledgement promises waits for the disk: a message
# received costs the receiver one fsync, and its bookkeeping (the "shown"
# mark after --listen printed it) commits without one. The same for the
# sender's node: queueing syncs, the delivery attempt and the ACK do not.
# Counted with strace when it is installed; skipped otherwise.
. ./lib.sh
if ! command -v strace >/dev/null 2>&1; then
	echo "t_lightcommit: strace not installed; skipped"
	exit 0
fi
start alice --json
start bob
wait_for 10 test -S "$T/alice/ctl.sock" || fail "alice did not start"
wait_for 10 test -S "$T/bob/ctl.sock" || fail "bob did not start"
expect_rc 0 n bob --send alice "warm-up" # the session exists before counting
eval "apid=\$PID_alice bpid=\$PID_bob"
strace -f -qq -p "$apid" -e trace=fsync,fdatasync -o "$T/atrace" 2>/dev/null &
sa=$!
strace -f -qq -p "$bpid" -e trace=fsync,fdatasync -o "$T/btrace" 2>/dev/null &
sb=$!
PIDS="$sa $sb $PIDS" # strace first: it detaches before the nodes are stopped
sleep 0.5
i=1
while [ $i -le 20 ]; do # one at a time: each its own commits, none grouped
	expect_rc 0 n bob --send alice "one by one $i"
	i=$((i + 1))
done
wait_for 5 has "$T/alice.out" '"text":"one by one 20"' || fail "message 20 missing"
sleep 0.3 # the last shown mark
kill "$sa" "$sb" 2>/dev/null
wait "$sa" "$sb" 2>/dev/null
ra=$(grep -c 'sync(' "$T/atrace")
rb=$(grep -c 'sync(' "$T/btrace")
echo "t_lightcommit: 20 messages one at a time: $ra fsyncs at the receiver, $rb at the sender"
# Durable bookkeeping would double both (40 and more).
[ "$ra" -ge 20 ] || fail "receiver: $ra fsyncs for 20 messages: are they durable at all?"
[ "$ra" -le 26 ] || fail "receiver: $ra fsyncs for 20 messages: bookkeeping waits for the disk"
[ "$rb" -ge 20 ] || fail "sender: $rb fsyncs for 20 messages: is the queue durable?"
[ "$rb" -le 26 ] || fail "sender: $rb fsyncs for 20 messages: bookkeeping waits for the disk"
