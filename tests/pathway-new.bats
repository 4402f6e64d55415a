#!/usr/bin/env bats
# pathway-new: one pathway from operands, batches through maps, the checks
# across fields, ids, idempotent re-import, exit statuses.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	hdr=pathway_id,ins,local_id,family_name,given_names,birth_date,sex,icd10,icdo3_topography,icdo3_morphology,diagnosis_date,finess,referent_rpps,referent_name,referent_contact,team_contact,gp_rpps,gp_name,gp_contact,recorded_at
	jeanne=(ins=255081416802538 family_name=Martin given_names=Jeanne
	    birth_date=1955-08-02 sex=F icd10=C509 diagnosis_date=2026-10-12)
}

# Jeanne's operands with some fields replaced or added: with sex=M ...
with() {
	local kv k out=() seen
	for k in "${jeanne[@]}"; do
		seen=
		for kv in "$@"; do
			[ "${kv%%=*}" = "${k%%=*}" ] && { out+=("$kv"); seen=1; }
		done
		[ -n "$seen" ] || out+=("$k")
	done
	for kv in "$@"; do
		[[ " ${jeanne[*]} " == *" ${kv%%=*}="* ]] || out+=("$kv")
	done
	printf '%s\n' "${out[@]}"
}

@test "--version names the tool and the suite" {
	run pathway-new --version
	assert_success
	assert_output "pathway-new (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run pathway-new --help
	assert_success
	assert_line --index 0 "pathway-new - create pathway records (parcours)"
	assert_line --index 1 "Examples:"
}

@test "an unknown option is a usage error with status 2" {
	run --separate-stderr pathway-new -z
	assert_failure 2
	[[ "${stderr_lines[1]}" == "usage: pathway-new [-tv] [-m map]"* ]]
}

@test "-a and -o together are a usage error" {
	run --separate-stderr pathway-new -a x.csv -o y.csv "${jeanne[@]}"
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-new: -a and -o: one output only" ]
	[ ! -e x.csv ] && [ ! -e y.csv ]
}

@test "without a site key nothing is written and the message says how to give one" {
	unset PARCOURS_KEY
	run --separate-stderr pathway-new "${jeanne[@]}"
	assert_failure 2
	assert_output ""
	[ "$stderr" = "pathway-new: no site key: give -k keyfile or set PARCOURS_KEY (pathway-new(1) says how to make one)" ]
}

@test "a site key shorter than 32 bytes is refused" {
	printf 'short' > short.key
	chmod 600 short.key
	run --separate-stderr pathway-new -k short.key "${jeanne[@]}"
	assert_failure 2
	[ "$stderr" = "pathway-new: short.key: a key holds 32 to 4096 bytes of secret, this file has 5" ]
}

@test "a site key readable by others works but is warned about" {
	cp site.key open.key
	chmod 644 open.key
	run --separate-stderr pathway-new -k open.key "${jeanne[@]}"
	assert_success
	[ "$stderr" = "pathway-new: open.key: the key is readable by others (chmod 600 it)" ]
}

