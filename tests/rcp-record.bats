#!/usr/bin/env bats
# rcp-record: cases of multidisciplinary meetings from operands and from
# e-RCP exports, the pathway found by id or by INS, every rule of the RCP
# (dates, vocabularies, quorum, surgeon, haematology, children, the 15-24
# double opinion, trial numbers, consent), the rule table, rcp_id and
# re-imports, the reject stream, exit statuses, pipes.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	hdr=rcp_id,pathway_id,meeting_date,meeting_kind,mode,motive,specialties,proposal,trial_id,guideline,guideline_conform,consent_by,patient_decision,decision_date,notes,recorded_at
	now=2026-11-23T00:00:00Z
	free=abcd-0123456789abcdef0123
	nop="rcp-record: without -P, the patient's age and the diagnosis date are not checked"
	# a case that passes every rule for an adult's solid tumour
	ok=(meeting_kind=standard mode=discussed motive=initial
	    'specialties=surgery|medical-oncology|radiotherapy'
	    'proposal=surgery|radiotherapy')
}

# The pathway table p.csv (ids with the demo key):
#   Jeanne, born 1955-08-02, breast C50.9, diagnosed 2026-10-12: $breast
#   Jean, born 1978-05-01, lymphoma C83.3, diagnosed 2026-09-01: $lymphoma
#   Léa, born 2008-11-20 (18 on 2026-11-20), bone C40.2, 2026-10-01: $lea
#   Hugo, born 2010-11-05 (16), brain C71.9, 2026-09-15: $hugo
#   Emma, born 2006-03-10 (20), Hodgkin C81.1, 2026-10-01: $emma
pathways() {
	pathway-new -a p.csv ins=255081416802538 family_name=Martin \
	    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \
	    diagnosis_date=2026-10-12
	pathway-new -a p.csv ins=178059933010817 family_name=Dupont \
	    given_names=Jean birth_date=1978-05-01 sex=M icd10=C83.3 \
	    diagnosis_date=2026-09-01
	pathway-new -a p.csv ins=208117512304535 family_name=Petit \
	    given_names=Léa birth_date=2008-11-20 sex=F icd10=C40.2 \
	    diagnosis_date=2026-10-01
	pathway-new -a p.csv ins=110116912300790 family_name=Moreau \
	    given_names=Hugo birth_date=2010-11-05 sex=M icd10=C71.9 \
	    diagnosis_date=2026-09-15
	pathway-new -a p.csv ins=206037505601211 family_name=Roux \
	    given_names=Emma birth_date=2006-03-10 sex=F icd10=C81.1 \
	    diagnosis_date=2026-10-01
	breast=4e0a-d3bffc883989bf783e37
	lymphoma=4e0a-acda136a575527ffe520
	lea=4e0a-6ad8b7319b0e2be8970e
	hugo=4e0a-0b2a909c600a2f8b00b6
	emma=4e0a-88b6f2de066bc774e5aa
	[ "$(cut -d, -f1 p.csv | tr '\n' ' ')" = "pathway_id $breast $lymphoma $lea $hugo $emma " ]
}

# --- options and usage ---------------------------------------------------

@test "--version names the tool and the suite" {
	run rcp-record --version
	assert_success
	assert_output "rcp-record (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run --separate-stderr rcp-record --help
	assert_success
	[ "$stderr" = "" ]
	assert_line --index 0 "rcp-record - record the cases of multidisciplinary meetings (parcours)"
	assert_line --index 1 "Examples:"
	assert_line "Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error."
}

@test "an unknown option is a usage error with status 2" {
	run --separate-stderr rcp-record -z
	assert_failure 2
	assert_output ""
	[ "${stderr_lines[0]}" = "rcp-record: invalid option -- 'z'" ]
	[ "${stderr_lines[1]}" = "usage: rcp-record [-tv] [--safe-csv] [-m map] [-P pathways] [-R rules] [-r rejects]" ]
	[ "${stderr_lines[3]}" = "       rcp-record [-tv] [--safe-csv] [-P pathways] [-R rules] [-r rejects]" ]
}

@test "-a and -o together are a usage error and create nothing" {
	run --separate-stderr rcp-record -a x.csv -o y.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "${stderr_lines[0]}" = "rcp-record: -a and -o: one output only" ]
	[ ! -e x.csv ] && [ ! -e y.csv ]
}

@test "an unknown field, a derived one, or a field given twice is a usage error" {
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}" room=B12
	assert_failure 2
	assert_output ""
	[ "${stderr_lines[1]}" = "rcp-record: room=B12: not field=value with a rcp field (rcp-record -h)" ]
	run --separate-stderr rcp-record pathway_id=$free rcp_id=rcp-1 \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "${stderr_lines[1]}" = "rcp-record: rcp_id is derived by rcp-record, not given" ]
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}" mode=registered
	assert_failure 2
	[ "${stderr_lines[1]}" = "rcp-record: mode given twice" ]
}

@test "-m with field=value operands is a usage error" {
	run --separate-stderr rcp-record -m ercp pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "${stderr_lines[0]}" = "rcp-record: -m reads exports, not field=value operands" ]
}

# --- one case, its pathway and its id ----------------------------------------

