#!/usr/bin/env bats
# pps-render: the accepted proposal chosen, what a PPS must carry (and the
# pathways that lack it), both inputs, golden documents in each language
# and format, a child's PPS, escaping for text and HTML, templates and
# their errors, the directory, -o, exit statuses, and the HTML printed to
# PDF by a headless browser.

bats_require_minimum_version 1.5.0
load helper

golden=$root/tests/golden/pps
A=0000-00000000000000000001	# an adult, breast cancer
C=0000-00000000000000000002	# a child, brain tumour

setup() {
	helper_setup
	cat > pathways.csv <<-'EOF'
	pathway_id,ins,local_id,family_name,given_names,birth_date,sex,icd10,icdo3_topography,icdo3_morphology,diagnosis_date,finess,referent_rpps,referent_name,referent_contact,team_contact,gp_rpps,gp_name,gp_contact,recorded_at
	0000-00000000000000000001,184023642751893,IPP1,MARTIN,Claire,1968-05-14,F,C50.9,,,2026-10-01,750100125,,Dr Sophie Marchetti,06 39 98 12 15,,,Dr Hervé Chevalier,01 99 00 14 09,2026-10-02T10:00:00Z
	0000-00000000000000000002,239082704376190,IPP2,PETIT,Léo,2016-03-02,M,C71.9,,,2026-09-15,750160012,,Dr Anne Roux,06 39 98 22 33,,,,,2026-09-16T10:00:00Z
	EOF
	cat > rcp.csv <<-'EOF'
	rcp_id,pathway_id,meeting_date,meeting_kind,mode,motive,specialties,proposal,trial_id,guideline,guideline_conform,consent_by,patient_decision,decision_date,notes,recorded_at
	r1,0000-00000000000000000001,2026-10-20,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery|radiotherapy|hormone-therapy,,,,patient,accepted,2026-10-27,,2026-10-28T09:00:00Z
	r2,0000-00000000000000000002,2026-09-25,pediatric,discussed,initial,pediatric-oncology|pediatric-surgery|radiotherapy,surgery|chemotherapy|trial,NCT01234567,,,mother,accepted,2026-09-30,,2026-10-01T09:00:00Z
	EOF
	cat > events.csv <<-'EOF'
	pathway_id,date,kind,until,detail,source,recorded_at
	0000-00000000000000000001,2026-10-27,announcement,,,,
	0000-00000000000000000001,2026-11-02,ald-request,,,,
	0000-00000000000000000001,2026-11-10,treatment-start,,tumorectomie,,
	0000-00000000000000000001,2026-12-15,treatment-start,,radiothérapie 5 semaines,,
	0000-00000000000000000002,2026-10-01,treatment-start,,chimiothérapie,,
	EOF
	rcphdr=$(head -1 rcp.csv)
	pwhdr=$(head -1 pathways.csv)
}

pps() { run --separate-stderr pps-render "$@"; }
# Replaces field $2 (1-based) of line $1 of file $3 by $4.
setf() { awk -F, -v OFS=, -v l="$1" -v c="$2" -v v="$4" \
	'NR == l { $c = v } { print }' "$3" > "$3.new" && mv "$3.new" "$3"; }

@test "--version names the tool and the suite" {
	run pps-render --version
	assert_success
	assert_output "pps-render (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run pps-render --help
	assert_success
	assert_line --index 0 "pps-render - personalised care programmes (PPS) of accepted proposals (parcours)"
	assert_line --index 1 "Examples:"
}

@test "bad options are usage errors with status 2" {
	pps -z
	assert_failure 2
	[[ "${stderr_lines[1]}" == "usage: pps-render [-f text|html] [-l fr|en]"* ]]
	pps -f pdf pathways.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "pps-render: -f pdf: text or html" ]
	pps -l de pathways.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "pps-render: -l de: fr or en" ]
}

@test "golden: French text" {
	pps -R rcp.csv -E events.csv pathways.csv
	assert_success
	[ "$stderr" = "" ]
	diff -u "$golden/pps.fr.txt" <(printf '%s\n' "$output")
}

