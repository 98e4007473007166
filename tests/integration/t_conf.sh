# SPDX-License-Identifier: MIT
# natter.conf and the NATTER_* environment on the real binary: the file's
# nick is used; the environment beats the file and the command line beats
# both; an alias names a peer for --send; a bad line warns once with file:line
# and the run goes on; XDG_CONFIG_HOME is honoured without --home. Every node
# that uses the network gets lo / 127.0.0.1 / port 0 / the test's random group,
# from its command line or from the test's own config file.
. ./lib.sh
unset NATTER_HOME XDG_CONFIG_HOME
# A group and port no test node listens on.
OTHER_GROUP="239.255.$(($(rnd) % 250 + 1)).$(($(rnd) % 250 + 1)):$((20000 + $(rnd) % 40000))"
[ "$OTHER_GROUP" != "$GROUP" ] || OTHER_GROUP="239.255.251.251:19999"

nick_of() { sed -n 2p "$1"; }
# ne "VAR=value ..." NAME ARGS...: n() with environment variables (values
# without spaces), as an assignment before a shell function is not portable.
ne() {
	envs=$1
	name=$2
	shift 2
	# shellcheck disable=SC2086
	env $envs "$NATTER" --home "$T/$name" --iface lo --bind 127.0.0.1 --port 0 --group "$GROUP" "$@"
}

# (a) The nick comes from HOME/natter.conf when --home is given.
mkdir -p "$T/a"
printf 'nick = confnick\n' >"$T/a/natter.conf"
n a --id >"$T/a.id" 2>"$T/a.err" || fail "--id with a config failed"
[ "$(nick_of "$T/a.id")" = confnick ] || fail "(a) nick is not the config's: $(nick_of "$T/a.id")"
[ ! -s "$T/a.err" ] || fail "(a) a good config warned: $(cat "$T/a.err")"

# (b) The environment beats the file; (c) the command line beats both.
mkdir -p "$T/b" "$T/c"
printf 'nick = filenick\n' >"$T/b/natter.conf"
cp "$T/b/natter.conf" "$T/c/natter.conf"
ne NATTER_NICK=envnick b --id >"$T/b.id" || fail "--id with NATTER_NICK failed"
[ "$(nick_of "$T/b.id")" = envnick ] || fail "(b) NATTER_NICK lost to the file"
ne NATTER_NICK=envnick c --nick clinick --id >"$T/c.id" || fail "--id with --nick failed"
[ "$(nick_of "$T/c.id")" = clinick ] || fail "(c) --nick lost to NATTER_NICK"

# (b) on the network: alice's file names a group nobody uses, NATTER_GROUP the
# test's; bob finds her only if the environment won.
mkdir -p "$T/alice"
alicefp=$(n alice --id 2>/dev/null | head -n 1)
printf 'group = %s\nnick = alice\n' "$OTHER_GROUP" >"$T/alice/natter.conf"
NATTER_GROUP="$GROUP" "$NATTER" --home "$T/alice" --iface lo --bind 127.0.0.1 --port 0 \
	--listen >"$T/alice.out" 2>"$T/alice.err" &
PIDS="$PIDS $!"
PID_alice=$!
# (c) on the network: bob's file and environment name the other group and an
# interface that does not exist; his command line (through n) wins.
mkdir -p "$T/bob"
cat >"$T/bob/natter.conf" <<EOF
nick = bob
group = $OTHER_GROUP
# (d) aliases: by nick and by fingerprint prefix
alias al = alice
alias byfp = $(echo "$alicefp" | cut -c1-12)
EOF
expect_rc 0 ne "NATTER_GROUP=$OTHER_GROUP NATTER_IFACE=nosuchif0" bob --timeout 10 \
	--send al "hello by alias"
wait_for 5 has "$T/alice.out" "hello by alias" || fail "(d) alice did not get the message"
expect_rc 0 n bob --timeout 10 --send byfp "hello by prefix alias"
wait_for 5 has "$T/alice.out" "hello by prefix alias" || fail "(d) the fp alias did not reach alice"
n bob --history al >"$T/bob.hist" || fail "(d) --history with an alias failed"
has "$T/bob.hist" "hello by alias" || fail "(d) --history al lacks the message"
n bob --verify byfp >/dev/null || fail "(d) --verify with an alias failed"
stop alice

# (e) An unknown key and a bad value: one warning each, with file and line,
# and the run goes on with the rest of the file.
mkdir -p "$T/e"
cat >"$T/e/natter.conf" <<EOF
# settings

colour = never
timeout = soon
nick = enick
EOF
n e --id >"$T/e.id" 2>"$T/e.err" || fail "(e) a bad config line stopped the run"
[ "$(nick_of "$T/e.id")" = enick ] || fail "(e) the good line after the bad ones was lost"
want="natter: $T/e/natter.conf:3: unknown key \"colour\" (did you mean \"color\"?)"
[ "$(grep -cF -- "$want" "$T/e.err")" -eq 1 ] || fail "(e) not one '$want': $(cat "$T/e.err")"
[ "$(grep -c "natter.conf:4: bad timeout \"soon\"" "$T/e.err")" -eq 1 ] ||
	fail "(e) not one warning for the bad timeout: $(cat "$T/e.err")"