@test "one pathway from field=value operands, canonical and with its id" {
	run --separate-stderr pathway-new $(with finess=750712184) \
	    referent_contact="0123456789"
	assert_success
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "$hdr" ]
	[[ "${lines[1]}" =~ ^[0-9a-f]{4}-[0-9a-f]{20},255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12,750712184,,,"01 23 45 67 89",,,,,2026-11-23T00:00:00Z$ ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "the id is the same for the same key and pathway, and differs with another key" {
	id1=$(pathway-new "${jeanne[@]}" | sed -n 2p | cut -d, -f1)
	id2=$(pathway-new ins=255081416802538 family_name=Martin given_names=Jeanne-Marie birth_date=1955-08-02 sex=F icd10=C50.1 diagnosis_date=2026-10-12 | sed -n 2p | cut -d, -f1)
	[ "$id1" = "$id2" ]	# same INS, ICD-10 category, diagnosis date
	head -c 40 /dev/zero | tr '\0' k > other.key
	chmod 600 other.key
	id3=$(pathway-new -k other.key "${jeanne[@]}" | sed -n 2p | cut -d, -f1)
	[ "${id3:5}" != "${id1:5}" ]
	[ "${id3:0:4}" != "${id1:0:4}" ]
}

@test "the id does not contain the NIR or its digits in clear" {
	id=$(pathway-new "${jeanne[@]}" | sed -n 2p | cut -d, -f1)
	[[ "$id" != *2550814168025* ]]
	[[ "$id" =~ ^[0-9a-f]{4}-[0-9a-f]{20}$ ]]
}

@test "a wrong NIR key is rejected with the expected key, status 3, no row written" {
	run --separate-stderr pathway-new $(with ins=255081416802599)
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = "pathway-new: ins: bad key 99, expected 38" ]
	[ "${stderr_lines[1]}" = "pathway-new: 1 read, 0 written, 0 skipped, 1 rejected" ]
}

@test "a Corsican NIR (2A) is valid" {
	run pathway-new ins=253072A07300443 family_name=Santoni given_names=Maria \
	    birth_date=1953-07-14 sex=F icd10=C18.7 diagnosis_date=2026-01-05
	assert_success
	assert_line --index 1 --regexp ',253072A07300443,'
}

@test "the NIR must agree with sex and birth date" {
	run --separate-stderr pathway-new $(with sex=M birth_date=1956-03-02)
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: ins: its sex digit 2 says F, sex says M" ]
	[ "${stderr_lines[1]}" = "pathway-new: ins: its year of birth differs from birth_date's" ]
}

@test "the NIR month must agree with the birth month" {
	run --separate-stderr pathway-new $(with birth_date=1955-09-02)
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: ins: its month of birth differs from birth_date's" ]
}

@test "dates must be ordered: birth, diagnosis, today" {
	run --separate-stderr pathway-new $(with diagnosis_date=1950-01-01)
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: diagnosis_date: before the birth date" ]
	run --separate-stderr pathway-new $(with diagnosis_date=2026-11-24)
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: diagnosis_date: in the future" ]
	run pathway-new $(with diagnosis_date=2026-11-23)
	assert_success
}

@test "an ICD-10 code outside chapter II is not a cancer pathway" {
	run --separate-stderr pathway-new $(with icd10=Z85.3)
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pathway-new: icd10: "Z85.3" is not a tumour code (chapter II, C00-D48)' ]
	run pathway-new $(with icd10=D48.1)
	assert_success
	run pathway-new $(with icd10=D49)
	assert_failure 3
}

@test "every missing required field is named, all at once" {
	run --separate-stderr pathway-new ins=255081416802538 sex=F
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: family_name: missing" ]
	[ "${stderr_lines[1]}" = "pathway-new: given_names: missing" ]
	[ "${stderr_lines[2]}" = "pathway-new: birth_date: missing" ]
	[ "${stderr_lines[3]}" = "pathway-new: icd10: missing" ]
	[ "${stderr_lines[4]}" = "pathway-new: diagnosis_date: missing" ]
}

@test "an unknown field or a derived one is a usage error" {
	run --separate-stderr pathway-new "${jeanne[@]}" colour=blue
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-new: colour=blue: not field=value with a pathway field (pathway-new -h)" ]
	run --separate-stderr pathway-new "${jeanne[@]}" pathway_id=x
	assert_failure 2
	[ "${stderr_lines[0]}" = "pathway-new: pathway_id is derived by pathway-new, not given" ]
}

@test "a bad name never shows the name in the message" {
	run --separate-stderr pathway-new $(with family_name=Mart1n)
	assert_failure 3
	[[ "$stderr" != *Mart1n* ]]
	[[ "${stderr_lines[0]}" == "pathway-new: family_name: "* ]]
}

@test "a bad NIR never shows the NIR in the message" {
	run --separate-stderr pathway-new $(with ins=2550814168025)
	assert_failure 3
	[[ "$stderr" != *2550814168025* ]]
}

@test "-r with field=value writes the operands, the line and the reason" {
	run --separate-stderr pathway-new -r rej.csv $(with ins=255081416802599)
	assert_failure 3
	[ "$stderr" = "pathway-new: 1 read, 0 written, 0 skipped, 1 rejected" ]
	run cat rej.csv
	assert_line --index 0 "ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date,line,reason"
	assert_line --index 1 '255081416802599,Martin,Jeanne,1955-08-02,F,C509,2026-10-12,0,"ins: bad key 99, expected 38"'
}

@test "-t writes TSV" {
	run pathway-new -t "${jeanne[@]}"
	assert_success
	[ "${lines[0]}" = "$(echo "$hdr" | tr , '\t')" ]
	[[ "${lines[1]}" == *$'\t'255081416802538$'\t'* ]]
}

map_fixture() {
	cat > test.map <<'EOF'
# a semicolon export with French headers
delimiter ;
encoding cp1252
date-format %d/%m/%Y
column ins            NIR
column local_id       IPP
column family_name    NOM
column given_names    "Prénom"
column birth_date     DATE NAISS
column sex            SEXE
column icd10          CIM10
column diagnosis_date DATE_DIAG
set finess 750712184
rewrite sex   ^(M|H|1)$  M
rewrite sex   ^(F|2)$    F
rewrite ins   \s+        ""
EOF
	printf 'IPP;NIR;NOM;Pr\xe9nom;DATE NAISS;SEXE;CIM10;DATE_DIAG;ADRESSE\r\n' > exp.csv
	printf 'A1;2 55 08 14 168 025 38;Lef\xe8vre;Jeanne;02/08/1955;2;C509;12/10/2026;"1 rue; Paris"\r\n' >> exp.csv
	printf 'A2;178059933010817;N\x92Diaye;Jean;01/05/1978;H;C18.7    ;1/9/2026;\r\n' >> exp.csv
	printf 'A3;178059933010817;Dupont;Jean;01/05/1978;1;C18.7;31/02/2026;\r\n' >> exp.csv
}

@test "a map reads a cp1252 semicolon export: headers, rewrites, dates, constants" {
	map_fixture
	run --separate-stderr pathway-new -m test.map exp.csv
	assert_failure 3
	[ "${lines[0]}" = "$hdr" ]
	[[ "${lines[1]}" =~ ^[0-9a-f-]{25},255081416802538,A1,Lefèvre,Jeanne,1955-08-02,F,C50.9,,,2026-10-12,750712184,,,,,,,,2026-11-23T00:00:00Z$ ]]
	[[ "${lines[2]}" =~ ,178059933010817,A2,N’Diaye,Jean,1978-05-01,M,C18.7,,,2026-09-01,750712184, ]]
	[ "${#lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "pathway-new: exp.csv:4: diagnosis_date: no day 31 in February 2026" ]
	[ "${stderr_lines[1]}" = "pathway-new: 3 read, 2 written, 0 skipped, 1 rejected" ]
}

@test "-e and -d on the command line override the map" {
	map_fixture
	iconv -f cp1252 -t utf-8 exp.csv | tr ';' '|' > exp-utf8.csv
	run --separate-stderr pathway-new -m test.map -e utf-8 -d pipe exp-utf8.csv
	assert_failure 3
	assert_line --index 1 --regexp ',Lefèvre,Jeanne,'
}

@test "a map naming a header the export lacks is an error for that file" {
	map_fixture
	sed -i 's/^column local_id.*/column local_id PATIENT/' test.map
	run --separate-stderr pathway-new -m test.map exp.csv
	assert_failure 3
	[ "$output" = "$hdr" ]
	[ "${stderr_lines[0]}" = 'pathway-new: exp.csv:1: header: no column "PATIENT" (the map reads local_id from it)' ]
}

@test "a bad map is a usage error naming its line" {
	printf 'delimiter ;\ncolumn nothing X\n' > bad.map
	run --separate-stderr pathway-new -m bad.map /dev/null
	assert_failure 2
	[ "$stderr" = "pathway-new: bad.map:2: no column nothing in the pathway table" ]
	printf 'rewrite sex ^(M $1\n' > bad.map
	run --separate-stderr pathway-new -m bad.map /dev/null
	assert_failure 2
	[ "$stderr" = "pathway-new: bad.map:1: rewrite pattern: missing closing parenthesis at offset 3" ]
	printf 'frobnicate\n' > bad.map
	run --separate-stderr pathway-new -m bad.map /dev/null
	assert_failure 2
	[ "$stderr" = "pathway-new: bad.map:1: unknown directive frobnicate" ]
}

@test "a catastrophic rewrite pattern is stopped by the match limit and rejects the row" {
	map_fixture
	echo 'rewrite family_name ^(a+)+$ x' >> test.map
	printf 'IPP;NIR;NOM;Pr\xe9nom;DATE NAISS;SEXE;CIM10;DATE_DIAG\r\nA1;255081416802538;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab;Jeanne;02/08/1955;2;C509;12/10/2026\r\n' > slow.csv
	run --separate-stderr timeout 20 pathway-new -m test.map slow.csv
	assert_failure 3
	[[ "${stderr_lines[0]}" == "pathway-new: slow.csv:2: family_name: rewrite of test.map line 17: "* ]]
}

@test "a rewrite may lengthen a value past twice its size, and the next one work on that" {
	map_fixture
	# 150 bytes from 6: more than the room first made for the result.
	long="Jeanne $(printf 'Marie-Thérèse %.0s' 1 2 3 4 5 6 7 8 9)"
	echo "rewrite given_names ^Jeanne\$ \"$long\"" >> test.map
	echo 'rewrite given_names "^(\S+) (\S+) .*$" "$1 $2"' >> test.map
	run --separate-stderr timeout 20 pathway-new -m test.map exp.csv
	assert_failure 3
	[[ "${lines[1]}" == *",A1,Lefèvre,Jeanne Marie-Thérèse,1955-08-02,F,"* ]]
	[[ "${lines[2]}" == *",A2,N’Diaye,Jean,1978-05-01,M,"* ]]
	[ "${stderr_lines[1]}" = "pathway-new: 3 read, 2 written, 0 skipped, 1 rejected" ]
}

@test "importing the same export twice adds nothing the second time" {
	map_fixture
	run pathway-new -m test.map -P p.csv -a p.csv -r r1.csv exp.csv
	assert_failure 3
	[ "$(wc -l < p.csv)" -eq 3 ]
	cp p.csv first.csv
	run --separate-stderr pathway-new -m test.map -P p.csv -a p.csv -r r2.csv exp.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-new: 3 read, 0 written, 2 skipped, 1 rejected" ]
	cmp p.csv first.csv
}

@test "a pathway repeated within one export is written once and counted skipped" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date\n' > dup.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' >> dup.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C509,2026-10-12\n' >> dup.csv
	run --separate-stderr pathway-new -v dup.csv
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "pathway-new: 2 read, 1 written, 1 skipped, 0 rejected" ]
}

