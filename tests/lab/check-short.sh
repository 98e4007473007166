#!/bin/sh
# SPDX-License-Identifier: MIT
# The short network lab for `make check`: scenarios a (discovery of 5 hosts),
# b at 10 % loss and f (multicast blocked, --peer), with few messages, in
# network namespaces (under a minute). Skips, exit 0, where it cannot run:
# not root, no network namespaces, or a tool missing. Otherwise the last
# line is "lab: N passed, N failed" and the status says whether all passed.
#
#   NATTER=build/san/natter tests/lab/check-short.sh
#
# NATTER defaults to build/san/natter of this tree (built if missing).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

skip() {
	echo "lab: skipped ($*)"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip "not root / no ip netns"
command -v ip >/dev/null 2>&1 || skip "not root / no ip netns: ip is missing; apt-get install iproute2"
probe="ntlprobe$$"
ip netns add "$probe" 2>/dev/null || skip "not root / no ip netns: cannot create a network namespace"
ip netns del "$probe"
for t in bash iptables timeout awk; do
	command -v "$t" >/dev/null 2>&1 ||
		skip "$t is missing; on Debian: apt-get install iptables (or: make lab-deps)"
done
# iptables present but unusable (no netfilter in this kernel): skip too
probe="ntlprobe$$"
ip netns add "$probe" 2>/dev/null || skip "not root / no ip netns"
if ! ip netns exec "$probe" iptables -w -A INPUT -m statistic --mode random \
	--probability 0.5 -j DROP >/dev/null 2>&1; then
	ip netns del "$probe"
	skip "iptables cannot add a statistic rule in a namespace (kernel without xt_statistic?)"
fi
ip netns del "$probe"

if [ -z "${NATTER:-}" ]; then
	NATTER="$root/build/san/natter"
	[ -x "$NATTER" ] || make -C "$root" --no-print-directory build/san/natter >&2 ||
		{
			echo "lab: cannot build $NATTER"
			echo "lab: 0 passed, 1 failed"
			exit 1
		}
fi
export NATTER
bash "$here/run.sh" --short
rc=$?
[ $rc -eq 77 ] && skip "the lab cannot run here (see above)"
exit $rc