@test "a case named by INS: the pathway resolved, rcp_id derived, words canonical" {
	pathways
	run --separate-stderr rcp-record -P p.csv ins='2 55 08 14 168 025 38' \
	    meeting_date=2026-11-05 meeting_kind=Standard mode=DISCUSSED \
	    motive=initial 'specialties=Surgery | medical-oncology|radiotherapy' \
	    'proposal=surgery|radiotherapy' trial_id=nct05123456 \
	    guideline='INCa breast 2024' guideline_conform=yes \
	    consent_by=patient patient_decision=accepted \
	    decision_date=2026-11-09 notes='second look, "B"'
	assert_success
	[ "$stderr" = "" ]
	[ "$output" = "$hdr
rcp-00bb95ffd5637038c8c6,$breast,2026-11-05,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery|radiotherapy,NCT05123456,INCa breast 2024,yes,patient,accepted,2026-11-09,\"second look, \"\"B\"\"\",$now" ]
}

@test "rcp_id is BLAKE2b of pathway, date, kind and motive: the same from pathway_id or INS" {
	pathways
	a=$(rcp-record -P p.csv ins=255081416802538 meeting_date=2026-11-05 \
	    "${ok[@]}" | sed -n 2p | cut -d, -f1)
	# the rest of the row does not count
	b=$(rcp-record -P p.csv pathway_id=$breast meeting_date=2026-11-05 \
	    meeting_kind=standard mode=discussed motive=initial \
	    'specialties=surgery|pathology|radiology' proposal=chemotherapy \
	    notes=x | sed -n 2p | cut -d, -f1)
	# python3 -c 'import hashlib; print(hashlib.blake2b(b"rcp\x1f" +
	#   b"\x1f".join([id, date, kind, motive]), digest_size=10).hexdigest())'
	[ "$a" = rcp-00bb95ffd5637038c8c6 ]
	[ "$b" = "$a" ]
	c=$(rcp-record -P p.csv pathway_id=$breast meeting_date=2026-11-05 \
	    meeting_kind=standard mode=discussed motive=change \
	    'specialties=surgery|medical-oncology|radiotherapy' proposal=surgery |
	    sed -n 2p | cut -d, -f1)
	[[ $c =~ ^rcp-[0-9a-f]{20}$ ]]
	[ "$c" != "$a" ]
}

@test "without -P a pathway_id is taken as given, and a warning says what is not checked" {
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_success
	[ "$stderr" = "$nop" ]
	[ "${lines[1]}" = "rcp-f6dd64b6cd1232328540,$free,2026-11-02,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery|radiotherapy,,,,,,,,$now" ]
}

@test "with -P the pathway must exist: an unknown id, an unknown INS" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "rcp-record: pathway_id: no such pathway in the pathway table" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr rcp-record -P p.csv ins=160057511234590 \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: ins: no pathway for this INS" ]
	run --separate-stderr rcp-record meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 3
	[ "${stderr_lines[1]}" = "rcp-record: pathway_id: missing (or give ins, and -P)" ]
}

@test "-P must name a readable pathway table" {
	printf 'pathway_id,b\n1,2\n' > t.csv
	run --separate-stderr rcp-record -P t.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rcp-record: t.csv:1: header: no ins or icd10 column (is it a pathway table?)" ]
	run --separate-stderr rcp-record -P nosuch.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 3
	[ "$stderr" = "rcp-record: nosuch.csv: No such file or directory" ]
}

# --- dates -------------------------------------------------------------------------

@test "the meeting is not in the future, nor before the diagnosis; the day of diagnosis is fine" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-24 "${ok[@]}"
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: meeting_date: in the future" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-10-11 "${ok[@]}"
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "rcp-record: meeting_date: before the diagnosis" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-10-12 "${ok[@]}"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-23 "${ok[@]}"
	assert_success
}

@test "the decision is not before the meeting, nor in the future" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}" patient_decision=accepted \
	    decision_date=2026-11-04
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: decision_date: before the meeting" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}" decision_date=2026-11-30
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: decision_date: in the future" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}" patient_decision=accepted \
	    decision_date=2026-11-05
	assert_success
	[[ "${lines[1]}" == *,accepted,2026-11-05,,$now ]]
}