@test "a known pathway whose row changed is written again as a correction" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date,referent_contact\n' > v1.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12,01 23 45 67 89\n' >> v1.csv
	pathway-new -a p.csv v1.csv
	sed 's/01 23 45 67 89/01 98 76 54 32/' v1.csv > v2.csv
	run --separate-stderr pathway-new -v -P p.csv -a p.csv v2.csv
	assert_success
	[ "$stderr" = "pathway-new: 1 read, 1 written (1 correction), 0 skipped, 0 rejected" ]
	[ "$(wc -l < p.csv)" -eq 3 ]
	[ "$(sed -n 2p p.csv | cut -d, -f1)" = "$(sed -n 3p p.csv | cut -d, -f1)" ]
	# importing either version again adds nothing
	run --separate-stderr pathway-new -v -P p.csv -a p.csv v2.csv
	[ "$stderr" = "pathway-new: 1 read, 0 written, 1 skipped, 0 rejected" ]
	run --separate-stderr pathway-new -v -P p.csv -a p.csv v1.csv
	[ "$stderr" = "pathway-new: 1 read, 0 written, 1 skipped, 0 rejected" ]
	[ "$(wc -l < p.csv)" -eq 3 ]
}

@test "an export holding two versions of a pathway adds nothing when imported again" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date\n' > two.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' >> two.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C50.4,2026-10-12\n' >> two.csv
	run --separate-stderr pathway-new -v -P p.csv -a p.csv two.csv
	[ "$stderr" = "pathway-new: 2 read, 2 written (1 correction), 0 skipped, 0 rejected" ]
	run --separate-stderr pathway-new -v -P p.csv -a p.csv two.csv
	assert_success
	[ "$stderr" = "pathway-new: 2 read, 0 written, 2 skipped, 0 rejected" ]
	[ "$(wc -l < p.csv)" -eq 3 ]
}

