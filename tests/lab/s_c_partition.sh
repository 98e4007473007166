#!/bin/bash
# SPDX-License-Identifier: MIT
# (c) Partition: h1's long-lived node streams LAB_MSGS (default 500) messages
# to h2, one every ~10 ms; LAB_CUT_AT (1.5) s into the stream h2's link is cut
# for LAB_CUT_FOR (10) s, so the rest of the stream queues in h1's outbox;
# then the link returns. Nothing is done to either node: the outbox must
# flush by itself within LAB_RECOVER_LIMIT (8) s of the link returning, with
# every message shown once, in order. "recover" is the time from the link's
# return to the last message shown at h2.
#
# LAB_CUT=iptables (default): DROP everything on h2's eth0, both ways;
# LAB_CUT=link: pull h2's cable (its switch port down: eth0 loses carrier).
. "$(dirname "$0")/lib.sh"
M=${LAB_MSGS:-500}
CUT=${LAB_CUT:-iptables}
AT=${LAB_CUT_AT:-1.5}
FOR=${LAB_CUT_FOR:-10}
RLIMIT=${LAB_RECOVER_LIMIT:-8}
LAB_NAME=${LAB_NAME:-c-partition-$CUT}
if [ "$CUT" = iptables ]; then lab_need ip iptables; else lab_need ip; fi

lab_net 2
node_start 1
node_start 2
wait_until 10 sees 1 2 || lab_die "h1 never saw h2"
stream 1 2 c "$M" 120 1 0.01
lab_sleep "$AT"
if [ "$CUT" = link ]; then link_down 2; else partition 2; fi
t_cut=$(lab_now)
lab_log "h2 cut off ($CUT) after $(rx_count 2 c) messages"
lab_sleep "$FOR"
before=$(rx_count 2 c)
[ -n "$(gen_end c)" ] || lab_note "the stream was still being written when the link returned"
if [ "$CUT" = link ]; then link_up 2; else heal 2; fi
t_heal=$(lab_now)
lab_log "link back after $(lab_secs $((t_heal - t_cut))) s; h2 had $before of $M"
rec=
if wait_until 60 rx_has_all 2 c "$M"; then
	rec=$(($(rx_last 2 c) - t_heal))
	lab_log "all $M in $(lab_secs "$rec") s after the link returned"
	[ "$rec" -le $((RLIMIT * 1000000)) ] ||
		lab_fail "the outbox took $(lab_secs "$rec") s to flush (limit $RLIMIT s)"
else
	lab_fail "only $(rx_count 2 c) of $M arrived within 60 s of the link returning"
fi
send_ok c 30
lab_note "$CUT cut for $FOR s: $before of $M shown before the link returned; sessions h1: $(grep -c 'session up' "$LAB_DIR/h1.err") up, $(grep -c 'did not answer' "$LAB_DIR/h1.err") keepalive drop(s); h2: $(grep -c 'did not answer' "$LAB_DIR/h2.err") keepalive drop(s)"
sleep 1
rx_assert 2 c "$M" 1
lab_finish "${rec:+$(lab_secs "$rec")}"
