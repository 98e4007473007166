# The first scenario: alice listens, bob sends; delivered end to end,
# printed as JSON by alice, --send exits 0 only after alice stored it.
. ./lib.sh
start alice --json
wait_for 5 test -S "$T/alice/lock" -o -f "$T/alice/lock" || fail "alice did not start"
expect_rc 0 n bob --nick bob --send alice "hello" "world"
wait_for 5 has "$T/alice.out" '"text":"hello world"' || fail "alice did not print the message"
line=$(grep '"text":"hello world"' "$T/alice.out")
case "$line" in
'{"id":"'*'","from":"bob","fp":"'*'","to":"'*'","ts":"'*'","seq":1,"text":"hello world"}') ;;
*) fail "unexpected JSON line: $line" ;;
esac
bobfp=$(fp bob)
alicefp=$(fp alice 2>/dev/null || true)
echo "$line" | grep -qF "\"fp\":\"$bobfp\"" || fail "fp is not bob's fingerprint"
# --send reported delivered: the message is in alice's history already.
stop alice
n alice --history bob >"$T/hist" 2>"$T/hist.err" || fail "alice --history failed"
has "$T/hist" "hello world" || fail "message missing from alice's store"
has "$T/hist" "received" || fail "state in alice's history is not 'received'"
n bob --history alice >"$T/bhist" || fail "bob --history failed"
has "$T/bhist" "delivered" || fail "bob's copy is not marked delivered"
n bob --outbox >"$T/outbox" || fail "bob --outbox failed"
[ ! -s "$T/outbox" ] || fail "bob's outbox is not empty after delivery"
: "$alicefp"
