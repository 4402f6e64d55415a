#!/bin/sh
# gen-rcp.sh - a synthetic e-RCP export for the patients of the sample DPI
# export (semicolon, cp1252, CRLF, dd/mm/yyyy, French labels), as
# share/parcours/ercp.map reads it.  Deterministic: the n-th pathway gets
# its meetings from rules on n, its age and its CIM-10 code, so the same
# sample gives the same bytes.
#
#	tests/gen/gen-rcp.sh BINDIR [OUTDIR]
#
# writes sample-rcp.csv into OUTDIR (share/parcours).  The rows broken on
# purpose come last; share/parcours/README lists them.
set -eu
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
share=$root/share/parcours
outdir=${2:-$share}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$share/demo.key" "$tmp/k"
chmod 600 "$tmp/k"
# the pathways (the key does not matter: the export names them by INS)
"$bin/pathway-new" -k "$tmp/k" -m "$share/dpi-cp1252.map" \
    "$share/sample-dpi.csv" > "$tmp/p.csv" 2>/dev/null || true

awk -F, -v out="$tmp/r.csv" '
function days(y, m, d,    era, yoe, doy, doe) {	# civil -> days (Hinnant)
	y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
	m = mp + (mp < 10 ? 3 : -9); y += m <= 2
	CY = y; CM = m; CD = d
}
function fr(z) { if (z == "") return ""; civil(z); return sprintf("%02d/%02d/%04d", CD, CM, CY) }
function age(b, z,    by, bm, bd, a) {
	civil(b); by = CY; bm = CM; bd = CD; civil(z)
	a = CY - by; if (CM < bm || (CM == bm && CD < bd)) a--
	return a
}
function haem(icd,    c) {	# C81-C96, D45-D47 (rcp-rules.csv)
	c = substr(icd, 1, 3)
	return (c >= "C81" && c <= "C96") || (c >= "D45" && c <= "D47")
}
function row(ins, icd, z, kind, mode, motive, spec, prop, trial, ref, conf,
    cons, dec, dz, note) {
	printf "%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s\r\n", ins, icd,
	    fr(z), kind, mode, motive, spec, prop, trial, ref, conf, cons, dec,
	    fr(dz), note >> out
}
# One meeting of pathway n: who sits, what is proposed, what the patient
# decides, from the age at the meeting and the kind of cancer.
function meeting(n, z, motive,    a, kind, mode, spec, prop, trial, ref,
    conf, cons, dec, dz) {
	a = age(birth, z)
	mode = "Discuté"; trial = ""; ref = ""; conf = ""
	if (a < 18) {
		kind = "RCPPI"
		spec = haem(icd) ? "Oncologie pédiatrique, Hématologie, Anatomopathologie, Radiologie" : \
		    "Oncologie pédiatrique, Chirurgie pédiatrique, Radiologie, Anatomopathologie"
		prop = haem(icd) ? "Chimiothérapie" : "Chirurgie, Chimiothérapie"
		if (a >= 15 && n % 2 == 0) spec = spec ", Oncologie médicale"
		cons = n % 2 ? "Mère" : "Père"
		if (n % 3 == 0) { prop = prop ", Essai clinique"; trial = sprintf("2024-5%05d-%02d-00", 10000 + n * 37, n % 100) }
	} else if (haem(icd)) {
		kind = "RCP standard"
		spec = "Hématologie, Anatomopathologie, Radiothérapie"
		if (a <= 24 && n % 2 == 0) spec = spec ", Oncologie pédiatrique"
		prop = "Chimiothérapie"
		if (n % 4 == 1) prop = prop ", Greffe de cellules souches"
		cons = "Patient"
	} else {
		kind = "RCP standard"
		if (n % 7 == 2) kind = "RCP de recours " (substr(icd, 1, 2) <= "C2" ? "digestive" : "thoracique")
		if (substr(icd, 1, 3) == "C40" || substr(icd, 1, 3) == "C49") kind = "RCP cancers rares"
		spec = "Chirurgie, Oncologie médicale, Radiothérapie, Radiologie, Anatomopathologie"
		if (a <= 24 && n % 2 == 0) spec = spec ", Oncologie pédiatrique"
		if (a >= 75) spec = spec ", Oncogériatrie"
		prop = motive == "Rechute" ? "Chimiothérapie, Soins de support" : "Chirurgie, Radiothérapie"
		cons = "Patient"
		ref = "Référentiel régional " substr(icd, 1, 3)
		conf = "Oui"
		if (n % 6 == 0 && motive != "Rechute") { mode = "Enregistré"; spec = "Chirurgie, Oncologie médicale, Radiothérapie" }
		if (n % 5 == 0) { prop = prop ", Essai clinique"; trial = sprintf("NCT0%07d", 5100000 + n * 131) }
	}
	dec = "Acceptée"; dz = z + 3 + n % 5
	if (n % 9 == 0) { dec = "En attente"; dz = "" }
	else if (n % 13 == 0) dec = "Refusée"
	if (dz != "" && dz > today) dz = today
	row(ins, icd, z, kind, mode, motive, spec, prop, trial, ref, conf, cons, dec, dz, "")
}
BEGIN {
	today = days(2026, 11, 23)
	printf "NIR;CIM10;DATE_RCP;TYPE_RCP;MODE;MOTIF;SPECIALITES;PROPOSITION;ESSAI;REFERENTIEL;CONFORME;CONSENTEMENT;DECISION_PATIENT;DATE_DECISION;COMMENTAIRE\r\n" > out
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
n < 40 {
	n++
	ins = $col["ins"]; icd = $col["icd10"]
	split($col["birth_date"], bd, "-"); birth = days(bd[1] + 0, bd[2] + 0, bd[3] + 0)
	split($col["diagnosis_date"], dd, "-"); dx = days(dd[1] + 0, dd[2] + 0, dd[3] + 0)
	meeting(n, dx + 8 + n % 7, "Proposition initiale")
	if (n % 8 == 3 && dx + 400 <= today)
		meeting(n, dx + 400, "Rechute")
	if (age(birth, dx) < 18 && !child) { child = ins; cicd = icd; cdx = dx }
	if (age(birth, dx) >= 25 && !haem(icd) && !adult) { adult = ins; aicd = icd; adx = dx }
}
END {	# rows broken on purpose, each for one rule (share/parcours/README)
	s = "Chirurgie, Oncologie médicale, Radiothérapie"
	row(adult, aicd, adx + 30, "RCP standard", "Discuté", "Proposition initiale", \
	    "Oncologie médicale, Radiothérapie", "Radiothérapie", "", "", "", "Patient", "", "", "quorum")
	row(adult, aicd, adx + 31, "RCP standard", "Discuté", "Proposition initiale", \
	    "Oncologie médicale, Radiothérapie, Radiologie", "Radiothérapie", "", "", "", "Patient", "", "", "surgeon")
	row(child, cicd, cdx + 30, "RCP standard", "Discuté", "Proposition initiale", \
	    "Oncologie pédiatrique, Chirurgie pédiatrique, Radiologie", "Chirurgie", "", "", "", "Mère", "", "", "child in an adult meeting")
	row(child, cicd, cdx + 31, "RCPPI", "Enregistré", "Changement de stratégie", \
	    "Oncologie pédiatrique, Chirurgie pédiatrique, Radiologie", "Chirurgie", "", "", "Oui", "Mère", "", "", "child registered")
	row(adult, aicd, adx + 32, "RCP standard", "Discuté", "Changement de stratégie", \
	    s, "Essai clinique", "NCT123", "", "", "Patient", "", "", "trial number")
	row(adult, aicd, adx + 33, "RCP standard", "Discuté", "Arrêt des traitements", \
	    s, "Soins palliatifs", "", "", "", "Patient", "Acceptée", adx + 20, "decision before the meeting")
	row(adult, aicd, adx - 5, "RCP standard", "Discuté", "Proposition initiale", \
	    s, "Examens complémentaires", "", "", "", "Patient", "", "", "before the diagnosis")
	row(adult, aicd, adx + 34, "RCP standard", "Discuté", "Changement de stratégie", \
	    s ", Kinésithérapie", "Chirurgie", "", "", "", "Patient", "", "", "unknown specialty")
	row(child, cicd, cdx + 32, "RCPPI", "Discuté", "Changement de stratégie", \
	    "Oncologie pédiatrique, Chirurgie pédiatrique, Radiologie", "Chirurgie", "", "", "", "Patient", "", "", "child consenting alone")
	row("255081416802538", "C50.9", days(2026, 11, 2), "RCP standard", "Discuté", "Proposition initiale", \
	    s, "Chirurgie", "", "", "", "Patient", "", "", "unknown patient")
}' "$tmp/p.csv"
# and the first case again, as a second export of the same meeting would
sed -n 2p "$tmp/r.csv" >> "$tmp/r.csv"
iconv -f utf-8 -t cp1252 "$tmp/r.csv" > "$outdir/sample-rcp.csv"
