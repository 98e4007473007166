# Bad input gets a one-line error and the SPEC's exit code: unknown peer 67,
# invalid UTF-8 / empty / oversized message 65, usage 64 — and nothing is queued.
. ./lib.sh
start alice
expect_rc 67 n bob --nick bob --timeout 0.5 --send nosuchpeer "hi"
n bob --timeout 0.5 --send nosuchpeer "hi" 2>"$T/e67" && fail "unknown peer accepted"
has "$T/e67" "natter: unknown peer 'nosuchpeer'" || fail "67 message: $(cat "$T/e67")"
bad=$(printf '\300\200')
expect_rc 65 n bob --send alice "$bad"
expect_rc 65 n bob --send alice ""
head -c 65537 /dev/zero | tr '\0' 'x' >"$T/big"
expect_rc 65 n bob --send alice "$(cat "$T/big")"
head -c 65536 /dev/zero | tr '\0' 'y' >"$T/max"
expect_rc 0 n bob --send alice "$(cat "$T/max")"
# stdin: a bad line is reported (65) but the good ones still go.
printf 'good\n\377bad\nalso good\n' | n bob --send alice 2>"$T/e65"
rc=$?
[ $rc -eq 65 ] || fail "stdin with a bad line: exit $rc"
has "$T/e65" "line 2: message is not valid UTF-8" || fail "stdin 65 message: $(cat "$T/e65")"
wait_for 5 has "$T/alice.out" "also good" || fail "good lines around a bad one were lost"
n bob --outbox >"$T/ob"
[ ! -s "$T/ob" ] || fail "something was queued: $(cat "$T/ob")"
expect_rc 64 "$NATTER" --bogus
expect_rc 64 "$NATTER" --port 70000 --peers
expect_rc 64 "$NATTER" --listen --send alice
expect_rc 64 "$NATTER" --group 10.0.0.1:5 --peers
expect_rc 64 "$NATTER" --timeout -1 --send alice x
expect_rc 69 n carol --iface nosuchif0 --send alice x
"$NATTER" --help | grep -q -- "--send PEER" || fail "--help"
"$NATTER" --version | grep -qE '^natter [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"

# A store that cannot be opened: exit 74 and one line that says why, for the
# node and for the listings that read the store themselves.
n dora --id >/dev/null
rm -f "$T/dora/natter.db-wal" "$T/dora/natter.db-shm"
echo "not a database, not at all, whatever SQLite may think of it at first" >"$T/dora/natter.db"
for what in --listen --outbox "--peers --cached"; do
	# shellcheck disable=SC2086 # $what is two words once
	n dora $what >/dev/null 2>"$T/e74"
	rc=$?
	[ $rc -eq 74 ] || fail "dora $what on a broken store: exit $rc"
	has "$T/e74" "cannot open the store $T/dora/natter.db: file is not a database" ||
		fail "dora $what: $(cat "$T/e74")"
	[ "$(wc -l <"$T/e74")" -eq 1 ] || fail "dora $what: more than one line: $(cat "$T/e74")"
done
