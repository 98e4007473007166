# Pipes: each stdin line goes as it arrives (not at EOF); SIGINT and SIGTERM
# leave every line read either delivered or queued; the exit status is the
# worst of all messages.
. ./lib.sh
start alice --json
fifo="$T/fifo"
mkfifo "$fifo"
n bob --nick bob --send alice <"$fifo" >"$T/s.out" 2>"$T/s.err" &
sp=$!
exec 3>"$fifo"
echo "first line" >&3
wait_for 5 has "$T/alice.out" '"text":"first line"' || fail "a line was not sent as it arrived"
echo "second line" >&3
wait_for 5 has "$T/alice.out" '"text":"second line"' || fail "second line"
exec 3>&-
wait $sp || fail "send over a fifo: exit $?"

# SIGINT with the peer away: what was read is queued (75), nothing lost.
stop alice
mkfifo "$T/fifo2"
exec 3<>"$T/fifo2" # a writer first, so that opening the reading end does not block
bg "$T/fifo2" bob --send alice >/dev/null 2>"$T/i.err"
sp=$!
for i in 1 2 3 4 5; do echo "away $i" >&3; done
wait_for 5 sh -c "[ \$($NATTER --home '$T/bob' --outbox | grep -c away) -eq 5 ]" || fail "lines not queued: $(n bob --outbox; cat "$T/i.err")"
kill -INT $sp
wait $sp
rc=$?
exec 3>&-
[ $rc -eq 75 ] || fail "SIGINT after queueing: exit $rc, want 75"
has "$T/i.err" "5 messages queued for alice" || fail "$(cat "$T/i.err")"
start alice --json
expect_rc 0 n bob --send alice "back"
for i in 1 2 3 4 5; do
	wait_for 5 has "$T/alice.out" "\"text\":\"away $i\"" || fail "away $i lost"
done

# SIGINT while still waiting for an unknown peer: nothing queued, 130.
bg /dev/null bob --timeout 30 --send nobody "x" 2>/dev/null
sp=$!
sleep 0.5
kill -INT $sp
wait $sp
rc=$?
[ $rc -eq 130 ] || fail "SIGINT before queueing: exit $rc, want 130"
n bob --outbox | grep -q . && fail "something queued for nobody"

# SIGPIPE: --send --json whose reader went away still delivers and exits 0.
start alice --json
(n bob --send alice --json "nobody reads my report"; echo $? >"$T/pipe.rc") | true
[ "$(cat "$T/pipe.rc")" = 0 ] || fail "closed stdout: exit $(cat "$T/pipe.rc")"
wait_for 5 has "$T/alice.out" "nobody reads my report" || fail "not delivered"
exit 0
