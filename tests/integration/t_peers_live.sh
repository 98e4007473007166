# --peers beside a running node asks it over HOME/ctl.sock (mode 0600) for its
# live table; with no node running it falls back to the store plus a probe.
. ./lib.sh
start alice
start bob
bfp=$(fp bob)
wait_for 5 test -S "$T/alice/ctl.sock" || fail "no control socket"
[ "$(stat -c %a "$T/alice/ctl.sock")" = 600 ] || fail "ctl.sock mode $(stat -c %a "$T/alice/ctl.sock")"
wait_for 5 sh -c "$NATTER --home '$T/alice' --iface lo --group '$GROUP' --peers | grep -q '^bob	$bfp	online'" || fail "bob never online"
# A stopped bob cannot answer a probe: only the live table still says online.
eval "kill -STOP \$PID_bob"
n alice --peers >"$T/live"
eval "kill -CONT \$PID_bob"
grep -q "^bob	$bfp	online" "$T/live" || fail "live table not used: $(cat "$T/live")"
stop alice
[ ! -e "$T/alice/ctl.sock" ] || fail "ctl.sock left behind"
eval "kill -STOP \$PID_bob"
n alice --peers >"$T/probe"
eval "kill -CONT \$PID_bob"
grep -q "^bob	$bfp	offline	127.0.0.1:" "$T/probe" || fail "fallback: $(cat "$T/probe")"
