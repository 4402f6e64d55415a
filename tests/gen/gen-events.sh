#!/bin/sh
# gen-events.sh - synthetic event exports for the patients of the sample
# DPI export: a visits export (semicolon, cp1252, CRLF, dd/mm/yyyy) and an
# ALD export (pipe, UTF-8, DDMMYYYY).  Deterministic: the n-th pathway gets
# events from rules on n, so the same sample gives the same bytes.
#
#	tests/gen/gen-events.sh BINDIR [OUTDIR]
#
# writes sample-visits.csv and sample-ald.csv into OUTDIR (share/parcours).
set -eu
bin=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
share=$root/share/parcours
outdir=${2:-$share}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$share/demo.key" "$tmp/k"
chmod 600 "$tmp/k"
# the pathways (the key does not matter: exports name them by INS)
"$bin/pathway-new" -k "$tmp/k" -m "$share/dpi-cp1252.map" \
    "$share/sample-dpi.csv" > "$tmp/p.csv" 2>/dev/null || true

awk -F, -v q="'" -v visits="$tmp/v.csv" -v ald="$outdir/sample-ald.csv" '
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
function fr(z) { civil(z); return sprintf("%02d/%02d/%04d", CD, CM, CY) }
function rum(z) { civil(z); return sprintf("%02d%02d%04d", CD, CM, CY) }
function visit(z, what, who) {
	if (z <= today) printf "%s;%s;%s;%s;%s\r\n", ins, icd, fr(z), what, who >> visits
}
BEGIN {
	today = days(2026, 11, 23)
	printf "NIR;CIM10;DATE_CONSULT;TYPE_CONSULT;MEDECIN\r\n" > visits
	print "INS|CODE_CIM10|DATE_EVT|EVENEMENT|DATE_FIN|RPPS_DEMANDEUR" > ald
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	n++
	ins = $col["ins"]; icd = $col["icd10"]; gp = $col["gp_rpps"]
	ref = $col["referent_rpps"]
	split($col["diagnosis_date"], dd, "-")
	dx = days(dd[1] + 0, dd[2] + 0, dd[3] + 0)
	visit(dx + 7, "Consultation d" q "annonce", "Dr Martin")
	visit(dx + 14, "Remise PPS", "IDE coordination")
	if (n % 5 != 4) {			# one in five: not started
		visit(dx + 30, "Début de traitement", "Dr Martin")
		end = dx + 180
		visit(end, "Fin de traitement", "Dr Martin")
		# follow-up visits; one in three stops after the first year
		last = n % 3 == 0 ? end + 365 : today
		for (z = end + 120; z <= last; z += 120 + (n % 4) * 30)
			visit(z, "Consultation de suivi", "Dr Bernard")
	}
	if (n % 11 == 5) next			# no ALD request
	by = n % 7 == 3 ? ref : gp		# one in seven: not the GP
	if (by == "") by = ref
	printf "%s|%s|%s|DEMANDE||%s\n", ins, icd, rum(dx + 10), by >> ald
	printf "%s|%s|%s|PROTOCOLE||\n", ins, icd, rum(dx + 20) >> ald
	if (n % 13 == 6)
		printf "%s|%s|%s|REFUS||\n", ins, icd, rum(dx + 40) >> ald
	else {
		civil(dx + 40)
		printf "%s|%s|%s|ACCORD|%02d%02d%04d|\n", ins, icd, rum(dx + 40),
		    CD, CM, CY + 5 >> ald
	}
}
END {	# two rows broken on purpose: a patient the table does not know, and
	# a consultation type the map does not know
	printf "%s;C50.9;02/11/2026;Consultation de suivi;Dr Bernard\r\n", "255081416802538" >> visits
	printf "%s;%s;03/11/2026;T\303\251l\303\251consultation;Dr Bernard\r\n", ins, icd >> visits
}' "$tmp/p.csv"
iconv -f utf-8 -t cp1252 "$tmp/v.csv" > "$outdir/sample-visits.csv"