@test "golden: English text" {
	pps -l en -R rcp.csv -E events.csv pathways.csv
	assert_success
	diff -u "$golden/pps.en.txt" <(printf '%s\n' "$output")
}

@test "golden: French HTML" {
	pps -f html -R rcp.csv -E events.csv pathways.csv
	assert_success
	diff -u "$golden/pps.fr.html" <(printf '%s\n' "$output")
}

@test "golden: English HTML" {
	pps -l en -f html -R rcp.csv -E events.csv pathways.csv
	assert_success
	diff -u "$golden/pps.en.html" <(printf '%s\n' "$output")
}

@test "documents on stdout are separated by a form feed line, and none other" {
	pps-render -R rcp.csv pathways.csv > out
	[ "$(grep -c $'^\f$' out)" -eq 1 ]
	[ "$(grep -c $'\f' out)" -eq 1 ]
	[ "$(grep -c '^PROGRAMME PERSONNALISÉ DE SOINS (PPS)$' out)" -eq 2 ]
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
}

@test "text is wrapped at 72 characters and a telephone number is never cut" {
	pps -R rcp.csv pathways.csv
	assert_success
	# Characters, not bytes: whatever the locale of the test.
	[ "$(printf '%s\n' "$output" | LC_ALL=C.UTF-8 grep -c '^.\{73\}')" -eq 0 ]
	[ "$(printf '%s\n' "$output" | LC_ALL=C.UTF-8 grep -c '^.\{70\}')" -gt 10 ]
	assert_line "  - Une question sur la décision prise : le médecin référent,"
	assert_line "    06 39 98 12 15."
}

@test "the NIR and the IPP are in no document" {
	for f in text html; do
		pps -f "$f" -R rcp.csv pathways.csv
		assert_success
		refute_output --partial 184023642751893
		refute_output --partial 239082704376190
		refute_output --partial IPP1
	done
}

@test "rcp rows joined with -P give the same documents as pathway rows with -R" {
	pps-render -E events.csv -R rcp.csv pathways.csv > a
	pps -E events.csv -P pathways.csv rcp.csv
	assert_success
	diff -u a <(printf '%s\n' "$output")
	pps-render -E events.csv -P pathways.csv < rcp.csv | cmp - a
}

@test "pathway rows need -R, rcp rows need -P (status 2); another table is refused (3)" {
	pps pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: pathways.csv: pathway rows: -R rcp is needed" ]
	pps rcp.csv
	assert_failure 2
	[ "$stderr" = "pps-render: rcp.csv: rcp rows: -P pathways is needed" ]
	pps -R rcp.csv events.csv
	assert_failure 3
	[ "$stderr" = "pps-render: events.csv:1: header: neither pathway rows (birth_date) nor rcp rows (patient_decision)" ]
	[ "$output" = "" ]
}

