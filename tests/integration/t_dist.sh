# make dist writes natter-VERSION.tar.gz: every file git tracks (every source
# file when not in a git checkout) under natter-VERSION/, no build outputs.
# The unpacked tree needs no git: it builds natter, its Makefile has every
# rule make check runs, and its own make dist packs the same files.
. ./lib.sh
src=$(cd ../.. && pwd)
v=$(cat "$src/VERSION")
tgz=$T/natter-$v.tar.gz
make -s -C "$src" dist DISTDIR="$T" >"$T/make.log" 2>&1 || fail "make dist: $(tail -5 "$T/make.log")"
[ -f "$tgz" ] || fail "no $tgz"
tar -tzf "$tgz" | grep -v '/$' | LC_ALL=C sort >"$T/list"
bad=$(grep -v "^natter-$v/" "$T/list" | head -n 3)
[ -z "$bad" ] || fail "outside natter-$v/: $bad"
sed "s|^natter-$v/||" "$T/list" >"$T/files"
for f in VERSION Makefile README.md src/main.c man/natter.1 contrib/natter.service \
	contrib/completion/natter.bash contrib/completion/_natter tests/integration/t_dist.sh; do
	grep -qx "$f" "$T/files" || fail "$f is not in the tarball"
done
bad=$(grep -E '^build/|^natter$|\.o$|\.tar\.gz$' "$T/files" | head -n 3)
[ -z "$bad" ] || fail "build outputs in the tarball: $bad"
if [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ]; then
	git -C "$src" ls-files | while IFS= read -r f; do
		[ ! -f "$src/$f" ] || printf '%s\n' "$f"
	done | LC_ALL=C sort >"$T/tracked"
	diff "$T/tracked" "$T/files" >"$T/diff" || fail "tarball vs git ls-files: $(head -n 5 "$T/diff")"
fi
mkdir "$T/u"
tar -xzf "$tgz" -C "$T/u"
tree=$T/u/natter-$v
[ ! -e "$tree/.git" ] || fail ".git in the tarball"
# Build it with a git that fails, as on a machine without git.
mkdir "$T/nogit"
printf '#!/bin/sh\necho "git: not here" >&2\nexit 127\n' >"$T/nogit/git"
chmod +x "$T/nogit/git"
PATH=$T/nogit:$PATH
timeout 90 make -s -C "$tree" natter >"$T/build.log" 2>&1 || fail "the unpacked tree does not build: $(tail -5 "$T/build.log")"
[ "$("$tree/natter" --version)" = "natter $v" ] || fail "unpacked natter --version: $("$tree/natter" --version)"
# (fuzz-regress runs sub-makes even under -n, so it is left out here.)
make -n -C "$tree" layers unit integration lab-check >/dev/null 2>"$T/n.err" ||
	fail "make -n of the check steps: $(tail -3 "$T/n.err")"
rm -f "$tree/natter"
mkdir "$T/again"
make -s -C "$tree" dist DISTDIR="$T/again" >"$T/make2.log" 2>&1 || fail "make dist without git: $(tail -5 "$T/make2.log")"
tar -tzf "$T/again/natter-$v.tar.gz" | grep -v '/$' | LC_ALL=C sort >"$T/list2"
diff "$T/list" "$T/list2" >"$T/diff" || fail "the tarball's own make dist differs: $(head -n 5 "$T/diff")"
