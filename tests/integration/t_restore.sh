# Either side's home restored from an older copy: nobody stalls, nothing is
# taken for a duplicate. A recipient that lost messages gets them again from
# the sender's history; a sender whose counter went back is renumbered.
. ./lib.sh
keep() { cp -a "$T/$1" "$T/$1.bak"; }               # NAME: a copy of its home, as it is
restore() { rm -rf "$T/$1" && mv "$T/$1.bak" "$T/$1"; } # NAME: back to that copy

# The recipient loses "two" and "three".
start alice --json
expect_rc 0 n bob --nick bob --send alice "one"
stop alice
keep alice
start alice --json
expect_rc 0 n bob --send alice "two"
expect_rc 0 n bob --send alice "three"
stop alice
restore alice
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
keep carol
expect_rc 0 n carol --send dave "first"
expect_rc 0 n carol --send dave "second"
restore carol
expect_rc 0 n carol --send dave "third"
wait_for 5 has "$T/dave.out" '"text":"third"' || fail "third was taken for a duplicate"
has "$T/dave.out" '"seq":3,"text":"third"' || fail "third not renumbered: $(cat "$T/dave.out")"

# The sender forgets a message it sent: a node sends what it queues before
# the commit that stores it is on disk, and a power loss can take that
# commit. Restoring an older copy of its home does the same. The peer holds
# seq 2, and the sender gives seq 2 to its next message: that one must not be
# taken for the forgotten one.
start frank --json
n erin --nick erin --id >/dev/null
expect_rc 0 n erin --send frank "e1"
keep erin
expect_rc 0 n erin --send frank "e2"
restore erin
expect_rc 0 n erin --send frank "e3"
wait_for 5 has "$T/frank.out" '"text":"e3"' || fail "e3 was taken for the forgotten e2"
has "$T/frank.out" '"seq":3,"text":"e3"' || fail "e3 not renumbered: $(cat "$T/frank.out")"

# Again, and this time the sender queues while the peer is away and starts
# twice before it is back: the counter of the first start is the bound.
keep erin
expect_rc 0 n erin --send frank "e4"
restore erin
stop frank
expect_rc 75 n erin --timeout 1 --send frank "e5" 2>/dev/null
expect_rc 75 n erin --timeout 1 --send frank "e6" 2>/dev/null
start frank --json
expect_rc 0 n erin --send frank "e7"
wait_for 5 has "$T/frank.out" '"text":"e7"' || fail "e7 not delivered: $(cat "$T/frank.out")"
for w in 5 6 7; do
	has "$T/frank.out" "\"seq\":$w,\"text\":\"e$w\"" ||
		fail "e$w missing or not renumbered: $(cat "$T/frank.out")"
done
[ "$(n frank --history erin | grep -c .)" -eq 7 ] || fail "frank's history: $(n frank --history erin)"
