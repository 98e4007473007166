# The bash and zsh completions: every long option of `natter --help`, and
# after --send, --history, --verify and --trust the nicks the home given with
# --home knows (through --peers --cached: no probe, bounded by timeout 2).
. ./lib.sh
comp=$(cd ../../contrib/completion && pwd)
start alice
expect_rc 0 n bob --nick bob --timeout 5 --send alice hello
stop alice
"$NATTER" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u >"$T/help.opts"
grep -qx -- --cached "$T/help.opts" || fail "--help lacks --cached"

if ! command -v bash >/dev/null 2>&1; then
	echo "bash: not installed; its completion is not run"
else
	# complete WORD...: COMPREPLY for the last WORD, one per line.
	complete_bash() {
		timeout 20 bash -c '. "$1/natter.bash"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_natter; printf "%s\n" "${COMPREPLY[@]}"' sh "$comp" "$NATTER" "$@"
	}
	complete_bash -- | grep . | sort >"$T/bash.opts"
	diff "$T/help.opts" "$T/bash.opts" >"$T/diff" || fail "bash options differ from --help: $(cat "$T/diff")"
	[ "$(complete_bash --his)" = --history ] || fail "--his: $(complete_bash --his)"
	for mode in --send --history --verify --trust; do
		[ "$(complete_bash --home "$T/bob" "$mode" '')" = alice ] ||
			fail "$mode: '$(complete_bash --home "$T/bob" "$mode" '')'"
	done
	[ "$(complete_bash --home "$T/bob" --send al)" = alice ] || fail "prefix al"
	[ -z "$(complete_bash --home "$T/bob" --send bo)" ] || fail "prefix bo completes"
	# bash splits --home=DIR at the = (COMP_WORDBREAKS).
	[ "$(complete_bash --home = "$T/bob" --history '')" = alice ] || fail "--home=DIR"
	[ -z "$(complete_bash --home "$T/nobody" --send '')" ] || fail "a home nobody knows"
	[ ! -e "$T/nobody" ] || fail "completion created a home"
fi

# zsh: the option list is written out; it must be --help's.
grep -oE -- '--[a-z][a-z-]*(\[|\})' "$comp/_natter" | tr -d '[}' | sort -u >"$T/zsh.opts"
diff "$T/help.opts" "$T/zsh.opts" >"$T/diff" || fail "zsh options differ from --help: $(cat "$T/diff")"
if ! command -v zsh >/dev/null 2>&1; then
	echo "zsh: not installed; its peer completion is not run"
	exit 0
fi
zsh -n "$comp/_natter" || fail "_natter: syntax"
# _describe stubbed to print what it would offer.
got=$(timeout 20 zsh -f -c '
	_arguments() { :; }
	_describe() { print -rl -- ${(P)${@[-1]}}; }
	source "$1/_natter"
	words=("$2" --home "$3" --send "")
	CURRENT=5
	_natter_peers' zsh "$comp" "$NATTER" "$T/bob")
[ "$got" = alice ] || fail "zsh peers: '$got'"
