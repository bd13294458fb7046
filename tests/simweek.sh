#!/bin/bash
# A simulated week of the outreach bot, hour by hour, on a scratch
# database: every hour the bot asks `crm automation due` whom it may
# contact, sends to each, and pipes its events into `crm comm log -`.
# Owners reply, unsubscribe, bounce, and some ask to be forgotten, at
# random (a fixed seed).  The bot keeps its own log of what it sent and
# of every stop; at the end that log is checked against the rules, with
# no help from crm: no contact after a stop, none past max_touches, none
# inside quiet hours, none before its interval.
#
# Usage: tests/simweek.sh CRM [SEED]   Prints the week's figures on
# stdout; exits 1 with the broken rule on stderr when a rule was broken.
set -eu
crm_bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seed=${2:-20261201}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/crm-week.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
export CRM_DB="$scratch/week.db" CRM_CONFIG="$scratch/crm.yaml" CRM_NO_HOOKS=1
unset CRM_OPERATOR
crm() { "$crm_bin" "$@"; }
RANDOM=$seed

# the rules the checks below hold the week to
followup=(1 2)          # days before touch 2, then before each later one
max_touches=3
quiet_start=21 quiet_end=8
cat > crm.yaml <<YAML
pipeline:
  stages: [new, contacted, replied, meeting, negotiating, won, lost]
  terminal: [won, lost]
automation:
  stages: [new, contacted]
  followup_days: [${followup[0]}, ${followup[1]}]
  max_touches: $max_touches
  stop_on_reply: true
  bounce_to_dnc: true
  quiet_hours: "$(printf '%02d:00-%02d:00' $quiet_start $quiet_end)"
  timezone: Europe/Madrid
YAML

# 80 owners; the week crosses the end of summer time in Madrid (25 Oct)
nclients=80
{
	echo 'name,email,phone,channel,stage'
	for i in $(seq $nclients); do
		case $((i % 3)) in 0) ch=email ;; 1) ch=form ;; *) ch=fb ;; esac
		printf 'Owner %d,owner%d@example.com,+34 6%08d,%s,new\n' "$i" "$i" "$i" "$ch"
	done
} > owners.csv
export CRM_NOW=2026-10-22T00:00:00Z
crm -q client import owners.csv

start=$(date -u -d 2026-10-22T00:00:00Z +%s)
: > sent.log      # epoch client touch email
: > stops.log     # epoch client why email
kind_of() { case $1 in email) echo email ;; form) echo form ;; fb) echo fb_message ;; *) echo email ;; esac; }
declare -A done
sends=0 replies=0 unsubscribes=0 bounces=0 forgets=0 seq=0

for hour in $(seq 0 167); do
	t=$((start + hour * 3600))
	now=$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)
	export CRM_NOW=$now
	: > events.jsonl
	# the owners answer first: any client contacted so far may reply,
	# unsubscribe or ask to be forgotten this hour
	if [ -s sent.log ]; then
		while read -r id email; do
			# an owner answers once: a reply, an unsubscribe or a
			# forget; a forgotten one is gone from crm
			[ -z "${done[$id]-}" ] || continue
			r=$((RANDOM % 1000))
			if [ $r -lt 3 ]; then
				seq=$((seq + 1))
				printf '{"client_id":%d,"channel":"email","direction":"in","kind":"email","status":"received","body":"interested","at":"%s","external_id":"in-%d"}\n' "$id" "$now" "$seq" >> events.jsonl
				echo "$t $id reply $email" >> stops.log
				replies=$((replies + 1)) done[$id]=1
			elif [ $r -lt 5 ]; then
				seq=$((seq + 1))
				printf '{"client_id":%d,"channel":"email","direction":"in","kind":"unsubscribe","status":"received","at":"%s","external_id":"in-%d"}\n' "$id" "$now" "$seq" >> events.jsonl
				echo "$t $id unsubscribe $email" >> stops.log
				unsubscribes=$((unsubscribes + 1)) done[$id]=1
			elif [ $r -lt 6 ]; then
				echo "$t $id forget $email" >> stops.log
				echo "$id" >> forget.ids
				forgets=$((forgets + 1)) done[$id]=1
			fi
		done < <(awk '{ print $2, $4 }' sent.log | sort -u -n)
	fi
	if [ -s events.jsonl ]; then
		crm -q comm log - < events.jsonl
		: > events.jsonl
	fi
	if [ -s forget.ids ]; then
		crm -q client forget - < forget.ids
		rm -f forget.ids
	fi
	# then the bot: whom may it contact now?
	crm --format tsv automation due > due.tsv || [ $? -eq 1 ]
	while IFS=$'\t' read -r id name email phone channel touch rest; do
		[ "$id" = id ] && continue
		seq=$((seq + 1))
		status=sent
		if [ $((RANDOM % 100)) -lt 3 ]; then
			status=bounced
			# after the send that bounced
			echo "$((t + 1)) $id bounce $email" >> stops.log
			bounces=$((bounces + 1))
		fi
		printf '{"client_id":%s,"channel":"%s","kind":"%s","status":"%s","body":"touch %s","at":"%s","external_id":"out-%d"}\n' \
			"$id" "$channel" "$(kind_of "$channel")" "$status" "$touch" "$now" "$seq" >> events.jsonl
		echo "$t $id $touch $email" >> sent.log
		sends=$((sends + 1))
	done < due.tsv
	if [ -s events.jsonl ]; then crm -q comm log --strict - < events.jsonl; fi
done

# --- the bot's own log, held to the rules
broken=$(awk -v qs=$quiet_start -v qe=$quiet_end -v max=$max_touches \
	-v f1=$((followup[0] * 86400)) -v f2=$((followup[1] * 86400)) '
	FNR == NR { if (!($2 in stop) || $1 < stop[$2]) stop[$2] = $1; next }
	{
		t = $1; id = $2; n = ++touches[id]
		if (id in stop && t >= stop[id])
			printf "client %s: touch at %d after its stop at %d\n", id, t, stop[id]
		if (n > max)
			printf "client %s: touch %d, past max_touches %d\n", id, n, max
		if ($3 != n)
			printf "client %s: crm called touch %s the %dth\n", id, $3, n
		if (n > 1) {
			gap = n == 2 ? f1 : f2
			if (t - last[id] < gap)
				printf "client %s: touch %d only %d s after the last\n", id, n, t - last[id]
		}
		last[id] = t
	}' stops.log sent.log)
# quiet hours, in Madrid time, DST and all
while read -r t id touch email; do
	h=$(TZ=Europe/Madrid date -d "@$t" +%H)
	h=${h#0}
	if [ "$h" -ge $quiet_start ] || [ "$h" -lt $quiet_end ]; then
		broken="$broken
client $id: touch at $(TZ=Europe/Madrid date -d "@$t" '+%F %H:%M %Z'), inside quiet hours"
	fi
done < sent.log
violations=$(crm --format ids notify --type violation | wc -l) || violations=0

printf 'owners\t%d\ncontacts\t%d\nreplies\t%d\nunsubscribes\t%d\nbounces\t%d\nforgets\t%d\nviolations\t%d\n' \
	$nclients $sends $replies $unsubscribes $bounces $forgets "$violations"
broken=$(printf '%s\n' "$broken" | sed '/^$/d')
if [ -n "$broken" ] || [ "$violations" -ne 0 ]; then
	printf '%s\n' "$broken" >&2
	exit 1
fi