@test "a second primary cancer is a second pathway" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date\n' > two.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' >> two.csv
	printf '255081416802538,Martin,Jeanne,1955-08-02,F,C18.7,2026-11-02\n' >> two.csv
	run pathway-new two.csv
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$(cut -d, -f1 <<<"${lines[1]}")" != "$(cut -d, -f1 <<<"${lines[2]}")" ]
}

@test "a child's pathway: a leukaemia at 4 with an ICD-O-3 morphology" {
	run pathway-new ins=122057512345656 family_name=Petit given_names=Léo \
	    birth_date=2022-05-14 sex=M icd10=C91.0 icdo3_morphology=98363 \
	    icdo3_topography=C42.1 diagnosis_date=2026-09-30
	assert_success
	assert_line --index 1 --regexp ',Petit,Léo,2022-05-14,M,C91.0,C42.1,9836/3,2026-09-30,'
}

@test "pipeline: the output of one run is valid input of another, which skips what it knows" {
	map_fixture
	pathway-new -m test.map exp.csv > first.csv 2>/dev/null || true
	run --separate-stderr sh -c 'pathway-new -m test.map exp.csv 2>/dev/null | pathway-new -v -P first.csv'
	assert_success
	[ "$output" = "$hdr" ]
	[ "$stderr" = "pathway-new: 2 read, 0 written, 2 skipped, 0 rejected" ]
}

