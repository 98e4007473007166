# --send with no TEXT (or "-") sends every stdin line as one message, in
# order, skipping empty lines; exit 0 only when all are acknowledged.
. ./lib.sh
start alice --json
printf 'one\n\ntwo\r\nthree' | n bob --nick bob --send alice >"$T/send.out" 2>"$T/send.err" ||
	fail "stdin send failed: $(cat "$T/send.err")"
printf 'four\n' | n bob --send alice - || fail "send - failed"
wait_for 5 has "$T/alice.out" '"text":"four"' || fail "not all lines arrived"
[ "$(grep -c '"from":"bob"' "$T/alice.out")" -eq 4 ] || fail "expected 4 messages: $(cat "$T/alice.out")"
i=1
for w in one two three four; do
	grep -q "\"seq\":$i,\"text\":\"$w\"" "$T/alice.out" || fail "message $i is not '$w'"
	i=$((i + 1))
done
# --send --json reports one result per message.
printf 'a\nb\n' | n bob --send alice --json >"$T/sj" || fail "json send failed"
[ "$(grep -c '"status":"delivered"' "$T/sj")" -eq 2 ] || fail "send --json: $(cat "$T/sj")"
grep -qE '^\{"id":"[0-9a-f]{32}","to":"[0-9a-f]{64}","status":"delivered"\}$' "$T/sj" || fail "send --json format"
