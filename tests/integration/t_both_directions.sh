# Discovery both ways between two running nodes; then messages both ways,
# each --send handed to its home's running node; plain --listen lines are
# TIME TAB NICK TAB FP TAB TEXT.
. ./lib.sh
afp=$(fp alice)
bfp=$(fp bob)
start alice
start bob
peers() { n "$1" --peers; }
wait_for 5 sh -c "$(command -v "$NATTER") --home '$T/alice' --iface lo --group '$GROUP' --peers | grep -q '^bob	$bfp	online	127.0.0.1:'" ||
	fail "alice does not see bob online: $(peers alice)"
wait_for 5 sh -c "$(command -v "$NATTER") --home '$T/bob' --iface lo --group '$GROUP' --peers | grep -q '^alice	$afp	online	127.0.0.1:'" ||
	fail "bob does not see alice online: $(peers bob)"
n alice --peers --json >"$T/pj" 2>"$T/pj.err"
has "$T/pj" "{\"nick\":\"bob\",\"fp\":\"$bfp\",\"online\":true,\"addr\":\"127.0.0.1:" ||
	fail "bad --peers --json: $(cat "$T/pj") (stderr: $(cat "$T/pj.err"))"
has "$T/pj" '"verified":false,"alias":null,"nick_conflict":false,"via":"lan"}' || fail "bad --peers --json tail: $(cat "$T/pj")"

expect_rc 0 n bob --send alice "to alice	with a tab"
wait_for 5 has "$T/alice.out" "to alice" || fail "alice got nothing"
grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z	bob	$bfp	to alice\\\\twith a tab\$" "$T/alice.out" ||
	fail "plain line format: $(cat "$T/alice.out")"

expect_rc 0 n alice --send bob "to bob"
wait_for 5 has "$T/bob.out" "	alice	$afp	to bob" || fail "bob got nothing: $(cat "$T/bob.out")"
