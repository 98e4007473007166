# --listen writes the lines of messages stored together (one commit) with
# one write, not one each; every line is still out before the node waits
# for anything else. And --send hands a burst of lines to the running node
# in few writes, not one per line. Counted with strace when it is installed; skipped
# otherwise.
. ./lib.sh
if ! command -v strace >/dev/null 2>&1; then
	echo "t_listen_writes: strace not installed; skipped"
	exit 0
fi
start alice --json
start bob
wait_for 10 test -S "$T/alice/ctl.sock" || fail "alice did not start"
wait_for 10 test -S "$T/bob/ctl.sock" || fail "bob did not start"
expect_rc 0 n bob --send alice "warm-up"
wait_for 5 has "$T/alice.out" '"text":"warm-up"' || fail "warm-up not shown"
eval "apid=\$PID_alice"
strace -qq -p "$apid" -e trace=write -o "$T/atrace" 2>/dev/null &
sa=$!
PIDS="$sa $PIDS"
sleep 0.5
awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "burst line %d\n", i }' >"$T/lines"
# The --send process hands the lines to bob's node in few writes too.
ASAN_OPTIONS=detect_leaks=0 strace -qq -e trace=sendto -o "$T/strace_send" "$NATTER" --home "$T/bob" --iface lo \
	--bind 127.0.0.1 --port 0 --group "$GROUP" --timeout 60 --send alice <"$T/lines" ||
	fail "--send of 2000 lines failed"
wait_for 20 has "$T/alice.out" '"text":"burst line 2000"' || fail "line 2000 missing"
sleep 0.3
kill "$sa" 2>/dev/null
wait "$sa" 2>/dev/null
got=$(grep -c '"text":"burst line' "$T/alice.out")
[ "$got" -eq 2000 ] || fail "$got of 2000 lines shown"
w=$(grep -c '^write(1,' "$T/atrace")
echo "t_listen_writes: 2000 messages in a burst, $w writes to stdout"
[ "$w" -ge 1 ] || fail "no write to stdout traced"
[ "$w" -le 1000 ] || fail "$w writes for 2000 lines: one write per line"
sends=$(grep -c '^sendto(' "$T/strace_send")
echo "t_listen_writes: --send handed 2000 lines over in $sends sends"
[ "$sends" -ge 1 ] || fail "no send traced"
[ "$sends" -le 200 ] || fail "$sends sends for 2000 lines: one per line"