@test "a pending proposal is no PPS; the other pathway is still rendered" {
	setf 3 13 rcp.csv pending
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pps-render: rcp.csv:3: patient_decision: "pending", and no proposal of this pathway accepted: no PPS' ]
	[ "${stderr_lines[1]}" = "pps-render: pathways: 2 read, 1 rendered, 1 without a PPS" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	assert_line "Pour Claire MARTIN"
	refute_output --partial "Léo"
}

@test "the accepted proposal of the latest meeting is the one in force; a later pending one does not undo it" {
	sed -i 3d pathways.csv
	echo "r3,$A,2026-11-20,standard,discussed,change,surgery|medical-oncology|radiotherapy,chemotherapy,,,,patient,pending,,,2026-11-21T09:00:00Z" >> rcp.csv
	pps -R rcp.csv pathways.csv
	assert_success
	assert_line "  - hormonothérapie"
	refute_line "  - chimiothérapie"
	echo "r4,$A,2026-11-22,standard,discussed,change,surgery|medical-oncology|radiotherapy,immunotherapy,,,,patient,accepted,2026-11-22,,2026-11-22T09:00:00Z" >> rcp.csv
	pps -R rcp.csv pathways.csv
	assert_success
	assert_line "  - immunothérapie"
	refute_line "  - hormonothérapie"
	# A correction of r4 (same rcp_id, a later row) withdraws it.
	echo "r4,$A,2026-11-22,standard,discussed,change,surgery|medical-oncology|radiotherapy,immunotherapy,,,,patient,refused,2026-11-22,,2026-11-23T09:00:00Z" >> rcp.csv
	pps -R rcp.csv pathways.csv
	assert_success
	assert_line "  - hormonothérapie"
	# The same as the input, with -P.
	grep -v "$C" rcp.csv > r.csv
	pps -P pathways.csv r.csv
	assert_success
	assert_line "  - hormonothérapie"
	refute_line "  - immunothérapie"
}

@test "a pathway's latest row is the one read, at the place of its first" {
	sed -n 2p pathways.csv | sed 's/Dr Sophie Marchetti,06 39 98 12 15/Dr Paul Durand,06 39 98 44 55/' >> pathways.csv
	pps -R rcp.csv pathways.csv
	assert_success
	assert_line "Médecin référent : Dr Paul Durand, 06 39 98 44 55"
	refute_output --partial "Marchetti"
	[ "${lines[1]}" = "Pour Claire MARTIN" ]
	[ "$(grep -c '^Pour ' <<< "$output")" -eq 2 ]
}

@test "with -P, a corrected rcp row (same rcp_id) before another pathway's row" {
	{ head -2 rcp.csv; sed -n 2p rcp.csv | sed 's/hormone-therapy/hormone-therapy|targeted-therapy/'
	  sed -n 3p rcp.csv; } > r.csv
	pps -E events.csv -P pathways.csv r.csv
	assert_success
	assert_line "  - thérapie ciblée"
	[ "$(grep -c '^Pour ' <<< "$output")" -eq 2 ]
}

@test "rcp rows without rcp_id (made by hand) are all read: an earlier acceptance counts" {
	printf '%s\n' pathway_id,meeting_date,proposal,patient_decision \
	    "$A,2026-10-20,surgery,accepted" "$A,2026-11-20,chemotherapy,pending" > r.csv
	pps -P pathways.csv r.csv
	assert_success
	assert_line "  - chirurgie"
	refute_line "  - chimiothérapie"
}

@test "a pathway without an rcp row, or refused, gets no PPS" {
	sed -i 3d rcp.csv
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:3: pathway_id: no rcp row in rcp.csv: no PPS" ]
	setf 2 13 rcp.csv refused
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pps-render: rcp.csv:2: patient_decision: "refused", and no proposal of this pathway accepted: no PPS' ]
	[ "${stderr_lines[2]}" = "pps-render: pathways: 2 read, 0 rendered, 2 without a PPS" ]
	[ "$output" = "" ]
}

@test "with -P, an rcp row of an unknown pathway is no PPS" {
	echo "r9,0000-00000000000000000009,2026-11-20,standard,discussed,initial,surgery|medical-oncology|radiotherapy,surgery,,,,patient,accepted,,,2026-11-21T09:00:00Z" >> rcp.csv
	pps -P pathways.csv rcp.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pps-render: rcp.csv:4: pathway_id: "0000-00000000000000000009" is not in pathways.csv: no PPS' ]
	[ "${stderr_lines[1]}" = "pps-render: pathways: 3 read, 2 rendered, 1 without a PPS" ]
}

@test "no referring physician's name or contact is an error naming the pathway row" {
	setf 2 14 pathways.csv ""
	setf 2 15 pathways.csv ""
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: referent_name: empty: the PPS must give the referring physician's name" ]
	[ "${stderr_lines[1]}" = "pps-render: pathways.csv:2: referent_contact: empty: the PPS must give the referring physician's contact" ]
	[ "${stderr_lines[2]}" = "pps-render: pathways: 2 read, 1 rendered, 1 without a PPS" ]
	# Nothing that identifies the patient in a diagnostic.
	[[ "$stderr" != *MARTIN* && "$stderr" != *Claire* && "$stderr" != *1968* ]]
	# With -P, the pathway's own row is named, not the rcp row.
	pps -P pathways.csv rcp.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: referent_name: empty: the PPS must give the referring physician's name" ]
}

@test "no care team is an error; team_contact stands in for a FINESS the directory lacks" {
	setf 2 12 pathways.csv 130781073
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: team_contact: empty, and no team of this finess in $share/directory.csv: the PPS must give the care team's contact" ]
	setf 2 16 pathways.csv "01 99 00 77 77"
	pps -R rcp.csv pathways.csv
	assert_success
	assert_line "Équipe soignante : 01 99 00 77 77"
	setf 2 12 pathways.csv ""
	setf 2 16 pathways.csv ""
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: team_contact: empty, and no finess to find the team in $share/directory.csv: the PPS must give the care team's contact" ]
}

@test "a pathway must find a patient association of its region and age group" {
	grep -v '^association,' "$share/directory.csv" > dir.csv
	echo 'association,,ile-de-france,child,Parents (exemple),01 99 00 31 01,,,' >> dir.csv
	pps -D dir.csv -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: finess: no patient association in dir.csv for this establishment, its region and the patient's age group: the PPS must give one" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	assert_line "  - Parents (exemple) : 01 99 00 31 01"
	# Another region's association does not count.
	sed -i 's/ile-de-france,child/occitanie,child/' dir.csv
	pps -D dir.csv -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[2]}" = "pps-render: pathways: 2 read, 0 rendered, 2 without a PPS" ]
}

