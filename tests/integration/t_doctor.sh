# natter --doctor on loopback: with no peer it names the missing beacons and
# prints the fixes (exit 1); with a peer running it finds it, sees it answer
# our probes and exits 0; --json gives one object per finding; --peer
# addresses are tried; it reports this home's own running node.
. ./lib.sh
gport=${GROUP##*:}

n alice --doctor --timeout 1.5 >"$T/alone" 2>"$T/alone.err"
rc=$?
[ $rc -eq 1 ] || fail "doctor without peers exited $rc, want 1: $(cat "$T/alone" "$T/alone.err")"
has "$T/alone" "warn beacons: no beacons heard from any peer" || fail "no 'no beacons' finding: $(cat "$T/alone")"
has "$T/alone" "fix: if a firewall drops them (as root): iptables -I INPUT -p udp --dport $gport -j ACCEPT" ||
	fail "no iptables fix with the real port: $(cat "$T/alone")"
has "$T/alone" "fix: natter --peer HOST:PORT" || fail "no --peer fix: $(cat "$T/alone")"
has "$T/alone" "ok   multicast-loop: our probe on lo came back to us" || fail "no loopback check: $(cat "$T/alone")"
has "$T/alone" "ok   interface: lo 127.0.0.1 (loopback, up): used — named by --iface" ||
	fail "lo not shown as used: $(cat "$T/alone")"
has "$T/alone" "finding(s) to fix" || fail "no summary: $(cat "$T/alone")"

n alice --doctor --json --timeout 1 >"$T/alone.json"
[ $? -eq 1 ] || fail "doctor --json without peers did not exit 1"
grep -v '^{"check":"[a-z-]*","status":"\(ok\|info\|warn\)","detail":".*","fix":\(null\|".*"\)}$' "$T/alone.json" &&
	fail "a --json line is not a finding object"
grep -q '"check":"beacons","status":"warn".*"fix":"if a firewall drops them' "$T/alone.json" ||
	fail "no beacons finding in JSON: $(cat "$T/alone.json")"

start bob
wait_for 5 test -S "$T/bob/ctl.sock" || fail "bob did not start"
n alice --doctor --timeout 2 >"$T/with" 2>"$T/with.err"
rc=$?
[ $rc -eq 0 ] || fail "doctor with bob running exited $rc, want 0: $(cat "$T/with" "$T/with.err")"
has "$T/with" "ok   beacons: beacons from 1 peer(s) heard" || fail "bob not heard: $(cat "$T/with")"
grep -q "^ok   peer: bob (.*) beacons from 127.0.0.1, TCP port [0-9]" "$T/with" || fail "bob not listed: $(cat "$T/with")"
grep -q "^ok   probe: bob answered [2-5] of our 5 probes: it hears us" "$T/with" || fail "bob did not answer: $(cat "$T/with")"
has "$T/with" "natter --doctor: all well" || fail "no 'all well': $(cat "$T/with")"
bport=$(sed -n 's/^ok   peer: bob .* TCP port \([0-9]*\)$/\1/p' "$T/with")
[ -n "$bport" ] || fail "no port for bob"

# --peer: bob's port is reachable; a closed port is a finding.
n alice --doctor --timeout 0.5 --peer "127.0.0.1:$bport" >"$T/peer"
[ $? -eq 0 ] || fail "doctor --peer to bob: $(cat "$T/peer")"
has "$T/peer" "ok   peer-addr: --peer 127.0.0.1:$bport accepts TCP connections" || fail "peer-addr: $(cat "$T/peer")"
n alice --doctor --timeout 0.5 --peer 127.0.0.1:1 >"$T/nopeer"
[ $? -eq 1 ] || fail "doctor --peer to a closed port did not exit 1"
has "$T/nopeer" "warn peer-addr: --peer 127.0.0.1:1 is not reachable" || fail "closed peer: $(cat "$T/nopeer")"

# bob's own home: its running node, its port, its beacons.
# its own node ignores our probe (same key): wait for a regular beacon (4..6 s)
n bob --doctor --timeout 6.5 >"$T/bobdoc"
has "$T/bobdoc" "ok   tcp: a long-lived natter node of $T/bob is running and listens on TCP port $bport" ||
	fail "bob's node not found: $(cat "$T/bobdoc")"
has "$T/bobdoc" "ok   tcp: 127.0.0.1:$bport (lo, where peers on that link dial) accepts connections" ||
	fail "bob's port not reachable: $(cat "$T/bobdoc")"
has "$T/bobdoc" "ok   beacons: this home's running node beacons reach us" || fail "own beacons: $(cat "$T/bobdoc")"

# The probe left no trace at bob: alice is known there under her own key and
# nick only (a doctor signs with the home's key, not a throwaway one).
wait_for 3 sh -c "'$NATTER' --home '$T/bob' --iface lo --group '$GROUP' --peers | grep -c . | grep -qx 1" ||
	fail "bob knows more than alice: $(n bob --peers)"

expect_rc 64 n alice --doctor --peers
stop bob
