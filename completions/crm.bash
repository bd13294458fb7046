# bash completion for crm.  The candidates come from crm itself (the hidden
# `crm __complete` command reads the command tables and the live config), so
# commands, options and stage names never drift from the binary.
_crm() {
	local cur words cword
	if declare -F _comp_get_words >/dev/null; then
		_comp_get_words -n =: cur words cword
	elif declare -F _get_comp_words_by_ref >/dev/null; then
		_get_comp_words_by_ref -n =: cur words cword
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local prefix=""
	if ((cword >= 2)) && [[ ${words[cword-1]} == "=" ]]; then
		# COMP_WORDS split --stage=me into "--stage" "=" "me"
		words=("${words[@]:0:cword-1}" "${words[@]:cword}")
		cword=$((cword - 1))
	elif [[ $cur == --*=* ]]; then
		# --stage=me<TAB>: complete the value of --stage
		prefix=${cur%%=*}=
		words[cword]=${cur#*=}
		words=("${words[@]:0:cword}" "${prefix%=}" "${cur#*=}")
		cword=$((cword + 1))
		cur=${cur#*=}
	fi

	local IFS=$'\n' out
	out=$("${words[0]}" __complete "${words[@]:1:cword}" 2>/dev/null) || return
	if [[ $out == "@file" ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	if [[ $cur == *,* && -n $out ]]; then
		# --stage contacted,re<TAB>: a filter's values are a comma list
		local head=${cur%,*},
		COMPREPLY=($(compgen -W "$out" -- "${cur##*,}"))
		COMPREPLY=("${COMPREPLY[@]/#/$head}")
	else
		COMPREPLY=($(compgen -W "$out" -- "$cur"))
	fi
	if [[ -n $prefix && $COMP_WORDBREAKS != *=* ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$prefix}")
	fi
}
complete -F _crm crm
