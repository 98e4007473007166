# --verify prints the same safety number on both sides (12 groups of 5
# digits) and the verified state; --trust marks the peer verified, which
# --peers shows.
. ./lib.sh
start alice
expect_rc 0 n bob --nick bob --send alice "hi"
stop alice
start bob
expect_rc 0 n alice --send bob "hi back"
stop bob
n alice --verify bob >"$T/a" || fail "alice --verify bob"
n bob --verify alice >"$T/b" || fail "bob --verify alice"
head -n 1 "$T/a" | grep -qE '^[0-9]{5}( [0-9]{5}){11}$' || fail "format: $(cat "$T/a")"
[ "$(head -n 1 "$T/a")" = "$(head -n 1 "$T/b")" ] || fail "numbers differ: $(head -n 1 "$T/a") / $(head -n 1 "$T/b")"
sed -n 2p "$T/a" | grep -q "^bob (.*) is not verified$" || fail "state line: $(sed -n 2p "$T/a")"
n alice --trust bob | grep -q "is verified" || fail "--trust"
n alice --verify bob | sed -n 2p | grep -q "is verified$" || fail "not verified after --trust"
n alice --peers --json | grep -q '"nick":"bob".*"verified":true' || fail "--peers does not show verified"
n carol --nick carol --id >/dev/null
[ "$(n carol --verify "$(fp bob | cut -c1-12)" 2>/dev/null | head -n 1)" = "" ] || fail "carol knows bob?"
expect_rc 67 n carol --verify bob
expect_rc 64 "$NATTER" --verify
