# Group commit: a stream of messages does not cost the receiver one fsync
# each (counted with strace when it is installed; skipped otherwise).
. ./lib.sh
if ! command -v strace >/dev/null 2>&1; then
	echo "t_groupcommit: strace not installed; skipped"
	exit 0
fi
start alice --json
eval "apid=\$PID_alice"
strace -f -qq -p "$apid" -e trace=fsync,fdatasync -o "$T/trace" 2>/dev/null &
spid=$!
PIDS="$spid $PIDS" # strace first: it detaches before alice is stopped
sleep 0.5
wait_for 10 test -S "$T/alice/ctl.sock" || fail "alice did not start"
seq 1 1000 | sed 's/^/line /' | n bob --nick bob --send alice || fail "stream not delivered"
wait_for 5 has "$T/alice.out" '"text":"line 1000"' || fail "line 1000 missing"
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
syncs=$(grep -c 'sync(' "$T/trace")
echo "t_groupcommit: 1000 messages, $syncs fsyncs at the receiver"
[ "$syncs" -lt 500 ] || fail "$syncs fsyncs for 1000 messages: no group commit"
