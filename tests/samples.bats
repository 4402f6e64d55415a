#!/usr/bin/env bats
# The bundled samples and their maps: what pathway-new makes of them is
# exactly what the generator says it broke (tests/gen/*.expected).

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
}

# LINE<TAB>COLUMN of each diagnostic of pathway-new -v ("-" for a row that
# could not be read), in the sidecar's form.
problems() {
	sed -n 's/^pathway-new: [^:]*:\([0-9]*\)\( (record [0-9]*)\)\{0,1\}: \(.*\)$/\1\t\3/p' |
	    awk -F'\t' '{ c = $2; sub(/:.*/, "", c)
		if ($2 ~ /^(row has|unterminated|stray|record longer)/) c = "-"
		print $1 "\t" c }'
}

check_sample() {	# sample map sidecar read written skipped rejected
	run --separate-stderr pathway-new -v -m "$share/$2" -r rej.csv \
	    "$share/$1"
	assert_failure 3
	[ "${stderr_lines[-1]}" = "pathway-new: $4 read, $5 written, $6 skipped, $7 rejected" ]
	printf '%s\n' "$stderr" | problems | sort > got
	grep -v 'duplicate$' "$root/tests/gen/$3" | cut -f1,2 | sort > want
	diff want got
	# every input row is accounted for in the reject file
	[ "$(grep -c . want)" -eq "$7" ]
}

@test "the DPI sample (cp1252, semicolons, CRLF): the rejected rows are exactly the broken ones" {
	check_sample sample-dpi.csv dpi-cp1252.map sample-dpi.expected 300 271 1 28
}

@test "the web sample (UTF-8 with a BOM, commas): the rejected rows are exactly the broken ones" {
	check_sample sample-web.csv web-utf8.map sample-web.expected 60 53 1 6
}

@test "the reject stream of a sample holds its original columns, then line and reason" {
	pathway-new -m "$share/dpi-cp1252.map" -r rej.csv "$share/sample-dpi.csv" >/dev/null 2>&1 || true
	run head -n 1 rej.csv
	assert_output "IPP,NIR,NOM,PRENOM,DATE_NAISSANCE,SEXE,CIM10,TOPO_CIMO3,MORPHO_CIMO3,DATE_DIAG,FINESS,RPPS_REFERENT,MEDECIN_REFERENT,TEL_REFERENT,TEL_EQUIPE,RPPS_MT,MEDECIN_TRAITANT,TEL_MT,ADRESSE,line,reason"
	[ "$(stat -c %a rej.csv)" = 600 ]
	# fed back through the same map (it is UTF-8 and commas now): the
	# same 28 rows, the ragged ones and the unterminated one included
	run --separate-stderr pathway-new -v -m "$share/dpi-cp1252.map" \
	    -e utf-8 -d , -r rej2.csv rej.csv
	[ "${stderr_lines[-1]}" = "pathway-new: 28 read, 0 written, 0 skipped, 28 rejected" ]
}

@test "accents of the cp1252 sample come out as UTF-8" {
	run pathway-new -m "$share/dpi-cp1252.map" "$share/sample-dpi.csv"
	[ "$status" -eq 3 ]
	printf '%s\n' "$output" | iconv -f utf-8 -t utf-8 >/dev/null
	[[ "$output" == *é* ]]
}

@test "the samples are what the generator makes from their seeds" {
	gen-export -s 2026 -n 300 -f dpi -x dpi.expected > dpi.csv
	cmp dpi.csv "$share/sample-dpi.csv"
	cmp dpi.expected "$root/tests/gen/sample-dpi.expected"
	gen-export -s 7 -n 60 -f web -x web.expected > web.csv
	cmp web.csv "$share/sample-web.csv"
	cmp web.expected "$root/tests/gen/sample-web.expected"
}

@test "the event samples go in through their maps: every event resolved, the two broken rows rejected" {
	pathway-new -m "$share/dpi-cp1252.map" -a p.csv "$share/sample-dpi.csv" 2>/dev/null || true
	run --separate-stderr pathway-event -v -m visits -P p.csv -a e.csv "$share/sample-visits.csv"
	assert_failure 3
	[ "${stderr_lines[0]}" = "pathway-event: $share/sample-visits.csv:2535: ins: no pathway for this INS and ICD-10 category" ]
	[[ "${stderr_lines[1]}" == "pathway-event: $share/sample-visits.csv:2536: kind: \"Téléconsultation\" is not a word of event_kind ("* ]]
	[ "${stderr_lines[2]}" = "pathway-event: 2535 read, 2533 written, 0 skipped, 2 rejected" ]
	run --separate-stderr pathway-event -v -m ald -P p.csv -a e.csv "$share/sample-ald.csv"
	assert_success
	[ "$stderr" = "pathway-event: 738 read, 738 written, 0 skipped, 0 rejected" ]
	[ "$(grep -c ',ald-granted,' e.csv)" -eq 227 ]
	# the same exports again add nothing
	run --separate-stderr pathway-event -v -m ald -P p.csv -a e.csv "$share/sample-ald.csv"
	[ "$stderr" = "pathway-event: 738 read, 0 written, 738 skipped, 0 rejected" ]
}

@test "the event samples are what their generator makes from the DPI sample" {
	mkdir out
	sh "$root/tests/gen/gen-events.sh" "$PARCOURS_BIN" out
	cmp out/sample-visits.csv "$share/sample-visits.csv"
	cmp out/sample-ald.csv "$share/sample-ald.csv"
}