@test "a child's PPS is addressed to the child and the parents" {
	sed -i 2d pathways.csv
	pps -R rcp.csv pathways.csv
	assert_line "Pour Léo PETIT et ses parents"
	assert_line --partial "Léo, ce document est pour toi et pour tes parents."
	assert_line "3. QUI S'OCCUPE DE TOI"
	assert_line "  - Enseignants à l'hôpital (exemple) : 01 99 00 20 05 (pendant"
	assert_line "  - Association des parents d'enfants malades (exemple) : 01 99 00 30 03"
	refute_line --partial "Association d'entraide des patients"
	pps -l en -R rcp.csv pathways.csv
	assert_line "For Léo PETIT and their parents"
	assert_line "3. WHO LOOKS AFTER YOU"
	refute_line "3. YOUR TEAM"
}

@test "18 on the day of the document is an adult; 17 and 364 days a child" {
	setf 3 6 pathways.csv 2008-11-23
	pps -R rcp.csv pathways.csv
	assert_line "Pour Léo PETIT"
	assert_line "  - Association d'entraide des patients (exemple) : 01 99 00 30 01 (du"
	# 18 is also an adolescent or young adult.
	assert_line "  - Association des adolescents et jeunes adultes (exemple) :"
	setf 3 6 pathways.csv 2008-11-24
	pps -R rcp.csv pathways.csv
	assert_line "Pour Léo PETIT et ses parents"
	assert_line "  - Association des adolescents et jeunes adultes (exemple) :"
}

@test "a birth date that is not a date, or a bad proposal word, is no PPS" {
	setf 2 6 pathways.csv 1968-02-30
	setf 3 8 rcp.csv "surgery|magic"
	pps -R rcp.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:2: birth_date: not a date (YYYY-MM-DD) before today" ]
	[[ "${stderr_lines[1]}" == 'pps-render: rcp.csv:3: proposal: '*'"magic"'* ]]
	[ "$output" = "" ]
}

@test "the calendar lists treatment events by date, marks those to come, and skips the rest" {
	pps -R rcp.csv -E events.csv pathways.csv
	assert_success
	assert_line "  - 27 octobre 2026 : consultation d'annonce"
	assert_line "  - 10 novembre 2026 : début de traitement (tumorectomie)"
	assert_line "  - 15 décembre 2026 : début de traitement (radiothérapie 5 semaines) -"
	assert_line "    à venir"
	refute_output --partial "ALD"
	pps -R rcp.csv pathways.csv
	assert_line "L'équipe vous donnera les dates de vos soins dès qu'elles seront fixées."
}

@test "a closed pathway (death, transfer, closed) gets no PPS" {
	echo "$C,2026-11-01,death,,,," >> events.csv
	pps -R rcp.csv -E events.csv pathways.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = "pps-render: pathways.csv:3: kind: the pathway is closed (death, events.csv:7): no PPS" ]
}

