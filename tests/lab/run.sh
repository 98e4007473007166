#!/bin/bash
# SPDX-License-Identifier: MIT
# natter network lab: run the scenarios (tests/lab/s_*.sh), each in its own
# set of network namespaces, and print a table.
#
#   tests/lab/run.sh [--short] [--only NAME[,NAME...]] [--keep] [--list]
#
#   --short   the quick set (a, b at 10 %, f, fewer messages; under a minute)
#   --only    just these scenarios (names as in --list)
#   --keep    keep every scenario's homes and logs, not only failed ones'
#   --list    print the scenario names and exit
#
# NATTER names the binary (make lab sets it to build/san/natter). Needs root,
# ip (iproute2), iptables and tc. Nothing leaves the namespaces: see lib.sh.
# Exit status: 0 when every scenario passed, 1 otherwise, 77 when the lab
# cannot run here (not root, no namespaces, a tool missing).
cd "$(dirname "$0")" || exit 1
: "${NATTER:?set NATTER to the natter binary (make lab does)}"

short=0
keep=0
only=""
list=0
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 ;;
	--keep) keep=1 ;;
	--only) only=",$2,"; shift ;;
	--only=*) only=",${1#--only=},"; ;;
	--list) list=1 ;;
	*) echo "usage: $0 [--short] [--only NAME[,NAME...]] [--keep] [--list]" >&2; exit 64 ;;
	esac
	shift
done

# name | script | environment | time limit (s)
full_set() {
	cat <<'EOF'
a-discovery-5	s_a_discovery.sh	LAB_HOSTS=5 LAB_MSGS=10	120
b-loss-0%	s_b_loss.sh	LAB_LOSS=0 LAB_MSGS=500	300
b-loss-10%	s_b_loss.sh	LAB_LOSS=0.10 LAB_MSGS=500	300
b-loss-30%	s_b_loss.sh	LAB_LOSS=0.30 LAB_MSGS=500	300
c-partition-10s	s_c_partition.sh	LAB_CUT=iptables LAB_CUT_FOR=10 LAB_MSGS=500	180
c-cable-10s	s_c_partition.sh	LAB_CUT=link LAB_CUT_FOR=10 LAB_MSGS=500	180
c-partition-25s	s_c_partition.sh	LAB_CUT=iptables LAB_CUT_FOR=25 LAB_MSGS=500	180
d-new-address	s_d_newaddr.sh	LAB_MSGS=100	180
e-sleep-30s	s_e_sleep.sh	LAB_SLEEP=30 LAB_MSGS=100	180
f-no-multicast	s_f_nomcast.sh	LAB_MSGS=200	120
g-slow-256kbit	s_g_slow.sh	LAB_RATE=256kbit LAB_MSGS=500	240
g-slow-64KiB-msg	s_g_slow.sh	LAB_RATE=24kbit LAB_MSGS=1 LAB_PAD=65000 LAB_LIMIT=60	120
h-doctor	s_h_doctor.sh	LAB_HOSTS=2	60
i-two-links	s_i_twolinks.sh	LAB_MSGS=50	150
i-two-links-bind	s_i_twolinks.sh	LAB_MSGS=50 LAB_H2_BIND_ETH1=1	150
h-pex-static	s_h_pex.sh	LAB_SHARE=static LAB_MSGS=20	120
h-pex-all	s_h_pex.sh	LAB_SHARE=all LAB_MSGS=20	120
h-pex-off	s_h_pex.sh	LAB_SHARE=off	120
EOF
}
short_set() {
	cat <<'EOF'
a-discovery-5	s_a_discovery.sh	LAB_HOSTS=5 LAB_MSGS=3	60
b-loss-10%	s_b_loss.sh	LAB_LOSS=0.10 LAB_MSGS=100	60
f-no-multicast	s_f_nomcast.sh	LAB_MSGS=50	60
EOF
}
if [ $short -eq 1 ]; then set_fn=short_set; else set_fn=full_set; fi
if [ $list -eq 1 ]; then
	full_set | cut -f1
	exit 0
fi

# Can the lab run here at all?
if [ "$(id -u)" -ne 0 ]; then
	echo "lab: needs root (network namespaces)" >&2
	exit 77
fi
for t in ip iptables tc timeout; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "lab: $t is missing; on Debian: apt-get install iproute2 iptables coreutils" >&2
		exit 77
	fi
done
probe="ntlprobe$$"
if ! ip netns add "$probe" 2>/dev/null; then
	echo "lab: cannot create network namespaces here" >&2
	exit 77
