#!/bin/bash
# SPDX-License-Identifier: MIT
# (h) Peer exchange across two LANs joined by one static link. LAN1 is h1 (A)
# and h2 (B), which find each other by multicast; LAN2 is h3 (C), whose
# multicast is dropped both ways (iptables in h3), so no beacon crosses
# between the LANs. B has `--peer <C>:7700` and share_peers=LAB_SHARE:
#   static or all: B tells C about A (a PEERS frame on the B-C session), C
#     dials A; A must list C online within LAB_LIMIT s (default 20), C must
#     list A with "via":"exchange", and LAB_MSGS messages (default 20) A -> C
#     and C -> A must arrive once, in order.
#   off (the default): for LAB_QUIET s (default 15) after B and C have their
#     session, A must never learn C nor C learn A, and B's log must show no
#     PEERS frame sent.
# "recover" is the time from the B-C session to A listing C online.
# shellcheck disable=SC2317 # functions called through wait_until
. "$(dirname "$0")/lib.sh"
SHARE=${LAB_SHARE:-static}
M=${LAB_MSGS:-20}
LIMIT=${LAB_LIMIT:-20}
QUIET=${LAB_QUIET:-15}
LAB_NAME=${LAB_NAME:-h-pex-$SHARE}
lab_need ip iptables

lab_net 3
block_mcast 3 || lab_die "cannot block multicast in h3"
PORT[3]=7700
EXTRA[2]="--peer ${ADDR[3]}:${PORT[3]}"
[ "$SHARE" = off ] || EXTRA[2]="${EXTRA[2]} --share-peers=$SHARE"
node_start 3
node_start 1
node_start 2
wait_until 15 sees 2 1 || lab_die "h2 does not see h1 on their LAN: $(peers 2 | tr '\n' ' ')"
wait_until 15 sees 2 3 || lab_die "no session h2 -> h3 through --peer: $(peers 2 | tr '\n' ' ')"
t0=$(lab_now)
lab_log "h2 sees h1 (LAN) and h3 (--peer); share_peers=$SHARE"

knows() { peers "$1" | grep -q "\"nick\":\"h$2\""; }
via_is() { peers "$1" | grep "\"nick\":\"h$2\"," | grep -q "\"via\":\"$3\""; }

rec=
if [ "$SHARE" = off ]; then
	lab_sleep "$QUIET"
	knows 1 3 && lab_fail "sharing off, yet h1 knows h3: $(peers 1 | tr '\n' ' ')"
	knows 3 1 && lab_fail "sharing off, yet h3 knows h1: $(peers 3 | tr '\n' ' ')"
	if grep -q "told .* about" "$LAB_DIR/h2.err"; then
		lab_fail "sharing off, yet h2 sent PEERS: $(grep -m1 "told .* about" "$LAB_DIR/h2.err")"
	fi
	grep -q "learned " "$LAB_DIR/h3.err" && lab_fail "h3 learned an address with sharing off"
	lab_note "sharing off: for $QUIET s neither LAN learned the other"
else
	if wait_until "$LIMIT" sees 1 3; then
		rec=$(($(lab_now) - t0))
		lab_log "h1 lists h3 online after $(lab_secs "$rec") s"
	else
		lab_die "h1 never listed h3 online within $LIMIT s: h1: $(peers 1 | tr '\n' ' ') h3: $(peers 3 | tr '\n' ' ')"
	fi
	wait_until 5 sees 3 1 || lab_fail "h3 does not list h1 online: $(peers 3 | tr '\n' ' ')"
	via_is 3 1 exchange || lab_fail "h3 lists h1 not via exchange: $(peers 3 | tr '\n' ' ')"
	via_is 1 2 lan || lab_fail "h1 lists h2 not via lan: $(peers 1 | tr '\n' ' ')"
	via_is 2 3 static || lab_fail "h2 lists h3 not via static: $(peers 2 | tr '\n' ' ')"
	grep -q "told h3 about 1 peer" "$LAB_DIR/h2.err" || lab_fail "h2's log shows no PEERS to h3"
	grep -q "told h1 about" "$LAB_DIR/h2.err" && [ "$SHARE" = static ] &&
		lab_fail "share_peers=static, yet h2 told h1 (not a --peer) about its peers"
	stream 1 3 h13 "$M" 30
	stream 3 1 h31 "$M" 30
	wait_until 30 rx_has_all 3 h13 "$M" || lab_fail "h1 -> h3: only $(rx_count 3 h13) of $M"
	wait_until 30 rx_has_all 1 h31 "$M" || lab_fail "h3 -> h1: only $(rx_count 1 h31) of $M"
	send_ok h13 30
	send_ok h31 30
	sleep 1
	rx_assert 3 h13 "$M" 1
	rx_assert 1 h31 "$M" 3
	lab_note "share_peers=$SHARE: h1 saw h3 online $(lab_secs "$rec") s after the h2-h3 session"
fi
d3=$(dropped 3)
[ "$d3" -gt 0 ] || lab_fail "h3 dropped no multicast: was it sent at all?"
lab_finish "${rec:+$(lab_secs "$rec")}"
