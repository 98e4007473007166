# A flood of silent connections from one address takes at most
# NODE_CONNS_PER_SOURCE (8) slots: the others still get through.
. ./lib.sh
: "${TOOLS:?set TOOLS to the test tools folder}"
"$NATTER" --home "$T/alice" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" \
	--nick alice --listen -v >"$T/alice.out" 2>"$T/alice.err" &
PIDS="$PIDS $!"
wait_for 5 has "$T/alice.err" "on TCP port" || fail "alice did not start"
port=$(sed -n 's/.*on TCP port \([0-9]*\).*/\1/p' "$T/alice.err")
"$TOOLS/tcpflood" 127.0.0.2 127.0.0.1 "$port" 150 8 >"$T/flood" &
PIDS="$PIDS $!"
wait_for 5 test -s "$T/flood" || fail "flood did not start"
expect_rc 0 n bob --nick bob --timeout 4 --send alice "through the flood"
wait_for 5 has "$T/alice.out" "through the flood" || fail "not delivered"