@test "meeting_date and the words are required; a date is a real date" {
	run --separate-stderr rcp-record pathway_id=$free
	assert_failure 3
	[ "${stderr_lines[1]}" = "rcp-record: meeting_date: missing" ]
	[ "${stderr_lines[2]}" = "rcp-record: meeting_kind: missing" ]
	[ "${stderr_lines[3]}" = "rcp-record: mode: missing" ]
	[ "${stderr_lines[4]}" = "rcp-record: motive: missing" ]
	[ "${stderr_lines[5]}" = "rcp-record: specialties: missing" ]
	[ "${stderr_lines[6]}" = "rcp-record: proposal: missing" ]
	[ "${stderr_lines[7]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-02-30 "${ok[@]}"
	assert_failure 3
	[ "${stderr_lines[1]}" = "rcp-record: meeting_date: no day 30 in February 2026" ]
}

# --- vocabularies ---------------------------------------------------------------------

@test "each word column takes its vocabulary's words only" {
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 meeting_kind=weekly mode=phone \
	    motive=audit 'specialties=surgery|medical-oncology|radiotherapy' \
	    'proposal=surgery|homeopathy' guideline_conform=maybe \
	    consent_by=uncle patient_decision=undecided
	assert_failure 3
	[ "${stderr_lines[1]}" = 'rcp-record: meeting_kind: "weekly" is not a word of meeting_kind (standard, recourse, rare or pediatric)' ]
	[ "${stderr_lines[2]}" = 'rcp-record: mode: "phone" is not a word of mode (discussed or registered)' ]
	[ "${stderr_lines[3]}" = 'rcp-record: motive: "audit" is not a word of motive (initial, change, relapse or stop)' ]
	[[ "${stderr_lines[4]}" == 'rcp-record: proposal: "homeopathy" is not a word of proposal (surgery, chemotherapy, '* ]]
	[ "${stderr_lines[5]}" = 'rcp-record: guideline_conform: "maybe" is not a word of guideline_conform (yes or no)' ]
	[ "${stderr_lines[6]}" = 'rcp-record: consent_by: "uncle" is not a word of consent_by (patient, mother, father or guardian)' ]
	[ "${stderr_lines[7]}" = 'rcp-record: patient_decision: "undecided" is not a word of patient_decision (accepted, refused or pending)' ]
	[ "${stderr_lines[8]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "specialties are distinct words of their vocabulary" {
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|surgery|radiotherapy|pathology' \
	    proposal=surgery
	assert_failure 3
	[ "${stderr_lines[1]}" = "rcp-record: specialties: surgery appears twice" ]
	run --separate-stderr rcp-record pathway_id=$free \
	    meeting_date=2026-11-02 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|podiatry|radiotherapy' \
	    proposal=surgery
	assert_failure 3
	[[ "${stderr_lines[1]}" == 'rcp-record: specialties: "podiatry" is not a word of specialties (surgery, pediatric-surgery, '* ]]
}

# --- the quorum and the surgeon -------------------------------------------------------

@test "the quorum: two specialties are refused, three are enough" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|medical-oncology' proposal=surgery
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "rcp-record: specialties: no quorum: 2 specialties of those that count, 3 needed" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|medical-oncology|pathology' \
	    proposal=surgery
	assert_success
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "the quorum counts physicians' specialties: pharmacy, supportive care, the GP and other do not count" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=initial \
	    'specialties=surgery|radiology|pharmacy|supportive-care|gp|other' \
	    proposal=surgery
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: specialties: no quorum: 2 specialties of those that count, 3 needed" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|gp' proposal=surgery
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: specialties: no quorum: 1 specialty of those that count, 3 needed" ]
}

@test "a standard meeting needs a surgeon for a solid tumour; a pediatric surgeon counts; other kinds do not need one" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=change 'specialties=medical-oncology|radiotherapy|radiology' \
	    proposal=chemotherapy
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "rcp-record: specialties: a standard meeting outside haematology needs a surgeon (surgery or pediatric-surgery)" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run rcp-record -P p.csv pathway_id=$breast meeting_date=2026-11-05 \
	    meeting_kind=standard mode=discussed motive=change \
	    'specialties=pediatric-surgery|radiotherapy|radiology' \
	    proposal=chemotherapy
	assert_success
	for kind in recourse rare; do
		run rcp-record -P p.csv pathway_id=$breast \
		    meeting_date=2026-11-05 meeting_kind=$kind mode=discussed \
		    motive=change \
		    'specialties=medical-oncology|radiotherapy|radiology' \
		    proposal=chemotherapy
		assert_success
	done
}

@test "haematology needs no surgeon: C81-C96 and D45-D47, from the pathway or the row's icd10" {
	pathways
	hem=(meeting_date=2026-11-05 meeting_kind=standard mode=discussed
	    motive=initial 'specialties=hematology|pathology|radiology'
	    proposal=chemotherapy)
	run --separate-stderr rcp-record -P p.csv pathway_id=$lymphoma "${hem[@]}"
	assert_success
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 2 ]
	# without -P the row's own code decides
	for icd in C81 C96.9 D45 D46.9 D47.1; do
		run --separate-stderr rcp-record pathway_id=$free icd10=$icd \
		    "${hem[@]}"
		assert_success
	done
	for icd in C80.9 C97 D44.9 D48.0; do
		run --separate-stderr rcp-record pathway_id=$free icd10=$icd \
		    "${hem[@]}"
		assert_failure 3
		[ "${stderr_lines[1]}" = "rcp-record: specialties: a standard meeting outside haematology needs a surgeon (surgery or pediatric-surgery)" ]
	done
	# no code at all: the surgeon is required
	run --separate-stderr rcp-record pathway_id=$free "${hem[@]}"
	assert_failure 3
	[ "${stderr_lines[1]}" = "rcp-record: specialties: a standard meeting outside haematology needs a surgeon (surgery or pediatric-surgery)" ]
}

