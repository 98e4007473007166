# Trust on first use for names: a second key claiming a nick already held by
# a known key is flagged (stderr, --peers), never mistaken for the first:
# the nick becomes ambiguous (67) and a fingerprint prefix still works.
. ./lib.sh
start alice --json
expect_rc 0 n bob --nick bob --send alice "the real bob"
bfp=$(fp bob)
# Another home calls itself bob too.
start mallory --nick bob
wait_for 5 has "$T/alice.err" "claims to be bob, not the bob you know" || fail "no warning: $(cat "$T/alice.err")"
stop alice
n alice --peers --iface lo --group "$GROUP" >"$T/peers"
grep "^bob	$bfp	" "$T/peers" | grep -q "NEW KEY" && fail "the known bob was flagged"
grep "^bob	" "$T/peers" | grep -v "$bfp" | grep -q "NEW KEY claiming a known nick" || fail "the new key is not flagged: $(cat "$T/peers")"
n alice --peers --json | grep "\"fp\":\"$bfp\"" | grep -q '"nick_conflict":false' || fail "json: known bob"
n alice --peers --json | grep -v "\"fp\":\"$bfp\"" | grep '"nick":"bob"' | grep -q '"nick_conflict":true' || fail "json: new key"
expect_rc 67 n alice --timeout 0.5 --send bob "which bob?"
stop mallory
start bob
expect_rc 0 n alice --send "$(echo "$bfp" | cut -c1-10)" "to the bob I know"
wait_for 5 has "$T/bob.out" "to the bob I know" || fail "prefix did not reach the real bob"
# Once the real bob is verified, the nick resolves to him alone.
n alice --trust "$(echo "$bfp" | cut -c1-10)" >/dev/null || fail "--trust"
expect_rc 0 n alice --send bob "verified bob"
wait_for 5 has "$T/bob.out" "verified bob" || fail "nick did not resolve to the verified key"
