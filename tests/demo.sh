#!/bin/sh
# The end-to-end scenario behind `make demo`, on a scratch database: the
# scraper's leads come in, the bot's contact events are piped in, owners
# reply, and an operator works the pipeline.  Usage: tests/demo.sh [CRM]
set -eu
crm_bin=$(cd "$(dirname "${1:-./crm}")" && pwd)/$(basename "${1:-./crm}")
top=$(cd "$(dirname "$0")/.." && pwd)
# the report and the workbook stay where the demo was run, to be opened
out=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/crm-demo.XXXXXX")
receiver=
trap 'if [ -n "$receiver" ]; then kill "$receiver"; fi; rm -rf "$scratch"' EXIT
cd "$scratch"
export CRM_DB="$scratch/demo.db" CRM_CONFIG="$top/crm.yaml.example"
export CRM_ACTOR=maria NO_COLOR=1
unset CRM_OPERATOR
crm() { "$crm_bin" "$@"; }
# show a command as it would be typed, then run it
step() {
	printf '\n$'
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./:=@+-]*|'') printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	printf '\n'
	"$@"
}
say() { printf '\n# %s\n' "$*"; }
# a step that is meant to fail: show it, and its exit status
try() {
	set +e
	step "$@"
	printf '(exit status %d)\n' $?
	set -e
}

echo "crm demo: a scratch database in $scratch"
step crm init
step crm config check

say "Monday 09:00. The scraper's overnight leads arrive as CSV; crm scores those without a viability."
export CRM_NOW=2026-11-02T09:00:00Z
cat > leads.csv <<'CSV'
id,contact_name,contact_email,contact_phone,source_type,source_url,listing_ref,listing_hash,price,location,bedrooms
idl-4411,Ana García,ana.garcia@example.com,+34 600 11 22 33,owner,https://listings.example/4411,ID-4411,h4411,320000,Sitges,3
idl-4412,Bruno Costa,,+34 611 22 33 44,owner,https://listings.example/4412,ID-4412,h4412,180000,Vilanova,2
idl-4413,Carla Ruiz,carla@agency.example,,agent,https://listings.example/4413,ID-4413,h4413,950000,Barcelona,5
idl-4414,Diego Martín,diego@example.com,,owner,https://listings.example/4414,ID-4414,h4414,410000,Castelldefels,4
idl-4415,Ana García,ANA.GARCIA@example.com,,owner,https://listings.example/4415,ID-4415,h4415,275000,Sitges,2
CSV
step crm lead import leads.csv
step crm --format table lead list
say "Imported again an hour later, nothing changes:"
step crm lead import leads.csv

say "The bot contacts owners and pipes its events in; first contact turns a lead into a client."
export CRM_NOW=2026-11-02T10:30:00Z
cat > bot.jsonl <<'JSONL'
{"lead_id":"idl-4411","channel":"email","kind":"email_sent","subject":"Your flat in Sitges","body":"Hello Ana, we have buyers for Sitges...","at":"2026-11-02T10:00:00+01:00","external_id":"bot-0001"}
{"lead_id":"idl-4412","channel":"fb","kind":"fb_message_sent","body":"Hi Bruno, is the flat still for sale?","at":"2026-11-02T10:05:00+01:00","external_id":"bot-0002"}
{"lead_id":"idl-4414","channel":"form","kind":"form_submitted","body":"Contact form sent","at":"2026-11-02T10:10:00+01:00","external_id":"bot-0003"}
{"listing_hash":"h4415","channel":"email","kind":"email_sent","subject":"Your second listing","at":"2026-11-02T10:15:00+01:00","external_id":"bot-0004"}
JSONL
printf '$ crm comm log - < bot.jsonl\n'
crm comm log - < bot.jsonl
say "Ana's second listing joined her client (owner-centric); the agency lead was not contacted:"
step crm --format table client list
say "The bot retries its whole batch; nothing is doubled:"
printf '$ crm comm log - < bot.jsonl\n'
crm comm log - < bot.jsonl

