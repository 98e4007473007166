# make install honours PREFIX and DESTDIR and installs the binary, the man
# pages (natter.conf.5 too when there is one), the systemd user unit with the
# binary's path filled in, and the bash and zsh completions; make uninstall
# removes every one of them; install-deps names the packages.
. ./lib.sh
src=$(cd ../.. && pwd)
make -s -C "$src" install PREFIX=/usr DESTDIR="$T/inst" >"$T/make.log" 2>&1 || fail "make install: $(tail -5 "$T/make.log")"
[ -x "$T/inst/usr/bin/natter" ] || fail "no binary"
[ -f "$T/inst/usr/share/man/man1/natter.1" ] || fail "no man page"
for page in "$src"/man/*.5; do
	[ -e "$page" ] || continue
	[ -f "$T/inst/usr/share/man/man5/${page##*/}" ] || fail "no ${page##*/}"
done
unit=$T/inst/usr/lib/systemd/user/natter.service
[ -f "$unit" ] || fail "no user unit"
grep -qx 'ExecStart=/usr/bin/natter --listen' "$unit" || fail "ExecStart: $(grep ExecStart= "$unit")"
! grep -q "^ExecStart=/usr/local/bin" "$unit" || fail "ExecStart not moved to BINDIR for PREFIX=/usr"
for key in Restart=on-failure NoNewPrivileges=yes ProtectSystem=strict ProtectHome=read-only \
	ReadWritePaths=%h/.local/share/natter PrivateTmp=yes \
	'RestrictAddressFamilies=AF_UNIX AF_INET AF_NETLINK' LockPersonality=yes \
	MemoryDenyWriteExecute=yes RestrictRealtime=yes SystemCallArchitectures=native \
	WantedBy=default.target; do
	grep -qx "$key" "$unit" || fail "unit lacks $key"
done
[ -f "$T/inst/usr/share/bash-completion/completions/natter" ] || fail "no bash completion"
[ -f "$T/inst/usr/share/zsh/site-functions/_natter" ] || fail "no zsh completion"
[ "$(find "$T/inst" -type f | wc -l)" -eq "$((4 + $(ls "$src"/man/*.[15] | wc -l)))" ] ||
	fail "unexpected files: $(find "$T/inst" -type f)"
"$T/inst/usr/bin/natter" --version | grep -q '^natter ' || fail "installed binary does not run"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww "$T/inst/usr/share/man/man1/natter.1" 2>"$T/groff.err" >/dev/null
	[ ! -s "$T/groff.err" ] || fail "man page warnings: $(cat "$T/groff.err")"
	groff -man -Tutf8 -ww "$T/inst/usr/share/man/man5/natter.conf.5" 2>"$T/groff.err" >/dev/null
	[ ! -s "$T/groff.err" ] || fail "natter.conf(5) warnings: $(cat "$T/groff.err")"
fi
make -s -C "$src" uninstall PREFIX=/usr DESTDIR="$T/inst" >/dev/null 2>&1 || fail "make uninstall"
[ -z "$(find "$T/inst" -type f)" ] || fail "left behind: $(find "$T/inst" -type f)"
# The unit as systemd reads it, installed where its ExecStart exists.
if command -v systemd-analyze >/dev/null 2>&1; then
	make -s -C "$src" install PREFIX="$T/prefix" >"$T/make.log" 2>&1 || fail "make install PREFIX"
	unit=$T/prefix/lib/systemd/user/natter.service
	grep -qx "ExecStart=$T/prefix/bin/natter --listen" "$unit" || fail "ExecStart: $(grep ExecStart= "$unit")"
	# As a user manager reads it; --user wants a runtime directory.
	mkdir -m 0700 "$T/run"
	XDG_RUNTIME_DIR=$T/run systemd-analyze --user verify --man=no "$unit" >"$T/verify.out" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$T/verify.out")"
	[ ! -s "$T/verify.out" ] || fail "systemd-analyze verify warns: $(cat "$T/verify.out")"
else
	echo "systemd-analyze: not installed; the unit is not verified"
fi
if command -v apt-get >/dev/null 2>&1; then
	"$src/contrib/install-deps" --print | grep -q 'apt-get install .*libsodium-dev' || fail "install-deps --print"
fi
