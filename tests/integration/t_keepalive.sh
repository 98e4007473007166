# A peer that stops answering (SIGSTOP: a laptop asleep) is noticed by the
# keepalive (and the 15 s beacon rule) within 15 s, and what is
# sent meanwhile is delivered when it wakes up.
. ./lib.sh
start alice --json
start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob did not start"
expect_rc 0 n bob --send alice "before the nap"
eval "kill -STOP \$PID_alice"
t0=$(date +%s)
expect_rc 75 n bob --timeout 1 --send alice "during the nap"
wait_for 20 sh -c "$NATTER --home '$T/bob' --peers | grep -q '^alice	.*	offline'" || {
	eval "kill -CONT \$PID_alice"
	fail "alice never went offline"
}
took=$(($(date +%s) - t0))
eval "kill -CONT \$PID_alice"
[ "$took" -le 17 ] || fail "offline only after $took s"
wait_for 20 has "$T/alice.out" '"text":"during the nap"' || fail "not delivered after waking up"
[ "$(grep -c '"text":"during the nap"' "$T/alice.out")" -eq 1 ] || fail "delivered twice"
