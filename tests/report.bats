#!/usr/bin/env bats
# crm report: one self-contained HTML page with the figures of crm stats.
bats_require_minimum_version 1.5.0
load helper
load fixtures/history

setup_file() {
	history_setup_file
}

setup() {
	history_copy
}

# the text of an XPath expression over the page (an XML document too)
xp() {
	xmllint --xpath "$1" report.html 2>/dev/null
}

# a figure of crm stats as the page's data-value has it: null is ""
js() {
	jq -r "$1 // \"\"" stats.json
}

@test "report: a well-formed page, with no script and no address elsewhere" {
	crm_ok report --since 2026-11-01 -o report.html
	assert_output ''
	# well-formed as XML, and the HTML parser finds nothing wrong but
	# the HTML5 elements it does not know
	run xmllint --noout report.html
	assert_success
	assert_output ''
	run bash -c "xmllint --html --noout report.html 2>&1 | grep 'error' |
		grep -v 'Tag \(header\|section\|svg\|rect\|text\|line\|title\) invalid'"
	assert_output ''
	run grep -Eic '(https?|ftp|file):|<script|<link|<img|<iframe|@import|url\(|src=' report.html
	assert_output 0
	# for a phone and for A4
	grep -q '<meta name="viewport" content="width=device-width, initial-scale=1"/>' report.html
	grep -q '@media print{@page{size:A4' report.html
	[ "$(stat -c %a report.html)" = 600 ]
	# no temporary file left beside it
	assert_equal "$(ls -A | grep -c report)" 1
}

