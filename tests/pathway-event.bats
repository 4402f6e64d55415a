#!/usr/bin/env bats
# pathway-event: events from operands and from exports through maps, the
# pathway found by id or by INS (and ICD-10), the checks, the skipping of
# events already recorded, the reject stream, exit statuses.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	hdr=pathway_id,date,kind,until,detail,source,recorded_at
	now=2026-11-23T00:00:00Z
	# a well-formed id that no pathway table holds
	free=abcd-0123456789abcdef0123
	kinds='announcement, pps-delivered, treatment-start, treatment-end, supportive-care, visit, ald-request, protocol-signed, ald-granted, ald-refused, relapse, death, transfer or closed'
}

# The pathway table p.csv: Jeanne, born 1955-08-02, with a breast cancer
# and then a colon cancer; Jean, born 1978-05-01, with a prostate cancer.
# Their ids in $breast, $colon and $prostate.
pathways() {
	local jeanne=(ins=255081416802538 family_name=Martin
	    given_names=Jeanne birth_date=1955-08-02 sex=F)
	pathway-new -a p.csv "${jeanne[@]}" icd10=C50.9 \
	    diagnosis_date=2026-10-12
	pathway-new -a p.csv "${jeanne[@]}" icd10=C18.7 \
	    diagnosis_date=2026-11-02
	pathway-new -a p.csv ins=178059933010817 family_name=Dupont \
	    given_names=Jean birth_date=1978-05-01 sex=M icd10=C61 \
	    diagnosis_date=2026-09-01
	breast=$(sed -n 2p p.csv | cut -d, -f1)
	colon=$(sed -n 3p p.csv | cut -d, -f1)
	prostate=$(sed -n 4p p.csv | cut -d, -f1)
	[[ $breast =~ ^[0-9a-f]{4}-[0-9a-f]{20}$ ]]
	[ "$(wc -l < p.csv)" -eq 4 ]
}

# --- options and usage ---------------------------------------------------

@test "--version names the tool and the suite" {
	run pathway-event --version
	assert_success
	assert_output "pathway-event (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run --separate-stderr pathway-event --help
	assert_success
	[ "$stderr" = "" ]
	assert_line --index 0 "pathway-event - record dated events of pathways (parcours)"
	assert_line --index 1 "Examples:"
	assert_line "Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error."
	run pathway-event -h
	assert_success
	assert_line --index 0 "pathway-event - record dated events of pathways (parcours)"
}

@test "an unknown option is a usage error with status 2" {
	run --separate-stderr pathway-event -z
	assert_failure 2
	assert_output ""
	[ "${stderr_lines[0]}" = "pathway-event: invalid option -- 'z'" ]
	[ "${stderr_lines[1]}" = "usage: pathway-event [-tv] [-m map] [-P pathways] [-r rejects] [-o file | -a file]" ]
	[ "${stderr_lines[3]}" = "       pathway-event [-tv] [-P pathways] [-r rejects] [-o file | -a file]" ]
}

@test "-a and -o together are a usage error and create nothing" {
	run --separate-stderr pathway-event -a x.csv -o y.csv \
	    pathway_id=$free date=2026-11-02 kind=visit
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-event: -a and -o: one output only" ]
	[ ! -e x.csv ] && [ ! -e y.csv ]
}

@test "a bad -e or -d is a usage error" {
	run --separate-stderr pathway-event -e ebcdic /dev/null
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-event: -e ebcdic: an encoding is utf-8, cp1252, latin1 or latin9" ]
	run --separate-stderr pathway-event -d : /dev/null
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-event: -d :: a delimiter is , ; tab or pipe" ]
}

@test "an unknown field, a derived one, or a field given twice is a usage error" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=visit colour=blue
	assert_failure 2
	assert_output ""
	[ "$stderr" = "pathway-event: colour=blue: not field=value with an event field (pathway-event -h)" ]
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=visit recorded_at=2026-11-02T10:00:00Z
	assert_failure 2
	[ "$stderr" = "pathway-event: recorded_at is derived by pathway-event, not given" ]
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=visit kind=death
	assert_failure 2
	[ "$stderr" = "pathway-event: kind given twice" ]
}

