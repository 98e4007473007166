#!/bin/bash
# SPDX-License-Identifier: MIT
# (b) Packet loss: the receiver h2's link drops a fraction LAB_LOSS (default
# 0.10) of the packets in each direction while h1's long-lived node streams
# LAB_MSGS (default 500) messages to it, one every ~10 ms (a `--send` reading
# a pipe, handed to h1's node). Every message must be shown once, in order.
# "recover" is the lag: from the last line written into the pipe until the
# last message was shown at h2.
. "$(dirname "$0")/lib.sh"
P=${LAB_LOSS:-0.10}
M=${LAB_MSGS:-500}
LIMIT=${LAB_LIMIT:-240}
LAB_NAME=${LAB_NAME:-b-loss-$P}
lab_need ip iptables

lab_net 2
node_start 1
node_start 2
wait_until 10 sees 1 2 || lab_die "h1 never saw h2"
if [ "$P" != 0 ]; then
	loss 2 "$P" || lab_die "cannot set up iptables loss in h2"
fi
lab_log "h2 drops $P of its packets both ways; streaming $M messages"
t0=$(lab_now)
stream 1 2 b "$M" "$LIMIT" 1 0.01
lag=
if wait_until "$LIMIT" rx_has_all 2 b "$M"; then
	t_all=$(rx_last 2 b)
	lag=$((t_all - $(gen_end b)))
	lab_log "all $M in after $(lab_secs $((t_all - t0))) s, $(lab_secs "$lag") s after the last was written"
else
	lab_fail "only $(rx_count 2 b) of $M arrived within $LIMIT s"
fi
lab_note "loss $P: $M messages in $(lab_secs $((t_all - t0))) s; $(dropped 2) packets dropped at h2; $(grep -c 'session up' "$LAB_DIR/h1.err") session(s), $(grep -c 'did not answer' "$LAB_DIR/h1.err") keepalive drop(s) at h1"
send_ok b 60
heal 2
sleep 1 # a late duplicate would show now
rx_assert 2 b "$M" 1
lab_finish "${lag:+$(lab_secs "$lag")}"
