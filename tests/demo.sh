#!/bin/sh
# The end-to-end scenario behind `make demo`, on a scratch database: an
# operator's morning with the pipeline.  Usage: tests/demo.sh [CRM_BINARY]
set -eu
crm_bin=$(cd "$(dirname "${1:-./crm}")" && pwd)/$(basename "${1:-./crm}")
top=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/crm-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export CRM_DB="$scratch/demo.db" CRM_CONFIG="$top/crm.yaml.example"
export CRM_ACTOR=maria NO_COLOR=1
unset CRM_OPERATOR
crm() { "$crm_bin" "$@"; }
step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "crm demo: a scratch database in $scratch"
step crm init
step crm config check

echo
echo "# Owners found by the scraper become clients (one per owner)."
export CRM_NOW=2026-11-02T09:00:00Z
step crm client add --name 'Ana García' --email ana.garcia@example.com \
	--phone '+34 600 11 22 33' --channel email --source-type owner \
	--listing-ref ID-4411 --viability 80 --tag sea-view --set rooms=3
step crm client add --name 'Bruno Costa' --phone '+34 611 22 33 44' \
	--channel fb --source-type owner --viability 55
step crm client add --name 'Carla Ruiz' --email carla@example.com \
	--channel form --source-type agent --viability 30
step crm client add --name 'Diego Martín' --email diego@example.com \
	--channel email --source-type owner --viability 70 --tag garden
echo
echo "# The same owner again, with other capitals, is refused:"
printf '$ crm client add --name "Ana G." --email ANA.GARCIA@example.com\n'
crm client add --name 'Ana G.' --email ANA.GARCIA@example.com || echo "(exit $?)"

echo
echo "# Monday: first contacts go out."
export CRM_NOW=2026-11-02T10:30:00Z
step crm client stage 1 2 4 contacted --reason 'first message sent'
echo
echo "# Wednesday: Ana replied and wants to meet; Carla's agency said no."
export CRM_NOW=2026-11-04T16:00:00Z
step crm client stage ana.garcia@example.com meeting
step crm client stage 3 lost --reason 'agency, not the owner'
step crm client edit 1 --next-action 2026-11-06T11:00:00Z --note 'visit Friday 11:00'

echo
echo "# The board, for people and for programs:"
export CRM_NOW=2026-11-25T09:00:00Z
step crm --format table client list
step crm client list --stage contacted --format jsonl
step crm client list --stage contacted --stale 14 --format ids
echo
echo "# Bulk: everyone stale since the first contact moves on, in one transaction."
printf '$ crm client list --stage contacted --stale 14 --format ids | crm client stage - lost --reason "no answer in 3 weeks"\n'
crm client list --stage contacted --stale 14 --format ids | crm client stage - lost --reason 'no answer in 3 weeks'
step crm --format table client show 1
step crm --format table client history 1
echo
echo "crm demo: done"