@test "-m with field=value operands is a usage error" {
	run --separate-stderr pathway-event -m visits pathway_id=$free \
	    date=2026-11-02 kind=visit
	assert_failure 2
	assert_output ""
	[ "${stderr_lines[0]}" = "pathway-event: -m reads exports, not field=value operands" ]
	[[ "${stderr_lines[1]}" == "usage: pathway-event "* ]]
}

# --- one event from operands, and its pathway --------------------------------

@test "without -P a well-formed pathway_id is taken as given; recorded_at is the run's" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=treatment-end detail='last cycle' source='Dr Roux'
	assert_success
	[ "$stderr" = "" ]
	[ "$output" = "$hdr
$free,2026-11-02,treatment-end,,last cycle,Dr Roux,$now" ]
}

@test "a pathway_id that is not one is rejected, with status 3 and the counts" {
	run --separate-stderr pathway-event pathway_id=4E0A-xyz date=2026-11-02 \
	    kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = 'pathway-event: pathway_id: "4E0A-xyz" is not a pathway id (4 hex digits, -, then 20 lower-case hex digits)' ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "with -P a pathway_id must be in the pathway table" {
	pathways
	run --separate-stderr pathway-event -P p.csv pathway_id=$free \
	    date=2026-11-02 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: pathway_id: no such pathway in the pathway table" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr pathway-event -P p.csv pathway_id=$prostate \
	    date=2026-11-02 kind=visit
	assert_success
	[ "$stderr" = "" ]
	[ "$output" = "$hdr
$prostate,2026-11-02,visit,,,,$now" ]
}

@test "with -P an INS names the patient's only pathway" {
	pathways
	run --separate-stderr pathway-event -P p.csv ins='1 78 05 99 330 108 17' \
	    date=2026-11-02 kind=visit
	assert_success
	[ "$stderr" = "" ]
	[ "$output" = "$hdr
$prostate,2026-11-02,visit,,,,$now" ]
}

@test "a patient with two pathways: the INS alone is ambiguous, icd10 tells them apart" {
	pathways
	run --separate-stderr pathway-event -P p.csv ins=255081416802538 \
	    date=2026-11-16 kind=announcement
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: ins: 2 pathways for this INS: give icd10 to tell them apart" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	# the category is what counts: C18, C18.7 and C182 all name the colon
	for icd in C18 C18.7 C182; do
		run --separate-stderr pathway-event -P p.csv \
		    ins=255081416802538 icd10=$icd date=2026-11-16 \
		    kind=announcement
		assert_success
		[ "$output" = "$hdr
$colon,2026-11-16,announcement,,,,$now" ]
	done
	run pathway-event -P p.csv ins=255081416802538 icd10=C509 \
	    date=2026-11-16 kind=visit
	assert_success
	assert_line --index 1 "$breast,2026-11-16,visit,,,,$now"
}

@test "an INS and ICD-10 category matching no pathway, and an unknown INS, are rejected" {
	pathways
	run --separate-stderr pathway-event -P p.csv ins=255081416802538 \
	    icd10=C61 date=2026-11-16 kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: ins: no pathway for this INS and ICD-10 category" ]
	run --separate-stderr pathway-event -P p.csv ins=160057511234590 \
	    date=2026-11-16 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: ins: no pathway for this INS" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "without -P an INS cannot name a pathway" {
	run --separate-stderr pathway-event ins=178059933010817 \
	    date=2026-11-02 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: ins: naming a pathway by its INS needs the pathway table (-P)" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "a bad INS is rejected for its key, and is never shown" {
	pathways
	run --separate-stderr pathway-event -P p.csv ins=178059933010899 \
	    date=2026-11-02 kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: ins: bad key 99, expected 17" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	[[ "$stderr" != *1780599330108* ]]
}

@test "an event naming no pathway is rejected" {
	run --separate-stderr pathway-event date=2026-11-02 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: pathway_id: missing (or give ins, and -P)" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "every problem of a row is named, the missing pathway with the missing date" {
	run --separate-stderr pathway-event kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: date: missing" ]
	[ "${stderr_lines[1]}" = "pathway-event: pathway_id: missing (or give ins, and -P)" ]
	[ "${stderr_lines[2]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "two pathways of one INS and one ICD-10 category: the message does not ask for icd10 again" {
	pathways
	pathway-new -a p.csv ins=255081416802538 family_name=Martin \
	    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.4 \
	    diagnosis_date=2020-01-12
	run --separate-stderr pathway-event -P p.csv ins=255081416802538 \
	    icd10=C50 date=2026-11-16 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[[ "${stderr_lines[0]}" == "pathway-event: ins: 2 pathways for this INS and ICD-10 category"* ]]
	[[ "$stderr" != *"give icd10"* ]]
}

# --- the checks -----------------------------------------------------------------

@test "kind is a word of event_kind: any case in, as listed out" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=lunch
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: kind: \"lunch\" is not a word of event_kind ($kinds)" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=' ALD-Granted ' until=2031-11-02
	assert_success
	[ "${lines[1]}" = "$free,2026-11-02,ald-granted,2031-11-02,,,$now" ]
}

@test "a kind a site adds to its vocabularies.csv is accepted" {
	mkdir share
	cp "$share"/*.csv share/
	echo 'event_kind,echocardiography,échocardiographie,echocardiography,site' >> share/vocabularies.csv
	PARCOURS_SHARE=$PWD/share run --separate-stderr pathway-event \
	    pathway_id=$free date=2026-11-02 kind=echocardiography
	assert_success
	[ "${lines[1]}" = "$free,2026-11-02,echocardiography,,,,$now" ]
}

@test "date and kind are required" {
	run --separate-stderr pathway-event pathway_id=$free
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: date: missing" ]
	[ "${stderr_lines[1]}" = "pathway-event: kind: missing" ]
	[ "${stderr_lines[2]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "a date must be a real calendar date in ISO form" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-02-30 \
	    kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: date: no day 30 in February 2026" ]
	run --separate-stderr pathway-event pathway_id=$free date=2026-13-01 \
	    kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: date: month 13 out of range" ]
}

@test "a date in the future is rejected; today is not" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-24 \
	    kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: date: in the future" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-23 \
	    kind=visit
	assert_success
	[ "${lines[1]}" = "$free,2026-11-23,visit,,,,$now" ]
}

@test "with -P a date before the patient's birth is rejected; the day of birth is not" {
	pathways
	run --separate-stderr pathway-event -P p.csv pathway_id=$prostate \
	    date=1978-04-30 kind=visit
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: date: before the patient's birth" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr pathway-event -P p.csv ins=178059933010817 \
	    date=1978-04-30 kind=visit
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: date: before the patient's birth" ]
	run pathway-event -P p.csv pathway_id=$prostate date=1978-05-01 kind=visit
	assert_success
	# without -P the birth date is not known: nothing to check against
	run pathway-event pathway_id=$prostate date=1978-04-30 kind=visit
	assert_success
}

@test "until must not be before the date" {
	run --separate-stderr pathway-event pathway_id=$free date=2026-11-02 \
	    kind=ald-granted until=2026-11-01
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-event: until: before the date" ]
	[ "${stderr_lines[1]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run pathway-event pathway_id=$free date=2026-11-02 kind=ald-granted \
	    until=2026-11-02
	assert_success
	assert_line --index 1 "$free,2026-11-02,ald-granted,2026-11-02,,,$now"
}

@test "an ald-request keeps the requesting physician's RPPS in detail" {
	pathways
	run pathway-event -P p.csv ins=178059933010817 date=2026-09-10 \
	    kind=ald-request detail=10123456781 source='ALD export'
	assert_success
	[ "$output" = "$hdr
$prostate,2026-09-10,ald-request,,10123456781,ALD export,$now" ]
}

@test "all the reasons of a row are given, each on its own line" {
	pathways
	run --separate-stderr pathway-event -P p.csv pathway_id=$free \
	    date=2026-12-01 kind=lunch until=2026-11-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: kind: \"lunch\" is not a word of event_kind ($kinds)" ]
	[ "${stderr_lines[1]}" = "pathway-event: pathway_id: no such pathway in the pathway table" ]
	[ "${stderr_lines[2]}" = "pathway-event: date: in the future" ]
	[ "${stderr_lines[3]}" = "pathway-event: until: before the date" ]
	[ "${stderr_lines[4]}" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

# --- -P -------------------------------------------------------------------------

@test "-P must name a pathway table" {
	printf '%s\n' "$hdr" > e.csv
	run --separate-stderr pathway-event -P e.csv pathway_id=$free \
	    date=2026-11-02 kind=visit
	assert_failure 3
	assert_output ""
	[ "$stderr" = "pathway-event: e.csv:1: header: no ins or icd10 column (is it a pathway table?)" ]
	run --separate-stderr pathway-event -P nosuch.csv pathway_id=$free \
	    date=2026-11-02 kind=visit
	assert_failure 3
	assert_output ""
	[ "$stderr" = "pathway-event: nosuch.csv: No such file or directory" ]
}

@test "-P reads the latest row of each pathway" {
	pathways
	# a correction of Jean's pathway: a referent added
	pathway-new -P p.csv -a p.csv ins=178059933010817 family_name=Dupont \
	    given_names=Jean birth_date=1978-05-01 sex=M icd10=C61 \
	    diagnosis_date=2026-09-01 referent_name=Roux
	[ "$(wc -l < p.csv)" -eq 5 ]
	run --separate-stderr pathway-event -P p.csv ins=178059933010817 \
	    date=2026-11-02 kind=visit
	assert_success
	[ "${lines[1]}" = "$prostate,2026-11-02,visit,,,,$now" ]
}

# --- repeats ----------------------------------------------------------------------

events_fixture() {
	pathways
	{
		echo pathway_id,ins,icd10,date,kind,until,detail,source
		echo "$breast,,,2026-10-20,treatment-start,,,Dr Roux"
		echo ",178059933010817,,2026-11-02,visit,,,Dr Blanc"
		echo ",255081416802538,C18,2026-11-16,announcement,,,"
	} > ev.csv
}

@test "-a appends, and a second run skips the events already there" {
	events_fixture
	run --separate-stderr pathway-event -v -P p.csv -a events.csv ev.csv
	assert_success
	assert_output ""
	[ "$stderr" = "pathway-event: 3 read, 3 written, 0 skipped, 0 rejected" ]
	[ "$(cat events.csv)" = "$hdr
$breast,2026-10-20,treatment-start,,,Dr Roux,$now
$prostate,2026-11-02,visit,,,Dr Blanc,$now
$colon,2026-11-16,announcement,,,,$now" ]
	[ "$(stat -c %a events.csv)" = 600 ]
	cp events.csv first.csv
	# a day later: recorded_at would differ, but it does not count
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 86400)) \
	    run --separate-stderr pathway-event -v -P p.csv -a events.csv ev.csv
	assert_success
	[ "$stderr" = "pathway-event: 3 read, 0 written, 3 skipped, 0 rejected" ]
	cmp events.csv first.csv
	# without -v nothing is printed when nothing is rejected
	run --separate-stderr pathway-event -P p.csv -a events.csv ev.csv
	assert_success
	[ "$stderr" = "" ]
	cmp events.csv first.csv
}

@test "--safe-csv: a second run skips an event whose detail it marked, and writes a changed one" {
	printf 'pathway_id,date,kind,detail\n%s,2026-01-05,visit,-2 kg\n' "$free" > ev.csv
	run --separate-stderr pathway-event --safe-csv -a events.csv ev.csv
	assert_success
	cp events.csv first.csv
	run --separate-stderr pathway-event -v --safe-csv -a events.csv ev.csv
	assert_success
	[ "$stderr" = "pathway-event: 1 read, 0 written, 1 skipped, 0 rejected" ]
	cmp events.csv first.csv
	printf 'pathway_id,date,kind,detail\n%s,2026-01-05,visit,-3 kg\n' "$free" > ev.csv
	run --separate-stderr pathway-event -v --safe-csv -a events.csv ev.csv
	assert_success
	[ "$stderr" = "pathway-event: 1 read, 1 written, 0 skipped, 0 rejected" ]
	[ "$(cat events.csv)" = "$hdr
$free,2026-01-05,visit,,'-2 kg,,$now
$free,2026-01-05,visit,,'-3 kg,,$now" ]
}

@test "-a skips an event named by INS that was recorded by pathway_id" {
	pathways
	pathway-event -a events.csv pathway_id=$prostate date=2026-11-02 \
	    kind=visit source='Dr Blanc'
	run --separate-stderr pathway-event -v -P p.csv -a events.csv \
	    ins=178059933010817 date=2026-11-02 kind=VISIT source=' Dr Blanc '
	assert_success
	[ "$stderr" = "pathway-event: 1 read, 0 written, 1 skipped, 0 rejected" ]
	[ "$(wc -l < events.csv)" -eq 2 ]
}

@test "an event differing in date, kind, until, detail or source is another event" {
	pathways
	pathway-event -a events.csv pathway_id=$prostate date=2026-11-02 \
	    kind=ald-granted until=2031-11-02 detail=x source=y
	printf '%s\n' pathway_id,date,kind,until,detail,source \
	    "$prostate,2026-11-02,ald-granted,2031-11-02,x,y" \
	    "$prostate,2026-11-03,ald-granted,2031-11-03,x,y" \
	    "$prostate,2026-11-02,ald-refused,2031-11-02,x,y" \
	    "$prostate,2026-11-02,ald-granted,2031-11-03,x,y" \
	    "$prostate,2026-11-02,ald-granted,2031-11-02,z,y" \
	    "$prostate,2026-11-02,ald-granted,2031-11-02,x,w" > v.csv
	run --separate-stderr pathway-event -v -a events.csv v.csv
	assert_success
	[ "$stderr" = "pathway-event: 6 read, 5 written, 1 skipped, 0 rejected" ]
	[ "$(wc -l < events.csv)" -eq 7 ]
}

@test "a detail is quoted when it holds the delimiter or a quote, wherever the byte" {
	# Lengths 1 to 17, the byte at each place: the writer checks 8 bytes
	# at a time, then the tail.  The input is quoted as a writer quotes,
	# so the rows come out as they went in.
	local len at d c i rows=()
	for len in $(seq 1 17); do
		rows+=("$free,2026-11-02,visit,,$(printf "%${len}s" | tr ' ' a),s")
		for at in $(seq 0 $((len - 1))); do
			for c in , '"'; do
				d=
				for i in $(seq 0 $((len - 1))); do
					if [ "$i" -eq "$at" ]; then d+=$c; else d+=b; fi
				done
				d=${d//\"/\"\"}
				rows+=("$free,2026-11-02,visit,,\"$d\",s")
			done
		done
	done
	printf '%s\n' pathway_id,date,kind,until,detail,source "${rows[@]}" > q.csv
	run --separate-stderr pathway-event -v q.csv
	assert_success
	[ "$stderr" = "pathway-event: 323 read, 323 written, 0 skipped, 0 rejected" ]
	[ "$output" = "$hdr
$(printf '%s,'"$now"'\n' "${rows[@]}")" ]
}

@test "an event repeated within the input is written once, the repeats counted skipped" {
	pathways
	{
		echo pathway_id,ins,icd10,date,kind,until,detail,source
		echo "$prostate,,,2026-11-02,visit,,,Dr Blanc"
		echo "$prostate,,,2026-11-02,Visit,,, Dr Blanc"
		echo ",178059933010817,C61.9,2026-11-02,visit,,,Dr Blanc"
		echo "$prostate,,,2026-11-02,visit,,,Dr Noir"
	} > dup.csv
	run --separate-stderr pathway-event -v -P p.csv dup.csv
	assert_success
	[ "$stderr" = "pathway-event: 4 read, 2 written, 2 skipped, 0 rejected" ]
	[ "$output" = "$hdr
$prostate,2026-11-02,visit,,,Dr Blanc,$now
$prostate,2026-11-02,visit,,,Dr Noir,$now" ]
}

@test "-a refuses a file whose header is not the event table's" {
	pathways
	cp p.csv before.csv
	run --separate-stderr pathway-event -a p.csv pathway_id=$prostate \
	    date=2026-11-02 kind=visit
	assert_failure 2
	[ "$stderr" = 'pathway-event: p.csv: its header differs from the one this tool writes ("pathway_id,ins,local_id,family_name,given_names,birth"): refusing to append' ]
	cmp p.csv before.csv
}

# --- exports and maps -------------------------------------------------------------

# A consultation export: semicolons, cp1252, CRLF, dd/mm/yyyy, the pathway
# named by NIR and CIM-10, French labels rewritten into event kinds.
map_fixture() {
	pathways
	cat > visits.map <<'EOF'
# consultations of the hospital record system
delimiter ;
encoding cp1252
date-format %d/%m/%Y
column ins     NIR
column icd10   CIM10
column date    DATE
column kind    TYPE
column source  "Médecin"
rewrite kind   ^Début\sde\straitement$     treatment-start
rewrite kind   ^Fin\sde\straitement$       treatment-end
rewrite kind   ^Consultation\sde\ssuivi$   visit
rewrite kind   ^Décès$                     death
EOF
	printf 'NIR;CIM10;DATE;TYPE;M\xe9decin\r\n' > exp.csv
	printf '255081416802538;C509;14/10/2026;D\xe9but de traitement;Dr L\xe9ger\r\n' >> exp.csv
	printf '255081416802538;C18.7;3/11/2026;Consultation de suivi;Dr N\x92Diaye\r\n' >> exp.csv
	printf '178059933010817;C61;02/11/2026;Fin de traitement;\r\n' >> exp.csv
	printf '178059933010817;C61;31/11/2026;Consultation de suivi;\r\n' >> exp.csv
	printf '178059933010817;C61;20/11/2026;Bilan;\r\n' >> exp.csv
	printf '255081416802538;;20/11/2026;Consultation de suivi;\r\n' >> exp.csv
	printf '255081416802538;C50;20/11/2026;D\xe9c\xe8s;\r\n' >> exp.csv
	printf '178059933010817;C61;2026-11-20;Consultation de suivi;\r\n' >> exp.csv
}

@test "a map reads a cp1252 semicolon export: headers, dates, labels rewritten to kinds, INS and ICD-10" {
	map_fixture
	run --separate-stderr pathway-event -m visits.map -P p.csv exp.csv
	assert_failure 3
	[ "$output" = "$hdr
$breast,2026-10-14,treatment-start,,,Dr Léger,$now
$colon,2026-11-03,visit,,,Dr N’Diaye,$now
$prostate,2026-11-02,treatment-end,,,,$now
$breast,2026-11-20,death,,,,$now" ]
	[ "${stderr_lines[0]}" = "pathway-event: exp.csv:5: date: no day 31 in November 2026" ]
	[ "${stderr_lines[1]}" = "pathway-event: exp.csv:6: kind: \"Bilan\" is not a word of event_kind ($kinds)" ]
	[ "${stderr_lines[2]}" = "pathway-event: exp.csv:7: ins: 2 pathways for this INS: give icd10 to tell them apart" ]
	[ "${stderr_lines[3]}" = "pathway-event: exp.csv:9: date: not a date: expected %d/%m/%Y" ]
	[ "${stderr_lines[4]}" = "pathway-event: 8 read, 4 written, 0 skipped, 4 rejected" ]
	[ "${#stderr_lines[@]}" -eq 5 ]
}

@test "-r keeps the rejected rows of an export: its columns as read, line and reason" {
	map_fixture
	run --separate-stderr pathway-event -m visits.map -P p.csv -r rej.csv \
	    -a events.csv exp.csv
	assert_failure 3
	[ "$stderr" = "pathway-event: 8 read, 4 written, 0 skipped, 4 rejected" ]
	[ "$(wc -l < events.csv)" -eq 5 ]
	[ "$(stat -c %a rej.csv)" = 600 ]
	[ "$(cat rej.csv)" = "NIR,CIM10,DATE,TYPE,Médecin,line,reason
178059933010817,C61,31/11/2026,Consultation de suivi,,5,date: no day 31 in November 2026
178059933010817,C61,20/11/2026,Bilan,,6,\"kind: \"\"Bilan\"\" is not a word of event_kind ($kinds)\"
255081416802538,,20/11/2026,Consultation de suivi,,7,ins: 2 pathways for this INS: give icd10 to tell them apart
178059933010817,C61,2026-11-20,Consultation de suivi,,9,date: not a date: expected %d/%m/%Y" ]
	# the export again: every good row is skipped, the bad ones rejected
	run --separate-stderr pathway-event -m visits.map -P p.csv -r rej.csv \
	    -a events.csv exp.csv
	assert_failure 3
	[ "$stderr" = "pathway-event: 8 read, 0 written, 4 skipped, 4 rejected" ]
	[ "$(wc -l < events.csv)" -eq 5 ]
}

@test "-v with -r also reports each rejected row" {
	map_fixture
	run --separate-stderr pathway-event -v -m visits.map -P p.csv -r rej.csv \
	    exp.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: exp.csv:5: date: no day 31 in November 2026" ]
	[ "${stderr_lines[4]}" = "pathway-event: 8 read, 4 written, 0 skipped, 4 rejected" ]
	[ "$(wc -l < rej.csv)" -eq 5 ]
}

@test "a map naming a header the export lacks rejects that file" {
	map_fixture
	sed -i 's/^column source.*/column source PRESCRIPTEUR/' visits.map
	run --separate-stderr pathway-event -m visits.map -P p.csv exp.csv
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "$stderr" = 'pathway-event: exp.csv:1: header: no column "PRESCRIPTEUR" (the map reads source from it)' ]
}

@test "a map that maps no column to date is refused for an event" {
	map_fixture
	sed -i '/^column date/d' visits.map
	run --separate-stderr pathway-event -m visits.map -P p.csv exp.csv
	assert_failure 3
	[ "$stderr" = "pathway-event: exp.csv: the map maps no column to date, which an event needs" ]
}

@test "a map naming a column the events do not have is a usage error" {
	printf 'column gp_rpps MEDECIN\n' > bad.map
	run --separate-stderr pathway-event -m bad.map /dev/null
	assert_failure 2
	[ "$stderr" = "pathway-event: bad.map:1: no column gp_rpps in the event table" ]
}

@test "a plain export without a map: pathway_id column, stdin, TSV by name" {
	pathways
	printf 'pathway_id\tdate\tkind\tnote\n%s\t2026-11-02\tvisit\tignored\n' \
	    "$prostate" > in.tsv
	run --separate-stderr pathway-event in.tsv
	assert_success
	[ "$output" = "$hdr
$prostate,2026-11-02,visit,,,,$now" ]
	run --separate-stderr sh -c 'pathway-event - < in.tsv'
	assert_failure 3	# stdin is not a .tsv: read as CSV
	[ "${stderr_lines[0]}" = "pathway-event: stdin:1: header: no column \"date\" (an event needs it; -m reads other headers)" ]
	run --separate-stderr sh -c 'pathway-event -d tab < in.tsv'
	assert_success
	[ "${lines[1]}" = "$prostate,2026-11-02,visit,,,,$now" ]
}

# --- outputs ------------------------------------------------------------------

@test "-t writes TSV, and so is the reject stream" {
	events_fixture
	echo ",178059933010817,,2026-12-02,visit,,,Dr Blanc" >> ev.csv
	run --separate-stderr pathway-event -t -P p.csv -r rej.tsv ev.csv
	assert_failure 3
	[ "$stderr" = "pathway-event: 4 read, 3 written, 0 skipped, 1 rejected" ]
	[ "${lines[0]}" = "$(tr , '\t' <<<"$hdr")" ]
	[ "${lines[1]}" = "$breast"$'\t2026-10-20\ttreatment-start\t\t\tDr Roux\t'"$now" ]
	[ "$(cat rej.tsv)" = "$(printf 'pathway_id\tins\ticd10\tdate\tkind\tuntil\tdetail\tsource\tline\treason\n\t178059933010817\t\t2026-12-02\tvisit\t\t\tDr Blanc\t5\tdate: in the future')" ]
}

@test "-r with field=value writes the operands given, line 0 and the reasons" {
	run --separate-stderr pathway-event -r rej.csv pathway_id=$free \
	    date=2026-12-01 kind=Lunch
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "$stderr" = "pathway-event: 1 read, 0 written, 0 skipped, 1 rejected" ]
	[ "$(cat rej.csv)" = "pathway_id,date,kind,line,reason
$free,2026-12-01,Lunch,0,\"kind: \"\"Lunch\"\" is not a word of event_kind ($kinds); date: in the future\"" ]
}

@test "-o replaces its file atomically, and leaves it alone when an input cannot be read" {
	events_fixture
	echo old > out.csv
	run --separate-stderr pathway-event -P p.csv -o out.csv ev.csv nosuch.csv
	assert_failure 4
	[ "${stderr_lines[0]}" = "pathway-event: nosuch.csv: No such file or directory" ]
	[ "${stderr_lines[1]}" = "pathway-event: out.csv: left as it was: an input could not be read" ]
	[ "$(cat out.csv)" = old ]
	run --separate-stderr pathway-event -P p.csv -o out.csv ev.csv
	assert_success
	assert_output ""
	[ "$(wc -l < out.csv)" -eq 4 ]
	[ "$(stat -c %a out.csv)" = 600 ]
	[ "$(ls -a | grep -c out.csv)" -eq 1 ]
}

@test "read = written + skipped + rejected over several inputs" {
	events_fixture
	cp ev.csv ev2.csv
	echo ",178059933010817,,2026-12-02,visit,,," >> ev2.csv
	run --separate-stderr pathway-event -v -P p.csv ev.csv ev2.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: ev2.csv:5: date: in the future" ]
	[ "${stderr_lines[1]}" = "pathway-event: 7 read, 3 written, 3 skipped, 1 rejected" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "the bash completion offers the fields, and the event kinds after kind=" {
	run bash -c "source '$root/completions/bash/pathway-event'
		COMP_WORDS=(pathway-event kind=tr); COMP_CWORD=1
		_pathway_event pathway-event kind=tr ''
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	[ "$output" = "treatment-start
treatment-end
transfer" ]
	run bash -c "source '$root/completions/bash/pathway-event'
		COMP_WORDS=(pathway-event i); COMP_CWORD=1
		_pathway_event pathway-event i ''
		printf '%s\n' \"\${COMPREPLY[@]}\""
	[ "$output" = "ins=
icd10=" ]
}

@test "the EXAMPLES of pathway-event(1) run as written" {
	man_examples pathway-event.1 > examples.sh
	[ "$(grep -c '^pathway-event' examples.sh)" -eq 5 ]
	unset PARCOURS_KEY
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	assert_success
	[ "$(stat -c %a site.key)" = 600 ]
	[ "$(wc -l < pathways.csv)" -eq 3 ]
	id=$(sed -n 2p pathways.csv | cut -d, -f1)
	# the re-run is skipped, and says so
	[ "$stderr" = "pathway-event: 1 read, 0 written, 1 skipped, 0 rejected" ]
	# the last example lists the events as TSV
	[ "$output" = "$(printf '%s\t' pathway_id date kind until detail source)recorded_at
$id	2026-02-20	ald-request		10123456781		$now
$id	2026-03-05	ald-granted	2031-03-05			$now
$id	2026-09-30	treatment-end			Dr Roux	$now
$id	2026-11-16	visit				$now" ]
	cmp <(tr , '\t' < events.csv) <(printf '%s\n' "$output")
}
