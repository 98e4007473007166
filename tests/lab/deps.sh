#!/bin/sh
# SPDX-License-Identifier: MIT
# The tools the network lab needs beyond natter's build dependencies: ip and
# tc (iproute2), iptables. Installs the missing ones with apt-get when root;
# otherwise says exactly what to install and fails.
#   tests/lab/deps.sh [--print]
miss=""
command -v ip >/dev/null 2>&1 || miss="$miss iproute2"
command -v tc >/dev/null 2>&1 || case $miss in *iproute2*) ;; *) miss="$miss iproute2" ;; esac
command -v iptables >/dev/null 2>&1 || miss="$miss iptables"
command -v timeout >/dev/null 2>&1 || miss="$miss coreutils"
command -v bash >/dev/null 2>&1 || miss="$miss bash"
[ -n "$miss" ] || exit 0
if [ "${1:-}" = --print ] || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "lab: missing tools; install (as root):" >&2
	if command -v apt-get >/dev/null 2>&1; then
		echo "  apt-get update && apt-get install -y$miss" >&2
	else
		echo " $miss (with your package manager)" >&2
	fi
	[ "${1:-}" = --print ] && exit 0
	exit 1
fi
echo "lab: installing$miss" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
apt-get update -q && apt-get install -y -q --no-install-recommends $miss
