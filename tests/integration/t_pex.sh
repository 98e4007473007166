# Peer exchange on loopback, two "LANs" made of two discovery groups: alice
# and bob share one, carol is alone on another, and bob has --peer carol.
# With --share-peers (static), bob tells carol where alice is, carol dials
# her, and alice lists carol online and can send to her. With sharing off
# (the default), a second such trio never meets, and the sharer's -vv log
# shows no PEERS frame sent.
. ./lib.sh
GROUP2="239.255.$(($(rnd) % 250 + 1)).$(($(rnd) % 250 + 1)):$((20000 + $(rnd) % 40000))"
[ "$GROUP2" != "$GROUP" ] || GROUP2="239.254.1.1:$((20000 + $(rnd) % 40000))"
CPORT=$((20000 + $(rnd) % 40000))
APORT=$((20000 + $(rnd) % 40000))
[ "$APORT" != "$CPORT" ] || APORT=$((APORT + 1))
json() { n "$1" --peers --json 2>/dev/null; }
online() { json "$1" | grep -q "\"nick\":\"$2\",.*\"online\":true"; }

start carol --group "$GROUP2" --port "$CPORT" -vv
wait_for 5 test -S "$T/carol/ctl.sock" || fail "carol did not start"
start alice --port "$APORT"
start bob --peer "127.0.0.1:$CPORT" --share-peers -vv
wait_for 10 online bob alice || fail "bob never saw alice: $(json bob)"
wait_for 10 online bob carol || fail "bob never reached carol: $(json bob)"
wait_for 15 online alice carol || fail "alice never listed carol: $(json alice)"
json carol | grep "\"nick\":\"alice\"," | grep -q '"via":"exchange"' ||
	fail "carol does not list alice via exchange: $(json carol)"
json bob | grep "\"nick\":\"carol\"," | grep -q '"via":"static"' ||
	fail "bob does not list carol via static: $(json bob)"
has "$T/bob.err" "told carol about 1 peer" || fail "bob's log shows no PEERS to carol"
has "$T/carol.err" "learned alice" || fail "carol's log shows nothing learned"
expect_rc 0 n alice --timeout 10 --send carol "across the link"
wait_for 5 has "$T/carol.out" "across the link" || fail "carol did not show the message"

# alice goes; another key (mallory) takes her port: carol's redial of the
# learned address shows the wrong key, and the learned entry is dropped.
stop alice
"$NATTER" --home "$T/mallory" --iface lo --bind 127.0.0.1 --port "$APORT" \
	--group "239.252.1.1:$((20000 + $(rnd) % 40000))" --nick mallory --listen \
	>"$T/mallory.out" 2>"$T/mallory.err" &
PIDS="$PIDS $!"
wait_for 20 has "$T/carol.err" "answered with another key; dropped" ||
	fail "carol kept alice's learned address after it showed another key"
json carol | grep '"nick":"alice",' | grep -q '"via":"exchange"' &&
	fail "carol still lists alice via exchange: $(json carol)"

# Sharing off: the same shape, nothing crosses.
GROUP3="239.253.$(($(rnd) % 250 + 1)).$(($(rnd) % 250 + 1)):$((20000 + $(rnd) % 40000))"
FPORT=$((20000 + $(rnd) % 40000))
[ "$FPORT" != "$CPORT" ] || FPORT=$((FPORT + 1))
start frank --group "$GROUP3" --port "$FPORT" -vv
wait_for 5 test -S "$T/frank/ctl.sock" || fail "frank did not start"
start dave
start erin --peer "127.0.0.1:$FPORT" -vv
wait_for 10 online erin dave || fail "erin never saw dave: $(json erin)"
wait_for 10 online erin frank || fail "erin never reached frank: $(json erin)"
sleep 7 # more than one PEX_CHECK_MS after the session came up
json dave | grep -q '"nick":"frank"' && fail "sharing off, yet dave knows frank: $(json dave)"
json frank | grep -q '"nick":"dave"' && fail "sharing off, yet frank knows dave: $(json frank)"
grep -q "told .* about" "$T/erin.err" && fail "sharing off, yet erin sent PEERS"
grep -q "learned " "$T/frank.err" && fail "frank learned an address with sharing off"
exit 0