@test "HTML: names holding markup, braces and quotes stay text, in elements and attributes" {
	setf 2 4 pathways.csv '<script>alert(1)</script>'
	setf 2 5 pathways.csv "\"{{x}} \"\"Jo's\"\" &\""
	setf 2 14 pathways.csv "\"Dr \"\"O'Neil\"\" & Co\""
	pps -f html -R rcp.csv pathways.csv
	assert_success
	refute_output --partial "<script"
	refute_output --partial "O'Neil"
	assert_line '<meta name="description" content="Programme personnalisé de soins de {{x}} &quot;Jo&#39;s&quot; &amp; &lt;script&gt;alert(1)&lt;/script&gt;">'
	assert_line '<title>Programme personnalisé de soins - {{x}} &quot;Jo&#39;s&quot; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</title>'
	assert_line '<p class="meta">Pour <strong>{{x}} &quot;Jo&#39;s&quot; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</strong>, né(e) le 14 mai 1968.</p>'
	assert_line '<dd>Dr &quot;O&#39;Neil&quot; &amp; Co, 06 39 98 12 15</dd>'
	# The text output shows them as written, never expanded.
	pps -R rcp.csv pathways.csv
	assert_line "Pour {{x}} \"Jo's\" & <script>alert(1)</script>"
}

@test "text: no control character from the data reaches the terminal" {
	setf 2 14 pathways.csv $'Dr \e[31mRed\e[0m\x07 Tab\there'
	# A right-to-left override would turn the rest of the line around.
	setf 2 5 pathways.csv "$(printf 'Cla\342\200\256ire\342\201\246')"
	printf '%s\n' "$A,2026-12-01,visit,,\"bilan$(printf '\302\233')2J\",," >> events.csv
	pps -R rcp.csv -E events.csv pathways.csv
	assert_success
	[ "$(printf '%s' "$output" | tr -d '\f' | LC_ALL=C grep -c '[[:cntrl:]]')" -eq 0 ]
	[ "$(printf '%s' "$output" | grep -c $'\302\233')" -eq 0 ]
	assert_line "Médecin référent : Dr [31mRed[0m Tab here, 06 39 98 12 15"
	assert_line "Pour Claire MARTIN"
	assert_line "  - 1er décembre 2026 : consultation de suivi (bilan2J) - à venir"
	pps -f html -R rcp.csv pathways.csv
	[ "$(printf '%s' "$output" | tr -d '\f' | LC_ALL=C grep -c $'\e')" -eq 0 ]
	assert_line '<p class="meta">Pour <strong>Claire MARTIN</strong>, né(e) le 14 mai 1968.</p>'

}

