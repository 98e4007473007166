# --id prints the fingerprint then the nick; --json gives both; the key file
# is private and stable across runs.
. ./lib.sh
out=$(n alice --nick alice --id) || fail "--id failed"
fp1=$(echo "$out" | head -n 1)
echo "$fp1" | grep -qE '^[0-9a-f]{64}$' || fail "fingerprint format: $fp1"
[ "$(echo "$out" | sed -n 2p)" = alice ] || fail "nick line: $out"
[ "$(n alice --id | head -n 1)" = "$fp1" ] || fail "fingerprint changed"
n alice --id --json | grep -qx "{\"nick\":\"alice\",\"fp\":\"$fp1\"}" || fail "--id --json"
[ "$(stat -c %a "$T/alice")" = 700 ] || fail "home mode $(stat -c %a "$T/alice")"
[ "$(stat -c %a "$T/alice/identity")" = 600 ] || fail "key mode"
expect_rc 64 n alice --nick "$(printf 'bad\033nick')" --id
chmod 644 "$T/alice/identity"
expect_rc 74 n alice --id 2>"$T/perm"
has "$T/perm" "natter: " || fail "no error line"