say "Wednesday. Ana replies: that moves her to 'replied' and stops the bot for her. A broken line goes to a reject file."
export CRM_NOW=2026-11-04T16:00:00Z
cat > replies.jsonl <<'JSONL'
{"email":"ana.garcia@example.com","channel":"email","direction":"in","subject":"Re: Your flat in Sitges","body":"Yes, call me after 5.","at":"2026-11-04T15:40:00Z","external_id":"in-0001"}
{"email":"nobody@example.com","channel":"email","direction":"in","external_id":"in-0002"}
JSONL
printf '$ crm comm log - --reject-file rejects.tsv < replies.jsonl\n'
crm comm log - --reject-file rejects.tsv < replies.jsonl
step cat rejects.tsv
step crm client stage ana.garcia@example.com meeting --reason 'visit Friday 11:00'
step crm client edit 1 --next-action 2026-11-06T11:00:00Z --tag sea-view

say "Clients from another CRM's export, mapped by header; known owners are updated, not doubled."
cat > hubspot.csv <<'CSV'
First Name,Last Name,Email,Phone Number,Lifecycle Stage
Elena,Soler,elena.soler@example.com,+34 622 00 11 22,lead
Diego,Martín,DIEGO@example.com,,opportunity
CSV
step crm client import hubspot.csv --map 'First Name=first_name' --map 'Last Name=last_name' \
	--map Email=email --map 'Phone Number=phone' --map 'Lifecycle Stage=custom.lifecycle_stage'

say "A typo in a mapping is refused, with what was meant; --dry-run tells what an import would do."
try crm client import hubspot.csv --map Mail=emial
step crm client import hubspot.csv --dry-run --map 'First Name=first_name' --map 'Last Name=last_name' \
	--map Email=email --map 'Phone Number=phone'

say "Thursday. Bruno calls from his number, written as people write it: crm finds him (phone.default_region ES)."
export CRM_NOW=2026-11-05T12:00:00Z
step crm --format table client list --q '611 22 33 44'
step crm client show '0034 611 223 344'
say "Search ignores case and accents; show takes a name that one client has."
step crm --format table client list --q martin
step crm client show 'diego'
say "Mistakes are told with what would work:"
try crm client stage 2 meting
try crm client add --name Test --email 'a@b..com'
try crm client list --due 'next week'
step crm client edit 2 --next-action tomorrow --note 'call back about the price'
say "What is due this week, soonest first:"
step crm --format table client list --due 7d

say "The bot's loop. Whom may it contact now? (crm.yaml: stages new and contacted, 3 days before touch 2, no one on do-not-contact)"
step crm --format table automation due
say "Ana replied, so not her; automation why says rule by rule:"
try crm automation why ana.garcia@example.com
say "Elena asked by phone never to be contacted: on do-not-contact, as a hash."
step crm dnc add elena.soler@example.com --reason 'asked by phone'
say "The bot takes the ids, sends, and pipes what it sent back in:"
printf '$ crm automation due --format tsv | bot-send | crm comm log -\n'
crm automation due --format tsv | awk -F '\t' -v at="$CRM_NOW" 'NR > 1 {
	kind = $5 == "fb" ? "fb_message_sent" : $5 == "form" ? "form_submitted" : "email_sent"
	printf "{\"client_id\":%s,\"channel\":\"%s\",\"kind\":\"%s\",\"subject\":\"Still for sale?\",\"at\":\"%s\",\"external_id\":\"bot-t%s-%s\"}\n", $1, $5, kind, at, $6, $1
}' | crm comm log -
try crm automation due
say "A second touch an hour later breaks the 7-day wait: stored, since it happened, with a violation to see; --strict refuses it instead."
export CRM_NOW=2026-11-05T13:00:00Z
try crm comm log diego@example.com --channel email --subject 'Any news?' --strict
step crm comm log diego@example.com --channel email --subject 'Any news?'
step crm automation why diego@example.com

say "Monday 23rd. The board, for people and for programs:"
export CRM_NOW=2026-11-23T09:00:00Z
step crm --format table client list
step crm --format table comm list --since 30d
step crm client list --stage contacted --stale 14 --format ids
say "Bulk: everyone contacted with no answer in two weeks is lost, in one transaction."
printf '$ crm client list --stage contacted --stale 14 --format ids | crm client stage - lost --reason "no answer"\n'
crm client list --stage contacted --stale 14 --format ids | crm client stage - lost --reason 'no answer'
say "Too early: what undo would take back, then undone, as one change set of its own."
step crm --format table undo --dry-run
step crm undo
step crm --format table undo --list --limit 3
step crm --format table client show 1
step crm --format table client history 1
step crm client list --format csv

