# With a node running for the home, --send hands its messages to it over
# HOME/ctl.sock; two --send at once, or a node starting while a --send runs,
# lose and duplicate nothing.
. ./lib.sh
start alice --json
start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob has no control socket"
expect_rc 0 n bob --send alice "via bob's node"
printf 'p1\np2\np3\n' | n bob --send alice --json >"$T/sj" || fail "stdin hand-off failed"
[ "$(grep -c '"status":"delivered"' "$T/sj")" -eq 3 ] || fail "hand-off results: $(cat "$T/sj")"
wait_for 5 has "$T/alice.out" '"text":"p3"' || fail "p3 missing"
expect_rc 67 n bob --timeout 0.3 --send nobody "x"
expect_rc 65 n bob --send alice "$(printf '\377')"
stop bob

# Two --send at once from a home with no node: one runs the node, the other
# hands over to it (or waits and runs its own); every message arrives once.
seq 1 40 | sed 's/^/a/' | n bob --send alice >"$T/s1.out" 2>"$T/s1.err" &
p1=$!
seq 1 40 | sed 's/^/b/' | n bob --send alice >"$T/s2.out" 2>"$T/s2.err" &
p2=$!
wait $p1 || fail "first concurrent send: $(cat "$T/s1.err")"
wait $p2 || fail "second concurrent send: $(cat "$T/s2.err")"
wait_for 5 sh -c "[ \$(grep -c '\"text\":\"[ab]' '$T/alice.out') -ge 80 ]" || fail "not all 80 arrived"
[ "$(grep -c '"text":"[ab]' "$T/alice.out")" -eq 80 ] || fail "duplicates: $(grep -c '"text":"[ab]' "$T/alice.out")"
for w in a1 a40 b1 b40; do
	[ "$(grep -c "\"text\":\"$w\"" "$T/alice.out")" -eq 1 ] || fail "$w not exactly once"
done

# A long-lived node starting while a --send runs waits for it, then serves.
(for i in 1 2 3 4 5; do echo "slow $i"; sleep 0.3; done) | n bob --send alice 2>"$T/slow.err" &
ps=$!
sleep 0.3
start bob
wait $ps || fail "slow send: $(cat "$T/slow.err")"
wait_for 5 has "$T/bob.err" "waiting for another natter of this home" || fail "bob did not wait"
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob never started after the send"
expect_rc 0 n bob --send alice "after the wait"
for i in 1 2 3 4 5; do
	[ "$(grep -c "\"text\":\"slow $i\"" "$T/alice.out")" -eq 1 ] || fail "slow $i not exactly once"
done
# A second long-lived node for the same home refuses at once.
expect_rc 69 n bob --listen
