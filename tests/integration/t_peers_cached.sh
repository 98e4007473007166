# --peers --cached lists what the home knows without a discovery probe and
# without starting a node: a stopped peer that would answer a probe stays
# unseen, a home without a store lists nothing and is not created, and a
# running node's live table is used when there is one.
. ./lib.sh
start alice
expect_rc 0 n bob --nick bob --timeout 5 --send alice hello
afp=$(fp alice)
n bob --peers --cached >"$T/cached" || fail "--peers --cached exit $?"
grep -q "^alice	$afp	offline	127.0.0.1:" "$T/cached" || fail "store: $(cat "$T/cached")"
n bob --peers --cached --json | grep -q "\"nick\":\"alice\",\"fp\":\"$afp\"" || fail "json"
# Plain --peers probes, and the running alice answers: online. --cached does not.
n bob --peers | grep -q "^alice	$afp	online" || fail "the probe found no alice"
n bob --peers --cached | grep -q "^alice	$afp	offline" || fail "--cached probed"
expect_rc 0 n nobody --peers --cached
[ ! -e "$T/nobody" ] || fail "--cached created a home"
# alice's own node answers over its control socket: bob is in its live table.
n alice --peers --cached | grep -q "^bob	" || fail "live table: $(n alice --peers --cached)"
expect_rc 64 n bob --id --cached