[ "$(wc -l <"$T/e.err")" -eq 2 ] || fail "(e) more than two lines of warnings"
# A bad environment value is a usage error, like a bad option.
expect_rc 64 ne NATTER_PORT=abc e --id 2>"$T/e2.err" >/dev/null
has "$T/e2.err" 'natter: bad NATTER_PORT "abc": expected 0..65535' || fail "(e) NATTER_PORT"
# --config names the file; --no-config reads none; a missing --config is 64.
printf 'nick = named\n' >"$T/named.conf"
n e --config "$T/named.conf" --id >"$T/e3.id" 2>"$T/e3.err" || fail "--config failed"
[ "$(nick_of "$T/e3.id")" = named ] || fail "--config FILE was not read"
[ ! -s "$T/e3.err" ] || fail "--config read HOME/natter.conf too"
ne "NATTER_CONFIG=$T/named.conf" e --no-config --nick plain --id >/dev/null 2>"$T/e4.err" ||
	fail "--no-config failed"
[ ! -s "$T/e4.err" ] || fail "--no-config still read a file: $(cat "$T/e4.err")"
expect_rc 64 n e --config "$T/missing.conf" --id 2>/dev/null >/dev/null

# (f) Without --home or NATTER_HOME the file is $XDG_CONFIG_HOME/natter/natter.conf,
# and everything the node needs to stay on loopback can come from it.
mkdir -p "$T/h" "$T/xdg/natter"
cat >"$T/xdg/natter/natter.conf" <<EOF
nick = carol
iface = lo
bind = 127.0.0.1
port = 0
group = $GROUP
EOF
xdg() { HOME="$T/h" XDG_CONFIG_HOME="$T/xdg" XDG_DATA_HOME="$T/data" "$NATTER" "$@"; }
xdg --id >"$T/f.id" 2>"$T/f.err" || fail "(f) --id failed"
[ "$(nick_of "$T/f.id")" = carol ] || fail "(f) the XDG config was not read"
[ -f "$T/data/natter/identity" ] || fail "(f) the home is not under XDG_DATA_HOME"
# An explicit home has its own natter.conf and ignores the XDG one.
HOME="$T/h" XDG_CONFIG_HOME="$T/xdg" "$NATTER" --home "$T/f2" --id >"$T/f2.id" ||
	fail "(f) --id with --home failed"
[ "$(nick_of "$T/f2.id")" != carol ] || fail "(f) --home read the XDG config"
HOME="$T/h" XDG_CONFIG_HOME="$T/xdg" NATTER_HOME="$T/f3" "$NATTER" --id >"$T/f3.id" ||
	fail "(f) --id with NATTER_HOME failed"
[ "$(nick_of "$T/f3.id")" != carol ] || fail "(f) NATTER_HOME read the XDG config"
# The node itself, with nothing on its command line but the mode.
HOME="$T/h" XDG_CONFIG_HOME="$T/xdg" XDG_DATA_HOME="$T/data" "$NATTER" --listen \
	>"$T/carol.out" 2>"$T/carol.err" &
PIDS="$PIDS $!"
PID_carol=$!
expect_rc 0 n bob --timeout 10 --send carol "hello carol"
wait_for 5 has "$T/carol.out" "hello carol" || fail "(f) carol did not get the message"
stop carol
# Without XDG_CONFIG_HOME: ~/.config/natter/natter.conf, shown with a tilde.
mkdir -p "$T/h2/.config/natter"
printf 'nick = dave\nbogus = 1\n' >"$T/h2/.config/natter/natter.conf"
HOME="$T/h2" XDG_DATA_HOME="$T/data2" "$NATTER" --id >"$T/g.id" 2>"$T/g.err" ||
	fail "~/.config: --id failed"
[ "$(nick_of "$T/g.id")" = dave ] || fail "~/.config/natter/natter.conf was not read"
has "$T/g.err" 'natter: ~/.config/natter/natter.conf:2: unknown key "bogus"' ||
	fail "the warning does not name ~/.config/natter/natter.conf:2: $(cat "$T/g.err")"
# Still read where it was before: the default home's natter.conf, when there
# is no XDG one.
mkdir -p "$T/data3/natter"
printf 'nick = olde\n' >"$T/data3/natter/natter.conf"
HOME="$T/h3" XDG_DATA_HOME="$T/data3" "$NATTER" --id >"$T/o.id" || fail "old place: --id failed"
[ "$(nick_of "$T/o.id")" = olde ] || fail "the default home's natter.conf was not read"
echo "t_conf: reached the end"; exit 0
