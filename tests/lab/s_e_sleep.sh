#!/bin/bash
# SPDX-License-Identifier: MIT
# (e) A host that sleeps: h2's node gets SIGSTOP for LAB_SLEEP (default 30) s,
# then SIGCONT (a laptop lid closed and opened, or a process swapped out).
# h1 has a session with h2 and streams to it: while h2 sleeps h1 must mark
# it offline (application keepalive: within LAB_OFFLINE_LIMIT, default 15 s,
# of the last thing h2 sent) and keep the messages in its outbox; h3 has no
# session with h2 and only misses its beacons (NODE_OFFLINE_AFTER_MS, 18 s).
# After the wake-up everything must be delivered once, in order. Measured:
# how long until h1 and h3 show h2 offline (polling --peers every ~0.25 s),
# and "recover": from SIGCONT to the last queued message shown at h2.
. "$(dirname "$0")/lib.sh"
M=${LAB_MSGS:-100}
SLEEP=${LAB_SLEEP:-30}
OLIMIT=${LAB_OFFLINE_LIMIT:-15}
RLIMIT=${LAB_RECOVER_LIMIT:-10}
LAB_NAME=${LAB_NAME:-e-sleep}
lab_need ip

lab_net 3
node_start 1
node_start 2
node_start 3
wait_until 10 sees 1 2 || lab_die "h1 never saw h2"
wait_until 10 sees 3 2 || lab_die "h3 never saw h2"
stream 1 2 e1 "$M" 30
wait_until 30 rx_has_all 2 e1 "$M" || lab_fail "before the sleep: only $(rx_count 2 e1) of $M"
send_ok e1 10
last_rx=$(rx_last 2 e1)

kill -STOP "${NODE_PID[2]}"
t_stop=$(lab_now)
lab_log "h2 stopped"
stream 1 2 e2 "$M" $((SLEEP + 60)) 10 0.1
off1=
off3=
limit=$((t_stop + SLEEP * 1000000 - 500000))
while [ "$(lab_now)" -lt $limit ] && { [ -z "$off1" ] || [ -z "$off3" ]; }; do
	[ -z "$off1" ] && not_sees 1 2 && off1=$(($(lab_now) - t_stop)) &&
		lab_log "h1 (session) shows h2 offline after $(lab_secs "$off1") s"
	[ -z "$off3" ] && not_sees 3 2 && off3=$(($(lab_now) - t_stop)) &&
		lab_log "h3 (beacons only) shows h2 offline after $(lab_secs "$off3") s"
	sleep 0.2
done
[ -n "$off1" ] || lab_fail "h1 still shows h2 online after $SLEEP s asleep"
[ -n "$off3" ] || lab_fail "h3 still shows h2 online after $SLEEP s asleep"
# The limit counts from the last thing h2 said (its last ack, right after
# the last message of e1 was shown), which is a little before the STOP.
[ -z "$off1" ] || [ "$off1" -le $((OLIMIT * 1000000 + 1000000)) ] ||
	lab_fail "h1 took $(lab_secs "$off1") s to notice h2 asleep (limit $OLIMIT s + 1 s of ticks and polling)"
[ "$(rx_count 2 e2)" -eq 0 ] || lab_fail "a stopped node showed messages"
lab_log "sleeping until $SLEEP s"
while [ "$(lab_now)" -lt $((t_stop + SLEEP * 1000000)) ]; do lab_sleep 0.2; done

kill -CONT "${NODE_PID[2]}"
t_cont=$(lab_now)
lab_log "h2 woke up"
back1=
wait_until 30 sees 1 2 && back1=$(($(lab_now) - t_cont))
rec=
if wait_until 60 rx_has_all 2 e2 "$M"; then
	rec=$(($(rx_last 2 e2) - t_cont))
	lab_log "h1's outbox reached h2 $(lab_secs "$rec") s after it woke"
	[ "$rec" -le $((RLIMIT * 1000000)) ] ||
		lab_fail "delivery after the wake-up took $(lab_secs "$rec") s (limit $RLIMIT s)"
else
	lab_fail "only $(rx_count 2 e2) of $M reached h2 within 60 s of waking"
fi
send_ok e2 30
lab_note "offline after STOP: h1 (had a session) ${off1:+$(lab_secs "$off1")} s, h3 (beacons only) ${off3:+$(lab_secs "$off3")} s; STOP came $(lab_secs $((t_stop - last_rx))) s after h2's last shown message; online again at h1 ${back1:+$(lab_secs "$back1")} s after CONT; h1 keepalive drops: $(grep -c 'did not answer' "$LAB_DIR/h1.err")"
sleep 1
rx_assert 2 e1 "$M" 1
rx_assert 2 e2 "$M" 1
lab_finish "${rec:+$(lab_secs "$rec")}"