say "What needs a person: the touches that broke a rule (Ana's second listing was mailed 10 minutes after her first), her reply and her meeting, and Bruno's third touch, overdue since the 12th; the ids mark them read."
step crm --format table notify
printf '$ crm notify --format ids | crm notify --mark-read -\n'
crm notify --format ids | crm notify --mark-read -
try crm notify -q
say "The AI responder drafts for everyone, and answers Ana on its own."
step crm ai auto 1

say "Friday the 27th, 17:00. The month in figures: the funnel from the stage history, replies per channel, the weeks."
export CRM_NOW=2026-11-27T17:00:00Z
step crm --format table stats --since 2026-11-01
step crm stats --by channel --since 2026-11-01 --format csv
step crm --format table pipeline --top 2
say "The weekly report for the mail: one HTML page, its charts drawn in it; and the agency's workbook: clients, communications, leads and the pipeline with its charts."
step crm report --since 2026-11-01 -o "$out/demo-report.html"
step crm export xlsx --what all -o "$out/demo.xlsx"
step crm export csv --stage meeting,contacted --columns id,name,stage,email

say "17:05. From now on cron runs crm sync: it pulls the scraper's database and the bot's own store of contacts, and pushes every change to the agency's other system, signed. A receiver on this machine stands in for that system; crm.yaml names them all."
"$top/tests/fixtures/sources.sh" "$scratch/sources" 40
mkdir r
python3 "$top/tests/receiver.py" "$scratch/r" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw &
receiver=$!
while [ ! -s r/port ]; do sleep 0.05; done
export CRM_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
sed '/^sync:/,$d' "$top/crm.yaml.example" > crm.yaml
cat >> crm.yaml <<YAML
sources:
  operators: {sqlite: sources/providers.db, table: operators}
  leads: {sqlite: sources/providers.db, table: leads,
          map: {url: source_url, name: contact_name, email: contact_email}}
  contacts: {sqlite: sources/bot.db, table: contacted}
sync:
  webhook: {url: "http://127.0.0.1:$(cat r/port)/crm", secret_env: CRM_WEBHOOK_SECRET}
  inbound:
    fields: {firstname: first_name, lastname: last_name, email: email, hs_lead_status: stage}
    stages: {NEW: new, IN_PROGRESS: contacted, CONNECTED: replied}
YAML
export CRM_CONFIG="$scratch/crm.yaml" CRM_NOW=2026-11-27T17:05:00Z
step sed -n '/^sources:/,$p' crm.yaml
step crm sync
step crm --format table sync status
say "Each request carries webhook-id (the same on every attempt), webhook-timestamp and webhook-signature (HMAC-SHA256); the receiver checked each one:"
step jq -c '{id: .headers["webhook-id"], signature_valid: .valid, body: (.body | fromjson | {type, data})}' r/log
say "Diego says yes to a visit. The receiver answers 500 this time: the event waits for its next attempt, and the run still exits 0."
printf '500\n' > r/script
step crm client stage diego@example.com meeting --reason 'visit Tuesday'
step crm sync push
step crm --format table sync status
export CRM_NOW=2026-11-27T17:10:00Z
step crm sync
say "The agency's HubSpot tells of two contacts: Ana, whom crm knows (linked, not doubled), and Fernando, new, whom its team has started on. Applied once (the second time, nothing), and not sent back."
cat > hubspot.json <<'JSON'
[{"eventId": 9001, "subscriptionType": "contact.creation", "objectId": 501, "occurredAt": 1795799160000,
  "properties": {"firstname": "Ana", "lastname": "García", "email": "ana.garcia@example.com"}},
 {"eventId": 9002, "subscriptionType": "contact.creation", "objectId": 502, "occurredAt": 1795799220000,
  "properties": {"firstname": "Fernando", "lastname": "Ortiz", "email": "fernando.ortiz@example.com"}},
 {"eventId": 9003, "subscriptionType": "contact.propertyChange", "objectId": 502, "occurredAt": 1795799280000,
  "propertyName": "hs_lead_status", "propertyValue": "IN_PROGRESS"}]
JSON
step crm sync apply hubspot.json
step crm sync apply hubspot.json
step crm --format table client list --q fernando
step crm --format table sync status

say "The database checked, copied while in use, and measured."
step crm db check
step crm db backup backup.db
step crm --db backup.db db check
step crm --format table db stats
echo
echo "crm demo: done; open $out/demo-report.html and $out/demo.xlsx"
