#!/bin/sh
# SPDX-License-Identifier: MIT
# Fails when an #include crosses a layer the wrong way (ui -> src -> net) or
# when anything but the crypto module includes sodium.h.
cd "$(dirname "$0")/.." || exit 1
bad=0
for f in $(ls net/*.[ch] 2>/dev/null); do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		[ -f "net/$h" ] || { echo "layers: $f includes $h from outside net/" >&2; bad=1; }
	done
done
for f in $(ls src/*.[ch] 2>/dev/null); do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		[ -f "src/$h" ] || [ -f "net/$h" ] || { echo "layers: $f includes $h (src/ may use only src/ and net/)" >&2; bad=1; }
	done
done
for f in $(ls ui/*.[ch] 2>/dev/null); do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		[ -f "ui/$h" ] || [ "$h" = natter.h ] || { echo "layers: $f includes $h (ui/ may use only ui/ and natter.h)" >&2; bad=1; }
	done
done
for f in $(grep -lE '#include <sodium' net/*.[ch] src/*.[ch] $(ls ui/*.[ch] 2>/dev/null) 2>/dev/null); do
	[ "$f" = net/ncrypto.c ] || { echo "layers: $f includes sodium.h; only net/ncrypto.c may" >&2; bad=1; }
done
[ $bad -eq 0 ] && echo "layers: ok"
exit $bad
