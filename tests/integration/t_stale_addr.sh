# A peer's remembered address now belongs to another node (a reused port or
# DHCP lease): that is not a refusal (77); the sender forgets the address,
# finds the peer by its beacon and delivers.
. ./lib.sh
start alice -v
wait_for 5 has "$T/alice.err" "on TCP port" || fail "alice did not start"
port=$(sed -n 's/.*on TCP port \([0-9]*\).*/\1/p' "$T/alice.err")
expect_rc 0 n bob --nick bob --send alice "first"
stop alice
"$NATTER" --home "$T/carol" --iface lo --bind 127.0.0.1 --port "$port" --group "$GROUP" \
	--nick carol --listen >"$T/carol.out" 2>"$T/carol.err" &
PIDS="$PIDS $!"
wait_for 5 test -S "$T/carol/ctl.sock" || fail "carol could not take alice's old port"
start alice
wait_for 5 test -S "$T/alice/ctl.sock" || fail "alice did not restart"
expect_rc 0 n bob --send alice "second"
wait_for 5 has "$T/alice.out" "second" || fail "not delivered at the new address"