@test "-T replaces the template; -l still chooses the labels" {
	cat > t.txt <<-'EOF'
	{{! our own }}
	{{given_names}}: {{#proposal}}[{{label}}]{{/proposal}}
	{{team_name}}
	{{#child}}
	child
	{{/child}}
	{{^trial_id}}
	no trial
	{{/trial_id}}
	EOF
	pps -T t.txt -R rcp.csv pathways.csv
	assert_success
	[ "$output" = $'Claire: [chirurgie][radiothérapie][hormonothérapie]\nService d\'oncologie médicale (exemple)\nno trial\n\f\nLéo: [chirurgie][chimiothérapie][essai clinique]\nService d\'oncologie pédiatrique (exemple)\nchild' ]
	pps -l en -T t.txt -R rcp.csv pathways.csv
	assert_line "Claire: [surgery][radiotherapy][hormone therapy]"
}

@test "template errors name the file and line, with status 2" {
	printf 'a\n{{#calendar}}\n{{date}}\n' > t1
	pps -T t1 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t1:2: {{#calendar}} is not closed" ]
	printf 'a\n\n{{#calendar}}{{/proposal}}\n' > t2
	pps -T t2 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t2:3: {{/proposal}} closes {{#calendar}} of line 3" ]
	printf '{{!\ncomment\n}}\n{{nmae}}\n' > t3
	pps -T t3 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t3:4: {{nmae}}: unknown name" ]
	printf 'x\n{{given_names\n}}\n' > t4
	pps -T t4 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t4:2: a tag ends on its line: {{ without }}" ]
	printf '{{a b}}' > t5
	pps -T t5 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t5:1: a tag holds a name of letters, digits, _ and - ({{name}})" ]
	printf 'x\n\xff\n' > t6
	pps -T t6 -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: t6:2: not UTF-8 (byte 3)" ]
	pps -T nowhere -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: nowhere: No such file or directory" ]
	[ "$output" = "" ]
}

@test "-o writes one file per pathway named by its id, mode 0600, and nothing else" {
	pps -f html -o out -R rcp.csv pathways.csv
	assert_success
	[ "$output" = "" ]
	[ "$(ls -A out | tr '\n' ' ')" = "$A.html $C.html " ]
	[ "$(stat -c %a out)" = 700 ]
	[ "$(stat -c %a "out/$A.html")" = 600 ]
	[ "$(stat -c %a "out/$C.html")" = 600 ]
	pps-render -f html -R rcp.csv pathways.csv | csplit -s -z - $'/^\f$/' '{*}'
	sed 1d xx01 | cmp - "out/$C.html"
	cmp xx00 "out/$A.html"
	# Again, in text, into the same directory: replaced or added, never half.
	umask 022
	pps -o out -R rcp.csv pathways.csv
	assert_success
	[ "$(ls -A out | tr '\n' ' ')" = "$A.html $A.txt $C.html $C.txt " ]
	[ "$(stat -c %a "out/$A.txt")" = 600 ]
	grep -q '^Pour Claire MARTIN$' "out/$A.txt"
}

@test "-o: an id that is not a pathway id is never a file name" {
	setf 2 1 pathways.csv ../evil
	setf 2 2 rcp.csv ../evil
	pps -o out -R rcp.csv pathways.csv
	assert_failure 3
	[[ "${stderr_lines[0]}" == "pps-render: pathways.csv:2: pathway_id: "* ]]
	[ "$(ls -A out)" = "$C.txt" ]
	[ ! -e evil.txt ]
}

@test "missing files are I/O errors (4); a bad directory is a usage error (2)" {
	pps -R nope.csv pathways.csv
	assert_failure 4
	[ "$stderr" = "pps-render: nope.csv: No such file or directory" ]
	pps -R rcp.csv -E nope.csv pathways.csv
	assert_failure 4
	pps -R rcp.csv nope.csv
	assert_failure 4
	[ "$stderr" = "pps-render: nope.csv: No such file or directory" ]
	touch blocker
	pps -o blocker/sub -R rcp.csv pathways.csv
	assert_failure 4
	[ "$stderr" = "pps-render: blocker/sub: Not a directory" ]
	cp "$share/directory.csv" dir.csv
	echo 'team,750100125,ile-de-france,,Second,01 99 00 10 99,,,' >> dir.csv
	pps -D dir.csv -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: dir.csv:25: finess: a second team for this FINESS (line 2)" ]
	printf '%s\n' kind,finess,region,age_group,name,contact,when_fr,when_en \
	    'association,,,,A,not a phone,,' > dir.csv
	pps -D dir.csv -R rcp.csv pathways.csv
	assert_failure 2
	[[ "$stderr" == "pps-render: dir.csv:2: contact: "* ]]
	printf '%s\n' kind,finess,region,age_group,name,contact,when_fr,when_en \
	    'shop,,,,A,01 99 00 10 99,,' > dir.csv
	pps -D dir.csv -R rcp.csv pathways.csv
	assert_failure 2
	[ "$stderr" = "pps-render: dir.csv:2: kind: team, supportive-care, association or help" ]
}

@test "a write error on stdout is status 4" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c 'pps-render -R rcp.csv pathways.csv > /dev/full'
	assert_failure 4
	[ "$stderr" = "pps-render: stdout: write error: No space left on device" ]
}

@test "rcp-record | pps-render -P: the meeting just recorded gives its PPS" {
	pathway-new -o p.csv ins=255081416802538 family_name=Martin \
	    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \
	    diagnosis_date=2026-10-12 finess=750100125 \
	    referent_name='Dr Sophie Marchetti' referent_contact='06 39 98 12 15'
	meeting() {
		rcp-record -P p.csv ins=255081416802538 meeting_date=2026-11-05 \
		    meeting_kind=standard mode=discussed motive=initial \
		    proposal='surgery|radiotherapy' \
		    specialties='surgery|medical-oncology|radiotherapy|pathology' \
		    consent_by=patient "$@"
	}
	run --separate-stderr bash -c "$(declare -f meeting)
	    meeting patient_decision=accepted decision_date=2026-11-09 |
	    pps-render -P p.csv"
	assert_success
	[ "$stderr" = "" ]
	assert_line "Pour Jeanne Martin"
	assert_line "proposé, accepté le 9 novembre 2026 par le patient, comprend :"
	assert_line "  - radiothérapie"
	run --separate-stderr bash -c "$(declare -f meeting)
	    meeting patient_decision=pending | pps-render -P p.csv"
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pps-render: stdin:2: patient_decision: "pending", and no proposal of this pathway accepted: no PPS' ]
	[ "$output" = "" ]
}

@test "the HTML renders in headless Chromium and prints to PDF" {
	chromium=$(command -v chromium || command -v chromium-browser || true)
	if [ -z "$chromium" ]; then
		[ -z "${CI-}" ] || fail "chromium is missing, and CI is set"
		skip "chromium is not installed"
	fi
	pps-render -f html -o out -E events.csv -R rcp.csv pathways.csv
	for id in $A $C; do
		rm -f out.pdf
		HOME=$BATS_TEST_TMPDIR timeout 120 "$chromium" --headless --no-sandbox \
		    --disable-gpu --print-to-pdf="$PWD/out.pdf" "$PWD/out/$id.html" \
		    > /dev/null 2>&1
		[ -s out.pdf ]
		[ "$(head -c 5 out.pdf)" = "%PDF-" ]
	done
	HOME=$BATS_TEST_TMPDIR timeout 120 "$chromium" --headless --no-sandbox \
	    --disable-gpu --dump-dom "$PWD/out/$A.html" 2> /dev/null > dom
	grep -q '<html lang="fr">' dom
	grep -q '<h1>Programme personnalisé de soins</h1>' dom
	grep -q '<caption>Les étapes de vos soins, par date</caption>' dom
	grep -q '<td>radiothérapie 5 semaines</td>' dom
	grep -q 'Dr Sophie Marchetti, 06 39 98 12 15' dom
	! grep -q '<script' dom
}

@test "the EXAMPLES of pps-render(1) run as written" {
	man_examples pps-render.1 > examples.sh
	[ "$(grep -c pps-render examples.sh)" -eq 3 ]
	unset PARCOURS_KEY
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "Pour Jeanne Martin" ]
	[[ "${lines[1]}" =~ ^[0-9a-f]{4}-[0-9a-f]{20}\.html$ ]]
	[ "${lines[2]}" = 'pps-render: stdin:2: patient_decision: "pending", and no proposal of this pathway accepted: no PPS' ]
	[ "${lines[3]}" = 'pps-render: pathways: 1 read, 0 rendered, 1 without a PPS' ]
	[ "${#lines[@]}" -eq 4 ]
	grep -q '<html lang="en">' pps/*.html
}

@test "every option of --help is in the man page and the completions" {
	opts=$(pps-render --help | sed -n 's/^  \(-[a-zA-Z]\) .*/\1/p')
	[ "$(echo $opts)" = "-D -E -f -l -o -P -R -T" ]
	for o in $opts; do
		grep -q "^\.It Fl ${o#-}" "$root/man/pps-render.1"
		grep -q -- "$o" "$root/completions/bash/pps-render"
		grep -q -- "'${o}[+[]" "$root/completions/zsh/_pps-render"
		grep -q -- "-s ${o#-} " "$root/completions/fish/pps-render.fish"
	done
	run bash -c "source '$root/completions/bash/pps-render'
		COMP_WORDS=(pps-render -f ''); COMP_CWORD=2
		_pps_render pps-render '' -f; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_line html
	assert_line text
}
