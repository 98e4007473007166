#!/bin/bash
# SPDX-License-Identifier: MIT
# (a) Discovery across the bridge: LAB_HOSTS hosts (default 5) start their
# nodes at once; every host must see every other online within 2 s of the
# last start (asked with --peers of each host's home). Then every host sends
# LAB_MSGS messages (default 10) to every other one, and each receiver must
# show each sender's messages once, in order.
# shellcheck disable=SC2317 # functions called through wait_until
. "$(dirname "$0")/lib.sh"
LAB_NAME=${LAB_NAME:-a-discovery}
N=${LAB_HOSTS:-5}
M=${LAB_MSGS:-10}
LIMIT=${LAB_DISCOVERY_LIMIT:-2}
lab_need ip

lab_net "$N"
for ((h = 1; h <= N; h++)); do
	nat "$h" --nick "h$h" --id >/dev/null || lab_die "h$h: --id failed"
done
# All at once: spawn every node, then time from the last spawn.
for ((h = 1; h <= N; h++)); do
	node_spawn "$h"
done
t0=$(lab_now)

all_see_all() {
	local h j
	for ((h = 1; h <= N; h++)); do
		[ -S "$LAB_DIR/h$h/ctl.sock" ] || return 1
		local table
		table=$(peers "$h") || return 1
		for ((j = 1; j <= N; j++)); do
			[ "$j" -eq "$h" ] && continue
			grep -q "\"nick\":\"h$j\",.*\"online\":true" <<<"$table" || return 1
		done
	done
}
if wait_until 15 all_see_all; then
	t_disc=$(($(lab_now) - t0))
else
	t_disc=
	for ((h = 1; h <= N; h++)); do
		lab_log "h$h sees: $(peers "$h" | grep -o '"nick":"[^"]*","fp":"[^"]\{8\}[^}]*"online":[a-z]*' | tr '\n' ' ')"
	done
	lab_die "not every host saw every other within 15 s"
fi
lab_log "all $N hosts see each other after $(lab_secs "$t_disc") s"
[ "$t_disc" -le $((LIMIT * 1000000)) ] ||
	lab_fail "discovery took $(lab_secs "$t_disc") s (limit $LIMIT s)"

# Everyone sends to everyone, all streams at once.
for ((h = 1; h <= N; h++)); do
	for ((j = 1; j <= N; j++)); do
		[ "$j" -eq "$h" ] && continue
		stream "$h" "$j" "a$h$j" "$M" 30
	done
done
all_in() {
	local h j
	for ((j = 1; j <= N; j++)); do
		for ((h = 1; h <= N; h++)); do
			[ "$j" -eq "$h" ] && continue
			rx_has_all "$j" "a$h$j" "$M" || return 1
		done
	done
}
wait_until 30 all_in || lab_fail "not every message arrived within 30 s"
sleep 0.5 # a late duplicate would show now
for ((h = 1; h <= N; h++)); do
	for ((j = 1; j <= N; j++)); do
		[ "$j" -eq "$h" ] && continue
		rx_assert "$j" "a$h$j" "$M" "$h"
		send_ok "a$h$j" 10
	done
done
lab_note "discovery of $N hosts: $(lab_secs "$t_disc") s"
lab_finish "$(lab_secs "$t_disc")"
