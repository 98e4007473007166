# SPDX-License-Identifier: MIT
# bash completion for natter(1). The long options come from `natter --help`
# itself, so they cannot drift from the binary. Peer names after --send,
# --history, --verify and --trust come from `natter --peers --cached --json`:
# no discovery probe goes out, no passphrase is asked, and `timeout 2` bounds
# it. Installed as share/bash-completion/completions/natter.

# _natter_nicks NATTER [--home DIR]: the nicks and aliases the home knows.
_natter_nicks()
{
	local prog=$1
	shift
	command -v timeout >/dev/null 2>&1 || return 0
	NATTER_PASSPHRASE_FILE=/dev/null timeout 2 "$prog" "$@" --peers --cached --json \
		</dev/null 2>/dev/null |
		sed -n -e h -e 's/^{"nick":"\(\([^"\\]\|\\.\)*\)".*/\1/p' -e g \
			-e 's/.*"alias":"\(\([^"\\]\|\\.\)*\)".*/\1/p' |
		sed -e 's/\\"/"/g' -e 's/\\\\/\\/g'
}

_natter()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' prog=${COMP_WORDS[0]} i w
	local -a home=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --send=PEER: COMP_WORDBREAKS made "--send" "=" "PEER" of it.
	[[ $prev == = ]] && ((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 2]}
	[[ $cur == = ]] && cur=''
	# The same home as the command being completed (--home DIR or --home=DIR).
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == --home && ${COMP_WORDS[i + 1]} == = ]] && ((i + 2 < COMP_CWORD)); then
			home=(--home "${COMP_WORDS[i + 2]}") # COMP_WORDBREAKS split --home=DIR
		elif [[ $w == --home ]] && ((i + 1 < COMP_CWORD)); then
			home=(--home "${COMP_WORDS[i + 1]}")
		elif [[ $w == --home=* ]]; then
			home=(--home "${w#--home=}")
		fi
	done
	[[ ${home[1]} == \~/* ]] && home[1]=$HOME/${home[1]#\~/}
	# A program name as typed (~/bin/natter) is expanded the way bash runs it.
	[[ $prog == \~/* ]] && prog=$HOME/${prog#\~/}
	command -v "$prog" >/dev/null 2>&1 || prog=natter

	COMPREPLY=()
	case $prev in
	--send | --history | --verify | --trust)
		local nick
		while IFS= read -r nick; do
			[[ -n $nick && $nick == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$nick")")
		done < <(_natter_nicks "$prog" "${home[@]}")
		return 0
		;;
	--home)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0
		;;
	--iface)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
		return 0
		;;
	--nick | --group | --bind | --port | --peer | --timeout | -n)
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		local opts
		opts=$("$prog" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	fi
	return 0
}

complete -F _natter natter
