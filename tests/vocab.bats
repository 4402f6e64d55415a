#!/usr/bin/env bats
# The controlled vocabularies (share/parcours/vocabularies.csv): one
# validator for a word and for a |-list, used by every tool.

load helper

@test "a word of a vocabulary is accepted in any case and given as listed" {
	run checkfield word meeting_kind Pediatric
	assert_success
	assert_output "ok pediatric"
}

@test "a word outside the vocabulary is refused with the words it could be" {
	run checkfield word meeting_kind staff
	assert_failure 1
	assert_output 'bad: "staff" is not a word of meeting_kind (standard, recourse, rare or pediatric)'
}

@test "a list takes distinct words separated by |, blanks around them dropped" {
	run checkfield words specialties 'surgery | radiotherapy|pathology'
	assert_success
	assert_output "ok surgery|radiotherapy|pathology"
}

@test "a list refuses a repeated word and an empty one" {
	run checkfield words specialties 'surgery|Surgery'
	assert_failure 1
	assert_output "bad: surgery appears twice"
	run checkfield words proposal 'surgery||chemotherapy'
	assert_failure 1
	assert_output "bad: an empty word in the list"
}

@test "a single-word column does not take a list" {
	run checkfield word mode 'discussed|registered'
	assert_failure 1
	assert_output 'bad: "discussed|registered" is not a word of mode (discussed or registered)'
}

@test "every vocabulary of DESIGN.md is there, each word with both labels and a source" {
	for v in meeting_kind mode motive specialties proposal patient_decision \
	    consent_by event_kind ald30_status followup_status; do
		grep -q "^$v," "$share/vocabularies.csv"
	done
	# four columns filled on every row (read with our own reader)
	run awk -F, 'NR > 1 && ($1 == "" || $2 == "" || $3 == "" || $4 == "")' \
	    "$share/vocabularies.csv"
	assert_output ""
}

@test "the vocabulary file is found through PARCOURS_SHARE, with its error when missing" {
	PARCOURS_SHARE=/nonexistent run checkfield word mode discussed
	assert_failure 4
	assert_output "checkfield: /nonexistent/vocabularies.csv: No such file or directory"
}
