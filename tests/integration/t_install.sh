# make install honours PREFIX and DESTDIR and installs the binary and the
# man pages; make uninstall removes them; install-deps names the packages.
. ./lib.sh
src=$(cd ../.. && pwd)
make -s -C "$src" install PREFIX=/usr DESTDIR="$T/inst" >"$T/make.log" 2>&1 || fail "make install: $(tail -5 "$T/make.log")"
[ -x "$T/inst/usr/bin/natter" ] || fail "no binary"
[ -f "$T/inst/usr/share/man/man1/natter.1" ] || fail "no man page"
[ -f "$T/inst/usr/share/man/man5/natter.conf.5" ] || fail "no natter.conf(5)"
"$T/inst/usr/bin/natter" --version | grep -q '^natter ' || fail "installed binary does not run"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww "$T/inst/usr/share/man/man1/natter.1" 2>"$T/groff.err" >/dev/null
	[ ! -s "$T/groff.err" ] || fail "man page warnings: $(cat "$T/groff.err")"
	groff -man -Tutf8 -ww "$T/inst/usr/share/man/man5/natter.conf.5" 2>"$T/groff.err" >/dev/null
	[ ! -s "$T/groff.err" ] || fail "natter.conf(5) warnings: $(cat "$T/groff.err")"
fi
make -s -C "$src" uninstall PREFIX=/usr DESTDIR="$T/inst" >/dev/null 2>&1 || fail "make uninstall"
[ -z "$(find "$T/inst" -type f)" ] || fail "left behind: $(find "$T/inst" -type f)"
if command -v apt-get >/dev/null 2>&1; then
	"$src/contrib/install-deps" --print | grep -q 'apt-get install .*libsodium-dev' || fail "install-deps --print"
fi