@test "registration without discussion is refused when the case does not conform to the guidelines" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=registered \
	    motive=initial 'specialties=surgery|medical-oncology|radiotherapy' \
	    proposal=surgery guideline_conform=no
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: mode: registration without discussion is for a case conforming to the guidelines, and guideline_conform is no" ]
	run rcp-record -P p.csv pathway_id=$breast meeting_date=2026-11-05 \
	    meeting_kind=standard mode=registered motive=initial \
	    'specialties=surgery|medical-oncology|radiotherapy' \
	    proposal=surgery guideline_conform=yes
	assert_success
	[[ "${lines[1]}" == *,standard,registered,initial,* ]]
}

# --- children ----------------------------------------------------------------------------

@test "under 18 the meeting is pediatric: the day before, of and after the 18th birthday" {
	pathways
	adult=(meeting_kind=standard mode=discussed motive=initial
	    'specialties=surgery|medical-oncology|pediatric-oncology|radiology'
	    proposal=surgery)
	run --separate-stderr rcp-record -P p.csv pathway_id=$lea \
	    meeting_date=2026-11-19 "${adult[@]}"
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "rcp-record: meeting_kind: a patient under 18 is discussed in a pediatric meeting (RCPPI)" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$lea \
	    meeting_date=2026-11-20 "${adult[@]}"
	assert_success
	[ "$stderr" = "" ]
	[ "${lines[1]}" = "rcp-8b742f4dfefdc11d783e,$lea,2026-11-20,standard,discussed,initial,surgery|medical-oncology|pediatric-oncology|radiology,surgery,,,,,,,,$now" ]
	run --separate-stderr rcp-record -P p.csv ins=208117512304535 \
	    meeting_date=2026-11-21 "${adult[@]}"
	assert_success
	# the day before, a pediatric meeting is right
	run --separate-stderr rcp-record -P p.csv pathway_id=$lea \
	    meeting_date=2026-11-19 meeting_kind=pediatric mode=discussed \
	    motive=initial \
	    'specialties=pediatric-surgery|medical-oncology|pediatric-oncology|radiology' \
	    proposal=surgery consent_by=mother
	assert_success
	[ "$stderr" = "" ]
}

@test "a child's case is never registered without discussion" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$hugo \
	    meeting_date=2026-11-05 meeting_kind=pediatric mode=registered \
	    motive=initial \
	    'specialties=pediatric-surgery|pediatric-oncology|radiology|medical-oncology' \
	    proposal=surgery guideline_conform=yes
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: mode: registration without discussion is refused for a patient under 18" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	# Léa at 18 may be registered
	run rcp-record -P p.csv pathway_id=$lea meeting_date=2026-11-20 \
	    meeting_kind=standard mode=registered motive=initial \
	    'specialties=surgery|medical-oncology|pediatric-oncology' \
	    proposal=surgery guideline_conform=yes
	assert_success
}

@test "consent: a legal guardian for a child; the patient or a guardian for an adult" {
	pathways
	child=(pathway_id=$hugo meeting_date=2026-11-05 meeting_kind=pediatric
	    mode=discussed motive=initial
	    'specialties=pediatric-surgery|pediatric-oncology|medical-oncology'
	    proposal=surgery)
	run --separate-stderr rcp-record -P p.csv "${child[@]}" consent_by=patient
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: consent_by: for a patient under 18, a legal guardian consents (mother, father or guardian)" ]
	for who in mother father guardian Mother; do
		run --separate-stderr rcp-record -P p.csv "${child[@]}" consent_by=$who
		assert_success
		[ "$stderr" = "" ]
	done
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}" consent_by=mother
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: consent_by: a patient of 18 or over consents, or a legal guardian (patient or guardian)" ]
	for who in patient guardian; do
		run rcp-record -P p.csv pathway_id=$breast \
		    meeting_date=2026-11-05 "${ok[@]}" consent_by=$who
		assert_success
	done
}

