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
	[ "$(complete_bash --home "$T/bob" --send = a)" = alice ] || fail "--send=a"
	[ "$(complete_bash --home "$T/bob" --send =)" = alice ] || fail "--send="
	[ -z "$(complete_bash --home "$T/nobody" --send '')" ] || fail "a home nobody knows"
	[ ! -e "$T/nobody" ] || fail "completion created a home"
fi

# zsh: the option list is written out; it must be --help's.
grep -oE -- '--[a-z][a-z-]*=?(\[|\})' "$comp/_natter" | tr -d '=[}' | sort -u >"$T/zsh.opts"
diff "$T/help.opts" "$T/zsh.opts" >"$T/diff" || fail "zsh options differ from --help: $(cat "$T/diff")"
if ! command -v zsh >/dev/null 2>&1; then
	echo "zsh: not installed; its peer completion is not run"
	exit 0
fi
zsh -n "$comp/_natter" || fail "_natter: syntax"
# A real interactive zsh on a pseudo-terminal, compinit with contrib/completion
# first in fpath, and compadd wrapped to record what it offers.
cat >"$T/cap.zsh" <<'ZSH'
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { local -a m; builtin compadd -O m "$@"; print -r -- "<<${(j:|:)m}>>" >>"'"$2"'"; builtin compadd "$@"; }'
zpty -w -n z "$3"$'\t'
for i in {1..50}; do grep -q '<<[^>]' "$2" 2>/dev/null && break; sleep 0.1; done
zpty -d z
grep -o '<<[^>][^>]*>>' "$2" | tr -d '<>' | sort -u
ZSH
# zsh_complete LINE: what zsh offers for LINE.
zsh_complete() {
	rm -f "$T/zsh.out"
	timeout 20 zsh -f "$T/cap.zsh" "$comp" "$T/zsh.out" "$*"
}
[ "$(zsh_complete "$NATTER" --his)" = --history ] || fail "zsh --his: '$(zsh_complete "$NATTER" --his)'"
for mode in --send --history --verify --trust; do
	[ "$(zsh_complete "$NATTER" --home "$T/bob" "$mode" '')" = alice ] ||
		fail "zsh $mode: '$(zsh_complete "$NATTER" --home "$T/bob" "$mode" '')'"
done
[ "$(zsh_complete "$NATTER" "--home=$T/bob" --send=a)" = alice ] || fail "zsh --home=DIR --send=a"
