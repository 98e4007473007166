# --passphrase protects the identity key with Argon2id; headless nodes read
# it from NATTER_PASSPHRASE_FILE; a missing or wrong one refuses (77).
. ./lib.sh
fp1=$(fp alice)
printf 'open sesame\n' >"$T/good"
printf 'nope\n' >"$T/bad"
: >"$T/empty"
NATTER_NEW_PASSPHRASE_FILE="$T/good" expect_rc 0 setsid -w "$NATTER" --home "$T/alice" --passphrase
[ "$(stat -c %s "$T/alice/identity")" -eq 176 ] || fail "key file not encrypted"
[ "$(stat -c %a "$T/alice/identity")" = 600 ] || fail "key file mode"
setsid -w "$NATTER" --home "$T/alice" --id </dev/null 2>"$T/locked"
rc=$?
[ $rc -eq 77 ] || fail "no passphrase: exit $rc"
has "$T/locked" "protected by a passphrase" || fail "$(cat "$T/locked")"
NATTER_PASSPHRASE_FILE="$T/bad" expect_rc 77 setsid -w "$NATTER" --home "$T/alice" --id
[ "$(NATTER_PASSPHRASE_FILE="$T/good" setsid -w "$NATTER" --home "$T/alice" --id | head -n 1)" = "$fp1" ] ||
	fail "the key changed"
# A headless node with the passphrase file works as before.
NATTER_PASSPHRASE_FILE="$T/good" start alice
expect_rc 0 n bob --nick bob --send alice "to a protected home"
wait_for 5 has "$T/alice.out" "to a protected home" || fail "not received"
stop alice
# Removing the protection needs the current passphrase.
NATTER_NEW_PASSPHRASE_FILE="$T/empty" expect_rc 77 setsid -w "$NATTER" --home "$T/alice" --passphrase
NATTER_PASSPHRASE_FILE="$T/good" NATTER_NEW_PASSPHRASE_FILE="$T/empty" \
	expect_rc 0 setsid -w "$NATTER" --home "$T/alice" --passphrase
[ "$(stat -c %s "$T/alice/identity")" -eq 104 ] || fail "protection not removed"
[ "$(fp alice)" = "$fp1" ] || fail "key changed on removal"