@test "15-24: a warning when the pediatric or the adult opinion is missing; the row is written" {
	pathways
	hem=(meeting_kind=standard mode=discussed motive=initial proposal=chemotherapy)
	run --separate-stderr rcp-record -P p.csv pathway_id=$emma \
	    meeting_date=2026-11-05 "${hem[@]}" \
	    'specialties=hematology|pathology|radiology'
	assert_success
	[ "$stderr" = "rcp-record: specialties: a patient aged 15 to 24 gets a pediatric and an adult opinion: no pediatric-oncology" ]
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$emma \
	    meeting_date=2026-11-05 "${hem[@]}" \
	    'specialties=hematology|pathology|pediatric-oncology'
	assert_success
	[ "$stderr" = "" ]
	# Hugo, 16, in his pediatric meeting without an adult oncologist
	run --separate-stderr rcp-record -P p.csv pathway_id=$hugo \
	    meeting_date=2026-11-05 meeting_kind=pediatric mode=discussed \
	    motive=initial 'specialties=pediatric-surgery|pediatric-oncology|radiology' \
	    proposal=surgery
	assert_success
	[ "$stderr" = "rcp-record: specialties: a patient aged 15 to 24 gets a pediatric and an adult opinion: no medical-oncology or hematology" ]
	# neither opinion
	run --separate-stderr rcp-record -P p.csv pathway_id=$emma \
	    meeting_date=2026-11-05 "${hem[@]}" \
	    'specialties=surgery|pathology|radiology'
	assert_success
	[ "${stderr_lines[0]}" = "rcp-record: specialties: chemotherapy proposed, and no physician qualified for it (medical-oncology, pediatric-oncology or hematology)" ]
	[ "${stderr_lines[1]}" = "rcp-record: specialties: a patient aged 15 to 24 gets a pediatric and an adult opinion: no pediatric-oncology, and no medical-oncology or hematology" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# at 25 and over, no warning; and none for a row rejected anyway
	run --separate-stderr rcp-record -P p.csv pathway_id=$lymphoma \
	    meeting_date=2026-11-05 "${hem[@]}" \
	    'specialties=hematology|pathology|radiology'
	assert_success
	[ "$stderr" = "" ]
	run --separate-stderr rcp-record -P p.csv pathway_id=$emma \
	    meeting_date=2026-11-05 "${hem[@]}" 'specialties=hematology|pathology'
	assert_failure 3
	[ "${stderr_lines[0]}" = "rcp-record: specialties: no quorum: 2 specialties of those that count, 3 needed" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "15-24 warnings name the file and line of a sheet" {
	pathways
	{
		echo pathway_id,meeting_date,meeting_kind,mode,motive,specialties,proposal
		echo "$emma,2026-11-05,standard,discussed,initial,hematology|pathology|radiology,chemotherapy"
	} > s.csv
	run --separate-stderr rcp-record -P p.csv s.csv
	assert_success
	[ "$stderr" = "rcp-record: s.csv:2: specialties: a patient aged 15 to 24 gets a pediatric and an adult opinion: no pediatric-oncology" ]
}

@test "chemotherapy proposed without a qualified physician: a warning, the row written" {
	pathways
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=change 'specialties=surgery|radiotherapy|organ-specialist' \
	    'proposal=chemotherapy|radiotherapy'
	assert_success
	[ "$stderr" = "rcp-record: specialties: chemotherapy proposed, and no physician qualified for it (medical-oncology, pediatric-oncology or hematology)" ]
	[ "${#lines[@]}" -eq 2 ]
	for s in medical-oncology pediatric-oncology hematology; do
		run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
		    meeting_date=2026-11-05 meeting_kind=standard \
		    mode=discussed motive=change \
		    "specialties=surgery|radiotherapy|$s" proposal=chemotherapy
		assert_success
		[ "$stderr" = "" ]
	done
	run --separate-stderr rcp-record -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 meeting_kind=standard mode=discussed \
	    motive=change 'specialties=surgery|radiotherapy|organ-specialist' \
	    proposal=radiotherapy
	assert_success
	[ "$stderr" = "" ]
}

# --- trial numbers -----------------------------------------------------------------------

@test "trial_id: an NCT number, an EU CT number or a EudraCT number" {
	for t in NCT05123456 nct05123456 2025-522006-21-00 2015-001234-56; do
		run --separate-stderr rcp-record pathway_id=$free \
		    meeting_date=2026-11-02 "${ok[@]}" trial_id=$t
		assert_success
	done
	run rcp-record pathway_id=$free meeting_date=2026-11-02 "${ok[@]}" \
	    trial_id=nct05123456
	[[ "${lines[2]}" == *,NCT05123456,* ]]
	for t in NCT123 NCT051234567 NCT0512345X 2025-422006-21-00 \
	    2025-5220-21-00 2015-001234-5 CT-2025-1 '2025-522006-21-00 x'; do
		run --separate-stderr rcp-record pathway_id=$free \
		    meeting_date=2026-11-02 "${ok[@]}" trial_id="$t"
		assert_failure 3
		[ "${stderr_lines[1]}" = "rcp-record: trial_id: \"$t\" is not an NCT number (NCT and 8 digits), an EU CT number (YYYY-5NNNNN-NN-NN) or a EudraCT number (YYYY-NNNNNN-NN)" ]
	done
}

# --- the rule table ------------------------------------------------------------------------

@test "-R replaces the rule table: the age of a child, the quorum" {
	pathways
	sed -e 's/^child_under,18,/child_under,17,/' \
	    -e 's/^quorum_min,3,/quorum_min,2,/' \
	    "$share/rcp-rules.csv" > rules.csv
	run --separate-stderr rcp-record -R rules.csv -P p.csv pathway_id=$lea \
	    meeting_date=2026-11-19 meeting_kind=standard mode=discussed \
	    motive=initial 'specialties=surgery|pediatric-oncology' \
	    proposal=surgery
	assert_success
	[ "$stderr" = "rcp-record: specialties: a patient aged 15 to 24 gets a pediatric and an adult opinion: no medical-oncology or hematology" ]
}

@test "a rule table missing a rule, with an unknown rule, a bad value, or absent is refused" {
	grep -v '^quorum_min,' "$share/rcp-rules.csv" > r1.csv
	run --separate-stderr rcp-record -R r1.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "rcp-record: r1.csv: no rule quorum_min" ]
	{ cat "$share/rcp-rules.csv"; echo 'quorum_max,9,me,D'; } > r2.csv
	run --separate-stderr rcp-record -R r2.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "$stderr" = 'rcp-record: r2.csv:16: rule: "quorum_max" is not a rule of rcp-record' ]
	sed 's/^aya_adult,[^,]*,/aya_adult,oncology,/' "$share/rcp-rules.csv" > r3.csv
	run --separate-stderr rcp-record -R r3.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[[ "$stderr" == 'rcp-record: r3.csv:6: value: aya_adult: "oncology" is not a word of specialties ('* ]]
	sed 's/^haematology_icd10,[^,]*,/haematology_icd10,C96-C81,/' "$share/rcp-rules.csv" > r4.csv
	run --separate-stderr rcp-record -R r4.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "$stderr" = "rcp-record: r4.csv:11: value: haematology_icd10: not a |-list of ICD-10 categories or ranges such as C81-C96" ]
	sed 's/^child_under,18,/child_under,adult,/' "$share/rcp-rules.csv" > r5.csv
	run --separate-stderr rcp-record -R r5.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "$stderr" = "rcp-record: r5.csv:2: value: child_under: not a number of years from 0 to 150" ]
	{ cat "$share/rcp-rules.csv"; grep '^aya_to,' "$share/rcp-rules.csv"; } > r6.csv
	run --separate-stderr rcp-record -R r6.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 2
	[ "$stderr" = "rcp-record: r6.csv:16: rule: aya_to given twice" ]
	run --separate-stderr rcp-record -R nosuch.csv pathway_id=$free \
	    meeting_date=2026-11-02 "${ok[@]}"
	assert_failure 4
	[ "$stderr" = "rcp-record: nosuch.csv: No such file or directory" ]
}