@test "report: the figures are those of crm stats --format json" {
	crm_ok report --since 2026-11-01 -o report.html
	crm stats --since 2026-11-01 --format json > stats.json
	assert_equal "$(xp "string(//div[@id='t-clients']/b)")" "$(js .clients)"
	assert_equal "$(xp "string(//div[@id='t-contacts']/b)")" "$(js .contacts)"
	assert_equal "$(xp "string(//div[@id='t-replies']/b)")" "$(js .replies)"
	assert_equal "$(xp "string(//div[@id='t-won']/b)")" "$(js .won)"
	assert_equal "$(xp "string(//div[@id='t-rate']/b)")" "50.0%"
	assert_equal "$(xp "string(//div[@id='t-reply-hours']/b)")" "18.0 h"
	assert_equal "$(xp "string(//div[@id='t-touches-per-won']/b)")" "2.0"
	n=0
	for stage in $(jq -r '.stages[].stage' stats.json); do
		row="//table[@id='stages']/tbody/tr[td[1]='$stage']"
		assert_equal "$(xp "string($row/td[2])")" "$(js ".stages[] | select(.stage == \"$stage\") | .clients")"
		assert_equal "$(xp "string($row/td[3])")" "$(js ".stages[] | select(.stage == \"$stage\") | .reached")"
		assert_equal "$(xp "string($row/td[4]/@data-value)")" "$(js ".stages[] | select(.stage == \"$stage\") | .conversion")"
		assert_equal "$(xp "string($row/td[5]/@data-value)")" "$(js ".stages[] | select(.stage == \"$stage\") | .median_days")"
		n=$((n + 1))
	done
	assert_equal "$n" 7
	n=0
	for ch in $(jq -r '.channels[].channel' stats.json); do
		n=$((n + 1))
		row="//table[@id='channels']/tbody/tr[td[1]='$ch']"
		for k in 2:contacts 3:replies 4:contacted 5:replied; do
			assert_equal "$(xp "string($row/td[${k%%:*}])")" "$(js ".channels[] | select(.channel == \"$ch\") | .${k#*:}")"
		done
		assert_equal "$(xp "string($row/td[6]/@data-value)")" "$(js ".channels[] | select(.channel == \"$ch\") | .reply_rate")"
		assert_equal "$(xp "string($row/td[7]/@data-value)")" "$(js ".channels[] | select(.channel == \"$ch\") | .median_reply_hours")"
	done
	assert_equal "$n" 6
	# the funnel's bars: one for each stage of it (the lost one is not)
	assert_equal "$(xp "count(//svg[@aria-label='funnel: clients that reached each stage']/*[local-name()='rect'])")" 6
}

@test "report: the weeks are those of crm stats --by week over the last N weeks" {
	crm_ok report --weeks 4 -o report.html
	# now is Friday 11-20: four weeks from Monday 10-26
	crm stats --since 2026-10-26 --until 2026-11-20 --by week --format json > stats.json
	assert_equal "$(jq length stats.json)" 4
	assert_equal "$(xp "count(//table[@id='weeks']/tbody/tr)")" 4
	for i in 0 1 2 3; do
		w=$(jq -r ".[$i].week" stats.json)
		row="//table[@id='weeks']/tbody/tr[td[1]='$w']"
		assert_equal "$(xp "string($row/td[2])")" "$(jq ".[$i].contacts" stats.json)"
		assert_equal "$(xp "string($row/td[3])")" "$(jq ".[$i].replies" stats.json)"
		assert_equal "$(xp "string($row/td[4])")" "$(jq ".[$i].new_clients" stats.json)"
	done
	assert_equal "$(xp "string(//table[@id='weeks']/tbody/tr[td[1]='2026-11-02']/td[2])")" 4
}

@test "report: the last 7 days by default; due, overdue and notifications listed" {
	at 2026-11-15T10:00:00Z client edit 3 --next-action 2026-11-18T09:00:00Z
	crm_ok report -o report.html
	run xp "string(//p[@class='meta'])"
	assert_output --partial 'From 2026-11-13 00:00 to now (UTC). Made 2026-11-20 00:00.'
	assert_equal "$(xp "string(//div[@id='t-contacts']/b)")" 0
	# due: C (form, touched once 11-03) and D (fb, replied: off) ...
	crm automation due --format tsv > due.tsv
	assert_equal "$(xp "count(//h2[@id='due']/following-sibling::div[1]/table/tbody/tr)")" "$(($(wc -l < due.tsv) - 1))"
	assert_equal "$(xp "string(//h2[@id='overdue']/following-sibling::div[1]/table/tbody/tr[1]/td[2])")" C
	# C's follow-up is overdue: looking for the clients due wrote it, as
	# crm automation due does
	assert_equal "$(xp "count(//h2[@id='notifications']/following-sibling::div[1]/table/tbody/tr)")" 1
	assert_equal "$(xp "string(//h2[@id='notifications']/following-sibling::div[1]/table/tbody/tr/td[5])")" \
		'client 3: touch 2 due since 2026-11-06T11:00:00Z, more than 24 h ago'
	crm_ok -q notify --mark-read --all
	crm_ok report -o report.html
	assert_equal "$(xp "string(//h2[@id='notifications']/following-sibling::div[1]/p)")" None.
}

@test "report: text from the data is escaped" {
	at 2026-11-19T10:00:00Z client stage 4 meeting --reason '<script>alert("x")</script> & co'
	crm_ok report -o report.html
	run xmllint --noout report.html
	assert_success
	grep -q 'entered meeting (from replied): &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co' report.html
	run grep -c '<script' report.html
	assert_output 0
}

@test "report: to a pipe without -o; a terminal needs -o" {
	run --separate-stderr bash -c 'crm report | head -1'
	assert_success
	assert_output '<!DOCTYPE html>'
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	run bash -c "script -qec 'crm report; echo rc=\$?' /dev/null < /dev/null | tr -d '\r'"
	assert_line --index 0 "crm: report: an HTML page is not for a terminal: -o FILE.html, or a pipe"
	assert_line 'rc=64'
}

@test "report: errors" {
	crm_fails 64 report --weeks 0 -o r.html
	stderr_line 0 "crm: report: --weeks 0: from 1 to 520"
	crm_fails 64 report -o
	stderr_line 0 "crm: report: option '-o' needs a value"
	crm_fails 64 report -o "$CRM_DB"
	stderr_has "is the database"
	crm_fails 65 report --since tody -o r.html
	stderr_has "crm: report: --since 'tody': not a time"
	crm_fails 73 report -o /nonexistent/dir/r.html
	stderr_has "report '/nonexistent/dir/r.html'"
	[ ! -e r.html ]
	rm -f "$CRM_DB"
	crm_fails 66 report -o r.html
	stderr_line 0 "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
	[ ! -e r.html ]
}

@test "report -o replaces a page whole" {
	echo old > report.html
	chmod 644 report.html
	crm_ok report -o report.html
	[ "$(head -1 report.html)" = '<!DOCTYPE html>' ]
	[ "$(stat -c %a report.html)" = 644 ]
}

@test "report: the zone and every name from outside are escaped; -oFILE" {
	unset CRM_CONFIG
	TZ='<+03>-3' run --separate-stderr crm report -oreport.html
	assert_success
	assert_equal "$stderr" ''
	run xmllint --noout report.html
	assert_success
	grep -q '(&lt;+03&gt;-3). Made 2026-11-20 03:00.' report.html
	printf 'pipeline:\n  stages: [new, contacted, "a<b&c", replied, meeting, negotiating, won, lost]\n  terminal: [won, lost]\n' > crm.yaml
	crm_ok report -o report.html
	run xmllint --noout report.html
	assert_success
	grep -q '<td>a&lt;b&amp;c</td>' report.html
}

@test "report: --until closes the period: its notifications too" {
	at 2026-11-19T10:00:00Z client stage 4 meeting --reason late
	crm_ok report --since 2026-11-01 --until 2026-11-15 -o report.html
	assert_equal "$(xp "string(//div[@id='t-contacts']/b)")" 5
	# those written from 11-01 to 11-15: not D's meeting of the 19th, nor
	# the overdue follow-up written now
	run xp "//h2[@id='notifications']/following-sibling::div[1]/table/tbody/tr/td[2]/text()"
	assert_output $'reply\nviolation\nmeeting\nreply'
	crm_ok report --since 2026-11-01 -o report.html
	run xp "//h2[@id='notifications']/following-sibling::div[1]/table/tbody/tr/td[2]/text()"
	assert_output $'reply\nviolation\nmeeting\nreply\nmeeting\noverdue'
}
