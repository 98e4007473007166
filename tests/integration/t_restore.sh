# Either side's home restored from an older copy: nobody stalls, nothing is
# taken for a duplicate. A recipient that lost messages gets them again from
# the sender's history; a sender whose counter went back is renumbered.
. ./lib.sh

# The recipient loses "two" and "three".
start alice --json
expect_rc 0 n bob --nick bob --send alice "one"
stop alice
cp -a "$T/alice" "$T/alice.bak"
start alice --json
expect_rc 0 n bob --send alice "two"
expect_rc 0 n bob --send alice "three"
stop alice
rm -rf "$T/alice"
mv "$T/alice.bak" "$T/alice"
start alice --json
expect_rc 0 n bob --send alice "four"
wait_for 5 has "$T/alice.out" '"text":"four"' || fail "four not delivered"
for w in two three four; do
	has "$T/alice.out" "\"text\":\"$w\"" || fail "'$w' not delivered again: $(cat "$T/alice.out")"
done
n alice --history bob >"$T/h1"
[ "$(grep -c . "$T/h1")" -eq 4 ] || fail "alice's history: $(cat "$T/h1")"

# The sender's counter goes back: carol restored before she sent anything.
start dave --json
n carol --nick carol --id >/dev/null
cp -a "$T/carol" "$T/carol.bak"
expect_rc 0 n carol --send dave "first"
expect_rc 0 n carol --send dave "second"
rm -rf "$T/carol"
mv "$T/carol.bak" "$T/carol"
expect_rc 0 n carol --send dave "third"
wait_for 5 has "$T/dave.out" '"text":"third"' || fail "third was taken for a duplicate"
has "$T/dave.out" '"seq":3,"text":"third"' || fail "third not renumbered: $(cat "$T/dave.out")"