@test "the shipped rule table: every rule has a source and a confidence, and the man page lists the unconfirmed ones" {
	[ "$(sed -n 1p "$share/rcp-rules.csv")" = "rule,value,source,confidence" ]
	run awk -F, 'NR > 1 && $NF !~ /^[CPUD]$/' "$share/rcp-rules.csv"
	assert_output ""
	for r in $(awk -F, 'NR > 1 && $NF != "C" { print $1 }' "$share/rcp-rules.csv"); do
		grep -q "^\.It.* $r\|^\.It $r" "$root/man/rcp-record.1"
	done
}

# --- sheets, maps, repeats ------------------------------------------------------------------

# A meeting sheet with canonical headers: two good cases, three bad ones.
sheet_fixture() {
	pathways
	{
		echo 'ins,icd10,meeting_date,meeting_kind,mode,motive,specialties,proposal,trial_id,consent_by,note'
		echo '255081416802538,C50,2026-11-05,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery,,patient,a'
		echo '178059933010817,,2026-11-05,standard,discussed,initial,hematology|pathology|radiology,chemotherapy,2025-522006-21-00,patient,b'
		echo '208117512304535,,2026-11-05,standard,registered,initial,surgery|pediatric-oncology,surgery,,patient,c'
		echo '110116912300790,,2026-11-05,pediatric,discussed,initial,pediatric-surgery|pediatric-oncology|medical-oncology,surgery,NCT1,father,d'
		echo '255081416802538,C18,2026-11-05,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery,,patient,e'
	} > s.csv
}

@test "-r keeps the rejected rows of a sheet: its columns as read, line and every reason" {
	sheet_fixture
	run --separate-stderr rcp-record -P p.csv -r rej.csv -a rcp.csv s.csv
	assert_failure 3
	assert_output ""
	[ "$stderr" = "rcp-record: 5 read, 2 written, 0 skipped, 3 rejected" ]
	[ "$(stat -c %a rej.csv)" = 600 ]
	[ "$(stat -c %a rcp.csv)" = 600 ]
	[ "$(cat rej.csv)" = 'ins,icd10,meeting_date,meeting_kind,mode,motive,specialties,proposal,trial_id,consent_by,note,line,reason
208117512304535,,2026-11-05,standard,registered,initial,surgery|pediatric-oncology,surgery,,patient,c,4,"specialties: no quorum: 2 specialties of those that count, 3 needed; meeting_kind: a patient under 18 is discussed in a pediatric meeting (RCPPI); mode: registration without discussion is refused for a patient under 18; consent_by: for a patient under 18, a legal guardian consents (mother, father or guardian)"
110116912300790,,2026-11-05,pediatric,discussed,initial,pediatric-surgery|pediatric-oncology|medical-oncology,surgery,NCT1,father,d,5,"trial_id: ""NCT1"" is not an NCT number (NCT and 8 digits), an EU CT number (YYYY-5NNNNN-NN-NN) or a EudraCT number (YYYY-NNNNNN-NN)"
255081416802538,C18,2026-11-05,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery,,patient,e,6,ins: no pathway for this INS and ICD-10 category' ]
	[ "$(cut -d, -f2,3,4,9 rcp.csv)" = "pathway_id,meeting_date,meeting_kind,trial_id
$breast,2026-11-05,standard,
$lymphoma,2026-11-05,standard,2025-522006-21-00" ]
}

@test "re-importing the same sheet adds nothing; a changed case is a correction" {
	sheet_fixture
	rcp-record -P p.csv -a rcp.csv s.csv 2>/dev/null || true
	cp rcp.csv first.csv
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 86400)) \
	    run --separate-stderr rcp-record -P p.csv -r rej.csv -a rcp.csv s.csv
	assert_failure 3
	[ "$stderr" = "rcp-record: 5 read, 0 written, 2 skipped, 3 rejected" ]
	cmp rcp.csv first.csv
	# the same case with the patient's decision: written, the latest wins
	run --separate-stderr rcp-record -v -P p.csv -a rcp.csv \
	    ins=255081416802538 meeting_date=2026-11-05 meeting_kind=standard \
	    mode=discussed motive=initial \
	    'specialties=surgery|medical-oncology|radiotherapy' \
	    proposal=surgery consent_by=patient patient_decision=accepted \
	    decision_date=2026-11-06
	assert_success
	[ "$stderr" = "rcp-record: 1 read, 1 written (1 correction), 0 skipped, 0 rejected" ]
	[ "$(wc -l < rcp.csv)" -eq 4 ]
	[ "$(sed -n 2p rcp.csv | cut -d, -f1)" = "$(sed -n 4p rcp.csv | cut -d, -f1)" ]
}

