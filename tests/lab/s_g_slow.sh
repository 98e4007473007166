#!/bin/bash
# SPDX-License-Identifier: MIT
# (g) A slow link: h2's link is shaped with tbf to LAB_RATE (default
# 256kbit) both ways while h1 sends it LAB_MSGS (default 500) messages of
# ~200 bytes all at once (more than the link carries in the keepalive's
# 15 s would break a node that counted a busy-but-slow session as dead).
# Every message must be shown once, in order. "recover" is the time from
# the last line written to the last message shown.
. "$(dirname "$0")/lib.sh"
M=${LAB_MSGS:-500}
RATE=${LAB_RATE:-256kbit}
LIMIT=${LAB_LIMIT:-180}
LAB_NAME=${LAB_NAME:-g-slow-$RATE}
lab_need ip tc

lab_net 2
node_start 1
node_start 2
wait_until 10 sees 1 2 || lab_die "h1 never saw h2"
slow 2 "$RATE" || lab_die "cannot shape h2's link with tbf"
t0=$(lab_now)
stream 1 2 g "$M" "$LIMIT" 0 0 "${LAB_PAD:-200}"
lag=
if wait_until "$LIMIT" rx_has_all 2 g "$M"; then
	t_all=$(rx_last 2 g)
	lag=$((t_all - $(gen_end g)))
	lab_log "all $M in after $(lab_secs $((t_all - t0))) s"
else
	lab_fail "only $(rx_count 2 g) of $M arrived within $LIMIT s"
fi
send_ok g 60
took=${t_all:+in $(lab_secs $((t_all - t0))) s}
lab_note "$RATE: $M message(s) of ~$((${LAB_PAD:-200} + 10)) bytes ${took:-not all delivered}; sessions h1: $(grep -c 'session up' "$LAB_DIR/h1.err") up, $(grep -c 'did not answer' "$LAB_DIR/h1.err") keepalive drop(s); h2: $(grep -c 'did not answer' "$LAB_DIR/h2.err") keepalive drop(s)"
sleep 1
rx_assert 2 g "$M" 1
lab_finish "${lag:+$(lab_secs "$lag")}"
