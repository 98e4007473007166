#!/bin/bash
# SPDX-License-Identifier: MIT
# (d) A host changes its IP address mid-conversation, as after a DHCP renewal
# that hands out a new lease: h2's old address is deleted and a new one added
# inside its namespace while its node runs. natter's --bind is fixed when the
# node starts (and the lab must bind to the namespace's address), so, as a
# network-manager hook would, h2's node is then restarted with --bind at the
# new address. Meanwhile h1's long-lived node keeps sending to h2; those
# messages wait in h1's outbox. h1 must find h2 again at the new address and
# flush the outbox; h2 must reach h1 too. "recover" is the time from h2's
# restart to the last queued message shown at h2.
#
# LAB_GRACE (default 5) seconds pass between the address change and the
# restart, to see what a node does while its address is gone.
. "$(dirname "$0")/lib.sh"
M=${LAB_MSGS:-100}
GRACE=${LAB_GRACE:-5}
RLIMIT=${LAB_RECOVER_LIMIT:-10}
LAB_NAME=${LAB_NAME:-d-new-address}
NEW=198.18.1.102
lab_need ip

lab_net 2
node_start 1
node_start 2
wait_until 10 sees 1 2 || lab_die "h1 never saw h2"
stream 1 2 d1 "$M" 30
wait_until 30 rx_has_all 2 d1 "$M" || lab_fail "before the move: only $(rx_count 2 d1) of $M"
send_ok d1 10

old=${ADDR[2]}
set_addr 2 "$NEW"
lab_log "h2 moved $old -> $NEW (its node still bound to $old)"
stream 1 2 d2 "$M" 120 10 0.1
lab_sleep "$GRACE"
online=$(peers 1 | grep -o '"nick":"h2",[^}]*' | grep -o '"online":[a-z]*,"addr":"[^"]*"')
lab_note "$GRACE s after the move, before the restart: h2 showed $(rx_count 2 d2) of $M; h1 says h2 $online"
node_stop 2
node_start 2
t_restart=$(lab_now)
lab_log "h2's node restarted with --bind $NEW"
found=
if wait_until 30 sees_at 1 2 "$NEW"; then
	found=$(($(lab_now) - t_restart))
	lab_log "h1 sees h2 at $NEW $(lab_secs "$found") s after the restart"
else
	lab_fail "h1 never saw h2 at $NEW: $(peers 1 | grep '"nick":"h2"')"
fi
rec=
if wait_until 60 rx_has_all 2 d2 "$M"; then
	rec=$(($(rx_last 2 d2) - t_restart))
	lab_log "h1's outbox flushed to h2 $(lab_secs "$rec") s after the restart"
	[ "$rec" -le $((RLIMIT * 1000000)) ] ||
		lab_fail "h1's outbox took $(lab_secs "$rec") s to reach h2 at its new address (limit $RLIMIT s)"
else
	lab_fail "only $(rx_count 2 d2) of $M queued messages reached h2 at $NEW within 60 s"
fi
# Only now does h2 have something to send: until here, h1 alone had to find
# h2 (an h2 that dials h1 itself hides a stale session at h1).
t_rev=$(lab_now)
stream 2 1 d3 "$M" 60
wait_until 60 rx_has_all 1 d3 "$M" || lab_fail "h2 -> h1 after the move: only $(rx_count 1 d3) of $M"
rev=$(($(rx_last 1 d3) - t_rev))
send_ok d2 30
send_ok d3 30
lab_note "after the restart at $NEW: h1 saw it in ${found:+$(lab_secs "$found")} s, flushed its outbox in ${rec:+$(lab_secs "$rec")} s; h2 -> h1 done in $(lab_secs "$rev") s; h1 keepalive drops: $(grep -c 'did not answer' "$LAB_DIR/h1.err")"
sleep 1
rx_assert 2 d1 "$M" 1
rx_assert 2 d2 "$M" 1
rx_assert 1 d3 "$M" 2
lab_finish "${rec:+$(lab_secs "$rec")}"
