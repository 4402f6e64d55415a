#!/usr/bin/env bats
# --pseudonymize: direct identifiers replaced by HMAC-SHA-256 pseudonyms,
# checked against an independent computation (Python's hmac over the
# BLAKE2b-256 of the key file, as parcours(7) describes); stable across
# tools and runs; the other columns kept.
bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	cp "$share/demo.key" ps.key
	chmod 600 ps.key
}

# python3 -c: HMAC-SHA-256 under BLAKE2b-256(demo.key) of "col\0value".
#   ins 255081416802538  ps-11bddcd97f3324c8074bfcef99dc44a5
#   family_name Martin   ps-2c21a522076dba01a0c08d1c08dfd65c
#   given_names Jeanne   ps-7aa40975e0b596fc2b5c4d89e011f562
#   local_id IPP-001     ps-76458aec9fed2b0a80792f31bbd3e54c
PS="ps-11bddcd97f3324c8074bfcef99dc44a5,ps-76458aec9fed2b0a80792f31bbd3e54c,ps-2c21a522076dba01a0c08d1c08dfd65c,ps-7aa40975e0b596fc2b5c4d89e011f562"

jeanne() {
	pathway-new "$@" ins=255081416802538 family_name=Martin \
	    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \
	    diagnosis_date=2026-10-12 local_id=IPP-001
}

@test "--pseudonymize: ins, local_id and the names become keyed pseudonyms; the rest is kept" {
	jeanne > plain.csv
	run --separate-stderr jeanne --pseudonymize ps.key
	assert_success
	id=$(sed -n '2s/,.*//p' plain.csv)
	assert_line --index 1 "$id,$PS,1955-08-02,F,C50.9,,,2026-10-12,,,,,,,,,2026-11-23T00:00:00Z"
	refute_output --partial Martin
	refute_output --partial 255081416802538
}

@test "--pseudonymize: the same pseudonyms from ald30-check and followup-due, and run after run" {
	jeanne -o plain.csv
	jeanne --pseudonymize ps.key -o ps.csv
	run --separate-stderr ald30-check --pseudonymize ps.key -n 2026-11-23 plain.csv
	assert_failure 1
	assert_line --index 1 --partial ",$PS,1955-08-02,F,C50.9,"
	# a pseudonymised table stays as it is
	run --separate-stderr followup-due --pseudonymize ps.key -n 2026-11-23 ps.csv
	assert_success
	assert_line --index 1 --partial ",$PS,1955-08-02,F,C50.9,"
	# -P with the table written with the same key: a repeat, not a correction
	run --separate-stderr jeanne -v --pseudonymize ps.key -P ps.csv -a ps.csv
	assert_success
	assert_equal "$stderr" "pathway-new: 1 read, 0 written, 1 skipped, 0 rejected"
}

@test "--pseudonymize: another key, other pseudonyms; a missing or short key is a usage error" {
	head -c 32 /dev/zero | tr '\0' k > other.key
	chmod 600 other.key
	run --separate-stderr jeanne --pseudonymize other.key
	assert_success
	[ "$(cut -d, -f2 <<< "${lines[1]}")" != ps-11bddcd97f3324c8074bfcef99dc44a5 ]
	[[ "$(cut -d, -f2 <<< "${lines[1]}")" =~ ^ps-[0-9a-f]{32}$ ]]
	run --separate-stderr jeanne --pseudonymize nokey
	assert_failure 2
	assert_equal "$stderr" "pathway-new: --pseudonymize nokey: No such file or directory"
	printf short > short.key; chmod 600 short.key
	run --separate-stderr ald30-check --pseudonymize short.key /dev/null
	assert_failure 2
	assert_equal "$stderr" "ald30-check: --pseudonymize short.key: a key holds 32 to 4096 bytes of secret, this file has 5"
}
