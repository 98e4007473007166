#!/bin/bash
# SPDX-License-Identifier: MIT
# (h) natter --doctor names the cause when multicast is blocked. h2 runs a
# node on a fixed port. Then, on h1 (no node of its own):
#   1. all open: the doctor hears h2, h2 answers its probes, exit 0;
#   2. h1 drops 224.0.0.0/4 in and out (iptables): exit 1, no beacons heard,
#      our own probe not looped back, the DROP rule quoted with the ACCEPT
#      rule to add, and --peer suggested;
#   3. h1 drops only outgoing multicast: h2 is heard but never answers our
#      probes (they cannot be sent: EPERM); the fix names --peer <h2>:<port>;
#   4. h1 is open but h2 drops multicast from h1 (as a peer's firewall or an
#      isolating access point would): h2 is heard, our probes go out, h2
#      answers none of them; --peer <h2>:<port> again;
#   5. h1 gains an interface named like a VPN (tun7, a veth inside h1) and the
#      doctor runs without --iface (inside the namespace): it names tun7 as
#      suspicious and suggests --iface eth0.
# shellcheck disable=SC2317 # functions called through wait_until
. "$(dirname "$0")/lib.sh"
LAB_NAME=${LAB_NAME:-h-doctor}
lab_need ip iptables

lab_net 2
PORT[2]=7700
node_start 2
gport=${GROUP##*:}
out="$LAB_DIR/doctor"

doctor() {
	local rc
	nat 1 --doctor --timeout "${1:-2}" >"$out.$2" 2>&1
	rc=$?
	sed 's/^/    /' "$out.$2" >&2
	return $rc
}
want() { grep -qF -- "$2" "$out.$1" || lab_fail "$1: no line with: $2"; }

lab_log "1. nothing blocked"
doctor 2 open
rc=$?
[ $rc -eq 0 ] || lab_fail "open: exit $rc, want 0"
want open "ok   peer: h2 ("
grep -q "^ok   probe: h2 answered [2-5] of our 5 probes: it hears us" "$out.open" || lab_fail "open: h2 did not answer"
want open "ok   firewall: no firewall rule drops UDP $gport"

lab_log "2. h1 drops multicast both ways"
block_mcast 1 || lab_die "cannot block multicast in h1"
doctor 2 blocked
rc=$?
[ $rc -eq 1 ] || lab_fail "blocked: exit $rc, want 1"
want blocked "warn beacons: no beacons heard from any peer"
want blocked "warn multicast-loop: our probe sent on eth0 (${ADDR[1]}) never came back to us"
want blocked "warn firewall: rule '-A INPUT -d 224.0.0.0/4 -j DROP' drops discovery"
want blocked "warn firewall: rule '-A OUTPUT -d 224.0.0.0/4 -j DROP' drops discovery"
want blocked "fix: iptables -I INPUT -p udp --dport $gport -j ACCEPT"
want blocked "fix: or remove it: iptables -D INPUT -d 224.0.0.0/4 -j DROP"
want blocked "fix: natter --peer HOST:PORT reaches a peer without multicast"

lab_log "3. h1 drops only its outgoing multicast"
heal 1
hx 1 iptables -w -A OUTPUT -d 224.0.0.0/4 -j DROP || lab_die "cannot add the OUTPUT rule"
doctor 2 output
rc=$?
[ $rc -eq 1 ] || lab_fail "output: exit $rc, want 1"
want output "ok   peer: h2 ("
want output "warn probe: we hear h2 but none of our probes could be sent: it cannot hear us"
want output "warn multicast-send: sending to the group"
want output "fix: natter --peer ${ADDR[2]}:7700"
want output "warn firewall: rule '-A OUTPUT -d 224.0.0.0/4 -j DROP' drops discovery"
[ "$(dropped 1)" -gt 0 ] || lab_fail "h1 dropped nothing: was the probe sent?"

lab_log "4. h2 drops multicast from h1"
heal 1
hx 2 iptables -w -A INPUT -s "${ADDR[1]}" -d 224.0.0.0/4 -j DROP || lab_die "cannot add h2's rule"
# h2 answers nothing now: listen long enough for one of its regular beacons
doctor 6.5 isolated
rc=$?
[ $rc -eq 1 ] || lab_fail "isolated: exit $rc, want 1"
want isolated "ok   multicast-loop: our probe on eth0 came back to us"
want isolated "ok   peer: h2 ("
grep -qE "^warn probe: we hear h2 but it answered (none|only a few) of our 5 probes" "$out.isolated" ||
	lab_fail "isolated: no 'answered none' finding"
want isolated "fix: on h2's host: iptables -I INPUT -p udp --dport $gport -j ACCEPT"
want isolated "fix: natter --peer ${ADDR[2]}:7700"
[ "$(dropped 2)" -gt 0 ] || lab_fail "h2 dropped none of h1's probes"
lab_log "5. a VPN-like interface in automatic mode"
heal 2
ip -n "$(ns_of 1)" link add tun7 type veth peer name tun7p || lab_die "cannot add tun7"
ip -n "$(ns_of 1)" addr add 198.19.250.1/24 dev tun7
ip -n "$(ns_of 1)" link set tun7 up
ip -n "$(ns_of 1)" link set tun7p up
hx 1 "$NATTER" --home "$LAB_DIR/h1" --bind "${ADDR[1]}" --port 0 --group "$GROUP" \
	--doctor --timeout 1 >"$out.vpn" 2>&1
sed 's/^/    /' "$out.vpn" >&2
want vpn "ok   interface: eth0 ${ADDR[1]} (LAN, up, multicast): used — up, multicast, not loopback"
want vpn "warn interface: tun7 198.19.250.1 (up, multicast) is used for discovery but looks like a VPN or point-to-point"
want vpn "fix: natter --iface eth0 (your LAN interface; repeat --iface for more)"
lab_note "doctor findings: open $(grep -c '^warn' "$out.open"), blocked $(grep -c '^warn' "$out.blocked"), output-only $(grep -c '^warn' "$out.output"), isolated $(grep -c '^warn' "$out.isolated")"
lab_finish "-"
