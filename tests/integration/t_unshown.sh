# A message stored but never shown (here: received while only a --send ran
# for the home, or just before a crash) is shown by the next --listen, once.
. ./lib.sh
start carol
n alice --nick alice --id >/dev/null
(sleep 2; echo "from alice") | n alice --send carol >"$T/as.out" 2>"$T/as.err" &
ap=$!
wait_for 5 test -S "$T/alice/ctl.sock" || fail "alice's transient node did not start"
expect_rc 0 n bob --nick bob --send alice "while you were sending"
wait $ap || fail "alice's send: $(cat "$T/as.err")"
start alice
wait_for 5 has "$T/alice.out" "while you were sending" || fail "the unshown message was not shown"
stop alice
mv "$T/alice.out" "$T/alice.out.1"
start alice
sleep 0.5
stop alice
! has "$T/alice.out" "while you were sending" || fail "shown twice"