@test "a case repeated within the input is written once" {
	sheet_fixture
	sed -n 1,2p s.csv > d.csv
	sed -n 2p s.csv | sed 's/,standard,/, Standard ,/' >> d.csv
	run --separate-stderr rcp-record -v -P p.csv d.csv
	assert_success
	[ "$stderr" = "rcp-record: 2 read, 1 written, 1 skipped, 0 rejected" ]
}

@test "-a refuses a file whose header is not the rcp table's" {
	pathways
	cp p.csv before.csv
	run --separate-stderr rcp-record -a p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}"
	assert_failure 2
	[[ "${stderr_lines[0]}" == "rcp-record: p.csv: its header differs from the one this tool writes"* ]]
	cmp p.csv before.csv
}

# An e-RCP export: semicolons, cp1252, CRLF, dd/mm/yyyy, French labels.
ercp_fixture() {
	pathways
	printf 'NIR;CIM10;DATE_RCP;TYPE_RCP;MODE;MOTIF;SPECIALITES;PROPOSITION;ESSAI;REFERENTIEL;CONFORME;CONSENTEMENT;DECISION_PATIENT;DATE_DECISION;COMMENTAIRE\r\n' > e.csv
	printf '255081416802538;C50.9;05/11/2026;RCP standard;Discut\xe9;Proposition initiale;Chirurgie gyn\xe9cologique, Oncologie m\xe9dicale, Radioth\xe9rapie;Chirurgie, Radioth\xe9rapie;;INCa sein;Oui;Patiente;Accept\xe9e;09/11/2026;\r\n' >> e.csv
	printf '110116912300790;C71;06/11/2026;RCPPI;Discut\xe9;Proposition initiale;Oncologie p\xe9diatrique, Chirurgie p\xe9diatrique, H\xe9matologie;Chirurgie, Essai clinique;2025-522006-21-00;;;P\xe8re;En attente;;\r\n' >> e.csv
	printf '178059933010817;C83;07/11/2026;RCP standard;Discut\xe9;Rechute;H\xe9matologie, Kin\xe9sith\xe9rapie, Radiologie;Chimioth\xe9rapie;;;;Patient;;;\r\n' >> e.csv
}

@test "the ercp map reads a cp1252 semicolon export: labels and lists into words, dates" {
	ercp_fixture
	run --separate-stderr rcp-record -m ercp -P p.csv e.csv
	assert_failure 3
	[ "$output" = "$hdr
rcp-00bb95ffd5637038c8c6,$breast,2026-11-05,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery|radiotherapy,,INCa sein,yes,patient,accepted,2026-11-09,,$now
$(sed -n 3p <<<"$output" | cut -d, -f1),$hugo,2026-11-06,pediatric,discussed,initial,pediatric-oncology|pediatric-surgery|hematology,surgery|trial,2025-522006-21-00,,,father,pending,,,$now" ]
	[[ "${stderr_lines[0]}" == 'rcp-record: e.csv:4: specialties: "hematology, Kinésithérapie" is not a word of specialties ('* ]]
	[ "${stderr_lines[1]}" = "rcp-record: 3 read, 2 written, 0 skipped, 1 rejected" ]
}

@test "the bundled e-RCP sample through its map: the counts of share/parcours/README" {
	pathway-new -m dpi-cp1252 -a sample.csv "$share/sample-dpi.csv" \
	    2>/dev/null || true
	run --separate-stderr rcp-record -m ercp -P sample.csv -r rej.csv \
	    -a rcp.csv "$share/sample-rcp.csv"
	assert_failure 3
	[ "${stderr_lines[-1]}" = "rcp-record: 56 read, 45 written, 1 skipped, 10 rejected" ]
	[ "$(sed 1d rej.csv | wc -l)" -eq 10 ]
	run --separate-stderr rcp-record -m ercp -P sample.csv -r rej.csv \
	    -a rcp.csv "$share/sample-rcp.csv"
	[ "${stderr_lines[-1]}" = "rcp-record: 56 read, 0 written, 46 skipped, 10 rejected" ]
}

@test "the e-RCP sample is what its generator makes from the DPI sample" {
	mkdir out
	sh "$root/tests/gen/gen-rcp.sh" "$PARCOURS_BIN" out
	cmp out/sample-rcp.csv "$share/sample-rcp.csv"
}

@test "a map naming a column the rcp table lacks is a usage error; an export lacking a mapped column is rejected" {
	printf 'column kind TYPE\n' > bad.map
	run --separate-stderr rcp-record -m bad.map /dev/null
	assert_failure 2
	assert_output ""
	[ "$stderr" = "rcp-record: bad.map:1: no column kind in the rcp table" ]
	ercp_fixture
	sed -i '1s/MOTIF/MOTIVE/' e.csv
	run --separate-stderr rcp-record -m ercp -P p.csv -o out.csv e.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'rcp-record: e.csv:1: header: no column "MOTIF" (the map reads motive from it)' ]
	[ "${stderr_lines[1]}" = "rcp-record: out.csv: left as it was: an input could not be read" ]
	[ ! -e out.csv ]
}

