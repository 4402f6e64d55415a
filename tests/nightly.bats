#!/usr/bin/env bats
# share/parcours/nightly.sh, the report of README.md that cron mails: its
# exact text, its exit status, and no name or NIR in it.
bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	pathway-new -o pathways.csv ins=255081416802538 family_name=Martin \
	    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \
	    diagnosis_date=2020-01-10
	pathway-new -a pathways.csv ins=112057505612376 family_name=Dupont \
	    given_names=Paul birth_date=2012-05-01 sex=M icd10=C71.6 \
	    diagnosis_date=2021-03-02
	a=$(sed -n '2s/,.*//p' pathways.csv)
	b=$(sed -n '3s/,.*//p' pathways.csv)
	printf 'pathway_id,date,kind,until,detail\n' > events.csv
	export PARCOURS_NIGHTLY_OPTS="-n 2026-11-23"
}

@test "nightly.sh: the summary by status and the overdue pathways by id; exit 1" {
	printf '%s,2020-06-01,treatment-end,,\n' "$a" >> events.csv
	printf '%s,2021-05-01,ald-request,,\n%s,2021-06-01,ald-granted,2026-06-01,\n' "$a" "$a" >> events.csv
	printf '%s,2022-01-15,treatment-end,,\n%s,2025-12-01,visit,,\n' "$b" "$b" >> events.csv
	run --separate-stderr sh "$share/nightly.sh" pathways.csv events.csv
	assert_failure 1
	assert_output "Follow-up visits due and overdue:
  due               1
  overdue           1
Echocardiograms due and overdue:
  none

Overdue visits, the most overdue first (pathway, rule, due on, days late):
  $a breast 2020-10-01 2244

ALD 30 problems:
  expired           1
  no-request        1"
	refute_output --partial Martin
	refute_output --partial 2550814
	[ "$(stat -c %a due.tsv)" = 600 ]
	[ "$(stat -c %a ald30.tsv)" = 600 ]
}

@test "nightly.sh: nothing to report, exit 0; a bad table, the tool's status" {
	printf '%s,2026-01-01,death,,\n%s,2026-02-01,closed,,\n' "$a" "$b" >> events.csv
	run --separate-stderr sh "$share/nightly.sh" pathways.csv events.csv
	assert_success
	assert_output "Follow-up visits due and overdue:
  none
Echocardiograms due and overdue:
  none

Overdue visits, the most overdue first (pathway, rule, due on, days late):

ALD 30 problems:
  none"
	echo 'pathway_id,date' > bad.csv
	run --separate-stderr sh "$share/nightly.sh" pathways.csv bad.csv
	assert_failure 3
	run sh "$share/nightly.sh" pathways.csv
	assert_failure 2
	assert_output "usage: nightly.sh pathways events"
}
