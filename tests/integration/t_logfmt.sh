# -v logs one key=value line per event on stderr: ts= (RFC 3339 UTC), level=,
# msg= quoted when it has spaces; the --listen start line has nick=, fp= and
# port=. With stderr the journal's stream (JOURNAL_STREAM), no ts= and a
# "<6>" priority prefix instead.
. ./lib.sh
start alice -v
start bob -vv
wait_for 5 has "$T/alice.err" "on TCP port" || fail "alice did not start"
afp=$(fp alice)
first=$(head -n 1 "$T/alice.err")
echo "$first" | grep -Eq '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z level=info msg="listening as alice \([0-9a-f]{8}\) on TCP port [0-9]+" component=listen nick=alice fp='"$afp"' port=[0-9]+$' ||
	fail "start line: $first"
wait_for 10 has "$T/alice.err" 'msg="peer bob' || fail "alice never logged bob"
expect_rc 0 n bob --send alice 'a "quoted" word'
wait_for 10 grep -q 'level=debug msg="session up with' "$T/bob.err" || fail "no debug line at -vv"
# Every line is key=value pairs, and nothing else.
pair='[a-z_]+=([^ "=]+|"([^"\\]|\\.)*")'
bad=$(grep -Evh "^$pair( $pair)*\$" "$T/alice.err" "$T/bob.err" | head -n 3)
[ -z "$bad" ] || fail "not logfmt: $bad"
grep -q 'level=info msg="peer bob ([0-9a-f]*) is online" component=node$' "$T/alice.err" ||
	fail "peer line: $(grep 'peer bob' "$T/alice.err")"
stop alice
# Under systemd, stderr is the journal: JOURNAL_STREAM names its device:inode.
err="$T/journal.err"
: >"$err"
js=$(stat -c '%d:%i' "$err")
JOURNAL_STREAM=$js "$NATTER" --home "$T/alice" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" \
	--listen -v >/dev/null 2>>"$err" &
PIDS="$PIDS $!"
PID_alice=$!
wait_for 5 has "$err" "on TCP port" || fail "alice did not restart"
grep -q '^<6>level=info msg="listening as alice' "$err" || fail "journal line: $(head -n 1 "$err")"
! grep -q 'ts=' "$err" || fail "ts= under the journal"
