#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every integration test (t_*.sh) against $NATTER, each in its own shell
# with its own temporary homes and discovery group; print a summary line.
cd "$(dirname "$0")" || exit 1
: "${NATTER:?set NATTER to the natter binary}"
pass=0
failed=0
names=""
for t in t_*.sh; do
	[ -n "${ONLY:-}" ] && [ "$t" != "$ONLY" ] && continue
	start=$(date +%s)
	if timeout 120 sh "$t" >"/tmp/natter-$$-$t.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $t ($(($(date +%s) - start)) s)"
	else
		failed=$((failed + 1))
		names="$names $t"
		echo "FAIL $t"
		sed 's/^/    /' "/tmp/natter-$$-$t.log"
	fi
	rm -f "/tmp/natter-$$-$t.log"
done
echo "integration: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