# --- outputs and pipes --------------------------------------------------------------------------

@test "rcp rows piped into rcp-record -a: the same cases are skipped" {
	sheet_fixture
	rcp-record -P p.csv -a rcp.csv s.csv 2>/dev/null || true
	run --separate-stderr bash -c 'rcp-record -P p.csv s.csv 2>/dev/null |
	    rcp-record -v -P p.csv -a rcp.csv'
	assert_success
	[ "$stderr" = "rcp-record: 2 read, 0 written, 2 skipped, 0 rejected" ]
	[ "$(wc -l < rcp.csv)" -eq 3 ]
}

@test "-t writes TSV" {
	pathways
	run --separate-stderr rcp-record -t -P p.csv pathway_id=$breast \
	    meeting_date=2026-11-05 "${ok[@]}"
	assert_success
	[ "${lines[0]}" = "$(tr , '\t' <<<"$hdr")" ]
	[ "${lines[1]}" = "rcp-00bb95ffd5637038c8c6	$breast	2026-11-05	standard	discussed	initial	surgery|medical-oncology|radiotherapy	surgery|radiotherapy								$now" ]
}

@test "--safe-csv makes a formula text, and -a still knows the case" {
	pathways
	run --separate-stderr rcp-record --safe-csv -P p.csv -a rcp.csv \
	    pathway_id=$breast meeting_date=2026-11-05 "${ok[@]}" \
	    notes='=HYPERLINK("http://x")'
	assert_success
	[ "$(sed -n 2p rcp.csv | cut -d, -f15-)" = "\"'=HYPERLINK(\"\"http://x\"\")\",$now" ]
	run --separate-stderr rcp-record -v --safe-csv -P p.csv -a rcp.csv \
	    pathway_id=$breast meeting_date=2026-11-05 "${ok[@]}" \
	    notes='=HYPERLINK("http://x")'
	assert_success
	[ "$stderr" = "rcp-record: 1 read, 0 written, 1 skipped, 0 rejected" ]
	run rcp-record -P p.csv pathway_id=$breast meeting_date=2026-11-05 \
	    "${ok[@]}" notes='=1+1'
	[[ "${lines[1]}" == *,=1+1,$now ]]
}

@test "the bash completion offers the fields, and each field's words" {
	run bash -c "source '$root/completions/bash/rcp-record'
		COMP_WORDS=(rcp-record mo); COMP_CWORD=1
		_rcp_record rcp-record mo ''
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	[ "$output" = "mode=
motive=" ]
	run bash -c "source '$root/completions/bash/rcp-record'
		COMP_WORDS=(rcp-record meeting_kind=r); COMP_CWORD=1
		_rcp_record rcp-record meeting_kind=r ''
		printf '%s\n' \"\${COMPREPLY[@]}\""
	[ "$output" = "recourse
rare" ]
	run bash -c "source '$root/completions/bash/rcp-record'
		COMP_WORDS=(rcp-record 'specialties=surgery|ra'); COMP_CWORD=1
		_rcp_record rcp-record x ''
		printf '%s\n' \"\${COMPREPLY[@]}\""
	[ "$output" = "surgery|radiotherapy
surgery|radiology" ]
}

@test "the EXAMPLES of rcp-record(1) run as written" {
	man_examples rcp-record.1 > examples.sh
	[ "$(grep -c '^rcp-record' examples.sh)" -eq 3 ]
	unset PARCOURS_KEY
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	assert_success
	[ "$(stat -c %a site.key)" = 600 ]
	[ "$(wc -l < rcp.csv)" -eq 2 ]
	[[ "$(sed -n 2p rcp.csv)" == *,standard,discussed,initial,surgery\|medical-oncology\|radiotherapy\|pathology,surgery\|radiotherapy,,INCa\ breast\ 2024,yes,patient,accepted,2026-11-09,,* ]]
	[ "${stderr_lines[0]}" = "rcp-record: specialties: a standard meeting outside haematology needs a surgeon (surgery or pediatric-surgery)" ]
	[ "${stderr_lines[1]}" = "rcp-record: 1 read, 0 written, 0 skipped, 1 rejected" ]
	[ "$output" = "      9 pediatric
      4 recourse
     32 standard" ]
}