@test "canonical output read back gives the same rows (round trip)" {
	map_fixture
	pathway-new -m test.map exp.csv > a.csv 2>/dev/null || true
	pathway-new a.csv > b.csv
	cmp a.csv b.csv
}

@test "a FINESS starting 2A is accepted with a warning that its key is not verified" {
	run --separate-stderr pathway-new $(with finess=2A0000011)
	assert_success
	[[ "$stderr" == "pathway-new: finess: "* ]]
	assert_line --index 1 --regexp ',2A0000011,'
}

@test "-m with a bare name finds a bundled map in the share directory" {
	printf 'delimiter ;\ncolumn ins NIR\n' > "$BATS_TEST_TMPDIR/mine.map"
	mkdir sub && cd sub
	PARCOURS_SHARE=$BATS_TEST_TMPDIR run --separate-stderr pathway-new -m mine /dev/null
	assert_failure 3
	[ "$stderr" = "pathway-new: /dev/null: empty input, no header line" ]
	PARCOURS_SHARE=$BATS_TEST_TMPDIR run --separate-stderr pathway-new -m nosuch /dev/null
	assert_failure 2
	[ "$stderr" = "pathway-new: nosuch: No such file or directory" ]
}

@test "the EXAMPLES of pathway-new(1) run as written" {
	man_examples pathway-new.1 > examples.sh
	[ "$(grep -c pathway-new examples.sh)" -eq 3 ]
	unset PARCOURS_KEY
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	# the last example lists the web sample's pathways: header + 53
	[ "${#lines[@]}" -eq 54 ]
	[ "${lines[0]}" = "$(printf 'pathway_id\ticd10\tdiagnosis_date')" ]
	[ "$(stat -c %a site.key)" = 600 ]
	# the import (271 pathways) and the one recorded by hand
	[ "$(wc -l < pathways.csv)" -eq 273 ]
	[ "$(sed -n '1p' rejects.csv | cut -d, -f1)" = IPP ]
	# running the import again writes nothing
	run pathway-new -k site.key -m dpi-cp1252 -P pathways.csv \
	    -a pathways.csv -r rejects.csv "$share/sample-dpi.csv"
	[ "$(wc -l < pathways.csv)" -eq 273 ]
}

@test "repeats are found among thousands of ids read from a pipe, as from a file" {
	# A pipe has no size to size the set of ids from: it grows as it
	# fills, and every id must still be found after each growth.
	gen-export -s 12 -n 3000 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o once.csv export.csv || true
	n=$(($(wc -l < once.csv) - 1))
	[ "$n" -gt 2000 ]
	{ cat once.csv; tail -n +2 once.csv; } > twice.csv
	run --separate-stderr pathway-new twice.csv
	assert_success
	[ "$stderr" = "" ]
	from_file=$output
	run --separate-stderr sh -c 'cat twice.csv | pathway-new -v'
	assert_success
	[ "$stderr" = "pathway-new: $((2 * n)) read, $n written, $n skipped, 0 rejected" ]
	[ "$output" = "$from_file" ]
	[ "$output" = "$(cat once.csv)" ]
}
