# natter --version prints "natter " and the content of the VERSION file, the
# one place the version is written; -V is the same.
. ./lib.sh
want="natter $(cat ../../VERSION)"
[ "$("$NATTER" --version)" = "$want" ] || fail "--version: '$("$NATTER" --version)', want '$want'"
[ "$("$NATTER" -V)" = "$want" ] || fail "-V: '$("$NATTER" -V)'"
grep -q "^\.TH NATTER 1 .* \"$want\"" ../../man/natter.1 || fail "natter(1) names another version"
