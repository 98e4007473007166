# natter --version prints "natter " and the content of the VERSION file, the
# one place the version is written; -V is the same.
. ./lib.sh
want="natter $(cat ../../VERSION)"
[ "$("$NATTER" --version)" = "$want" ] || fail "--version: '$("$NATTER" --version)', want '$want'"
[ "$("$NATTER" -V)" = "$want" ] || fail "-V: '$("$NATTER" -V)'"
grep -q "^\.TH NATTER 1 .* \"$want\"" ../../man/natter.1 || fail "natter(1) names another version"
# Nothing else writes the version, and a changed VERSION rebuilds main.o alone.
src=$(cd ../.. && pwd)
! grep -q '#define NATTER_VERSION' "$src/src/main.c" || fail "src/main.c defines the version"
make -s -C "$src" -n -B build/san/src/main.o VERSION=9.8.7 | grep -q -- "-DNATTER_VERSION='\"9.8.7\"'" ||
	fail "main.o is not built with -DNATTER_VERSION from VERSION"
if make -s -C "$src" -q build/san/src/main.o build/san/net/nbuf.o 2>/dev/null; then
	make -s -C "$src" -n -W VERSION build/san/src/main.o | grep -q 'src/main\.c' ||
		fail "main.o does not depend on VERSION"
	[ -z "$(make -s -C "$src" -n -W VERSION build/san/net/nbuf.o)" ] || fail "nbuf.o depends on VERSION"
fi
