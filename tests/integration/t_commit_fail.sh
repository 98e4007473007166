# A commit that fails (a full disk) after the message it queued had left:
# the recipient keeps that message, the sender says 74 for it, and the
# sender's next message, which gets the same seq, is not taken for it.
# Root only (a small tmpfs in a mount namespace of its own); skipped otherwise.
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1; then
	echo "skipped: needs root and unshare"
	exit 0
fi
if [ -z "${NATTER_T_MNTNS:-}" ]; then
	NATTER_T_MNTNS=1 exec unshare -m --propagation private sh "$0"
fi
. ./lib.sh
mkdir "$T/small"
small_cleanup() { # the nodes first: a tmpfs in use cannot be unmounted
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	umount "$T/small" 2>/dev/null
	cleanup
}
trap small_cleanup EXIT INT TERM
if ! mount -t tmpfs -o size=2m tmpfs "$T/small" 2>/dev/null; then
	echo "skipped: cannot mount a tmpfs"
	exit 0
fi
start bob --json
n small/alice --nick alice --id >/dev/null
"$NATTER" --home "$T/small/alice" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" \
	--listen >"$T/alice.out" 2>"$T/alice.err" &
PIDS="$PIDS $!"
wait_for 5 test -S "$T/small/alice/ctl.sock" || fail "alice did not start"
expect_rc 0 n small/alice --send bob "a1"

# The disk is full: alice's next commit cannot grow her log.
dd if=/dev/zero of="$T/small/fill" bs=64k 2>/dev/null
dd if=/dev/zero of="$T/small/fill2" bs=4k 2>/dev/null
expect_rc 74 n small/alice --send bob "a2" 2>"$T/e74"
has "$T/e74" "store commit failed" || fail "alice's commit did not fail: $(cat "$T/e74")"
wait_for 5 has "$T/bob.out" '"seq":2,"text":"a2"' || fail "a2 did not leave before the commit"

rm -f "$T/small/fill" "$T/small/fill2"
expect_rc 0 n small/alice --send bob "a3"
wait_for 5 has "$T/bob.out" '"text":"a3"' || fail "a3 was taken for a2: $(cat "$T/bob.out")"
has "$T/bob.out" '"seq":3,"text":"a3"' || fail "a3 not renumbered: $(cat "$T/bob.out")"
[ "$(grep -c '"text":"a' "$T/bob.out")" -eq 3 ] || fail "bob's messages: $(cat "$T/bob.out")"
