#!/bin/bash
# SPDX-License-Identifier: MIT
# (f) Multicast blocked: every host drops all of 224.0.0.0/4, in and out,
# from the start, so no beacon or probe ever passes. h1 listens on a fixed
# port; h2 is started with --peer <h1>:<port> (h1 has no --peer: it learns
# h2 from h2's connection). Messages must flow both ways: h1 -> h2 and
# h2 -> h1. Then h1's node restarts: h2 must dial it again by itself (its
# --peer back-off) and h1 must reach h2 again. "recover" is the time from
# h1's restart to the last message sent after it shown at h2.
. "$(dirname "$0")/lib.sh"
M=${LAB_MSGS:-200}
RLIMIT=${LAB_RECOVER_LIMIT:-10}
LAB_NAME=${LAB_NAME:-f-no-multicast}
lab_need ip iptables

lab_net 2
block_mcast 1 || lab_die "cannot block multicast in h1"
block_mcast 2 || lab_die "cannot block multicast in h2"
PORT[1]=7700
PORT[2]=7700
EXTRA[2]="--peer ${ADDR[1]}:${PORT[1]}"
node_start 1
node_start 2
t0=$(lab_now)
if wait_until 15 sees 1 2 && wait_until 5 sees 2 1; then
	lab_log "h1 and h2 see each other after $(lab_since "$t0") s, multicast blocked"
else
	lab_die "no session through --peer within 20 s: h1: $(peers 1 | tr '\n' ' ') h2: $(peers 2 | tr '\n' ' ')"
fi
stream 1 2 f1 "$M" 60
stream 2 1 f2 "$M" 60
wait_until 60 rx_has_all 2 f1 "$M" || lab_fail "h1 -> h2: only $(rx_count 2 f1) of $M"
wait_until 60 rx_has_all 1 f2 "$M" || lab_fail "h2 -> h1: only $(rx_count 1 f2) of $M"
send_ok f1 30
send_ok f2 30

node_stop 1
lab_sleep 2
node_start 1
t_restart=$(lab_now)
stream 1 2 f3 "$M" 60
rec=
if wait_until 60 rx_has_all 2 f3 "$M"; then
	rec=$(($(rx_last 2 f3) - t_restart))
	lab_log "after h1's restart, h2 had all of f3 in $(lab_secs "$rec") s"
	[ "$rec" -le $((RLIMIT * 1000000)) ] ||
		lab_fail "reconnecting through --peer took $(lab_secs "$rec") s (limit $RLIMIT s)"
else
	lab_fail "after h1's restart: only $(rx_count 2 f3) of $M reached h2"
fi
send_ok f3 30
d1=$(dropped 1)
d2=$(dropped 2)
if [ "$d1" -eq 0 ] || [ "$d2" -eq 0 ]; then
	lab_fail "no multicast was dropped (h1 $d1, h2 $d2): was it sent at all?"
fi
lab_note "multicast packets dropped: h1 $d1, h2 $d2; reconnect after h1 restarted: ${rec:+$(lab_secs "$rec")} s"
sleep 1
rx_assert 2 f1 "$M" 1
rx_assert 1 f2 "$M" 2
rx_assert 2 f3 "$M" 1
lab_finish "${rec:+$(lab_secs "$rec")}"