fi
ip netns del "$probe"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/natter-lab-run.XXXXXX")
LOGS="${TMPDIR:-/tmp}/natter-lab-logs.$$"
# Sweep whatever namespaces a killed scenario left (each wrote their names
# to its list before creating them).
sweep() {
	local f ns
	for f in "$RUN"/*.ns; do
		[ -f "$f" ] || continue
		while read -r ns; do
			case $ns in ntl*) ;; *) continue ;; esac
			[ -e "/run/netns/$ns" ] || continue
			for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
			ip netns del "$ns" 2>/dev/null && echo "lab: swept namespace $ns" >&2
		done <"$f"
		rm -f "$f"
	done
	for f in "$RUN"/*.ns.dir; do
		[ -f "$f" ] || continue
		read -r d <"$f"
		case $d in */natter-lab.*) [ -d "$d" ] && rm -rf "$d" ;; esac
		rm -f "$f"
	done
}
on_exit() {
	sweep
	rm -rf "$RUN"
}
trap on_exit EXIT
# The scenario runs in the background so that a signal reaches this shell at
# once (bash runs traps only between foreground commands); it is passed on
# (timeout hands it to the scenario, whose own trap deletes its namespaces).
child=""
on_signal() {
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

pass=0
failed=0
skipped=0
fails=""
rows=""
notes=""
start_all=$(date +%s)
while IFS='	' read -r name script envs limit; do
	[ -n "$name" ] || continue
	[ -z "$only" ] || [ "${only#*,"$name",}" != "$only" ] || continue
	t0=$(date +%s)
	echo "lab: $name ..." >&2
	# shellcheck disable=SC2086
	env $envs LAB_NAME="$name" LAB_NSLIST="$RUN/$name.ns" LAB_KEEPLOGS="$LOGS/$name" \
		timeout -k 10 "$limit" bash "$script" >"$RUN/$name.out" 2>"$RUN/$name.log" &
	child=$!
	wait "$child"
	rc=$?
	child=""
	sweep
	wall=$(($(date +%s) - t0))
	res=$(grep '^LABRESULT' "$RUN/$name.out" | tail -n 1)
	if [ $rc -eq 77 ]; then
		skipped=$((skipped + 1))
		rows="$rows$name	-	-	-	-	-	SKIP	$wall"$'\n'
		rm -rf "${LOGS:?}/$name"
		continue
	fi
	if [ -z "$res" ]; then
		res="LABRESULT	$name	?	?	?	?	-	FAIL"
		[ $rc -eq 124 ] && echo "LABFAIL	$name	timed out after $limit s" >>"$RUN/$name.out"
	fi
	IFS='	' read -r _ _ msgs lost dup dis rec status <<<"$res"
	[ $rc -eq 0 ] || status=FAIL
	rows="$rows$name	$msgs	$lost	$dup	$dis	${rec:--}	$status	$wall"$'\n'
	notes="$notes$(grep -E '^LAB(NOTE|FAIL)' "$RUN/$name.out" | cut -f2-)"$'\n'
	if [ "$status" = PASS ]; then
		pass=$((pass + 1))
		[ $keep -eq 1 ] || rm -rf "${LOGS:?}/$name"
		echo "lab: $name passed ($wall s)" >&2
	else
		failed=$((failed + 1))
		fails="$fails $name"
		echo "lab: $name FAILED ($wall s); logs in $LOGS/$name" >&2
		sed 's/^/    /' "$RUN/$name.log" | tail -n 60 >&2
	fi
done < <($set_fn)
rmdir "$LOGS" 2>/dev/null

echo
{
	printf 'scenario\tmessages\tlost\tduplicated\tout-of-order\trecover (s)\tresult\twall (s)\n'
	printf '%s' "$rows"
} | awk -F '\t' '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
	END { for (r = 1; r <= n; r++) { l = ""; for (i = 1; i <= nf; i++) l = l sprintf("%-" (w[i] + 2) "s", c[r, i]); sub(/ +$/, "", l); print l } }'
echo
cat <<'EOF'
lost: not shown at the receiver when the scenario ended (it may still wait in
the sender's outbox). recover (s): a = until every host saw every other;
b, g = lag from the last line written to the last message shown; c = from the
link's return to the last message shown; d = from the restart at the new
address; e = from SIGCONT; f = from h1's restart; h = from the h2-h3 session
to h1 listing h3 online.
EOF
echo
if [ -n "${notes//$'\n'/}" ]; then
	echo "notes:"
	printf '%s' "$notes" | grep . | sed 's/^/  /; s/\t/: /'
	echo
fi
echo "lab: total $(($(date +%s) - start_all)) s${fails:+; failed:$fails}"
echo "lab: $pass passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ]
