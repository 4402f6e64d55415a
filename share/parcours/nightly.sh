#!/bin/sh
# nightly.sh PATHWAYS EVENTS - the nightly report of a parcours site.
#
# Writes due.tsv (follow-ups and echocardiograms due or overdue) and
# ald30.tsv (ALD 30 problems) in the current directory, prints a summary
# ready to mail on the standard output: counts by status, then the overdue
# pathways by id (never a name or a NIR: the mail leaves the site).
# Exit status: 0 nothing to report, 1 something to report, higher an
# error of a tool (its message is on the standard error).
# Extra options for both tools go in PARCOURS_NIGHTLY_OPTS (e.g. -n DATE).
set -u
[ $# -eq 2 ] || { echo "usage: nightly.sh pathways events" >&2; exit 2; }
pw=$1 ev=$2
umask 077

# shellcheck disable=SC2086 # the options are words
followup-due ${PARCOURS_NIGHTLY_OPTS-} -p -t -E "$ev" -o due.tsv "$pw"
fu=$?
# shellcheck disable=SC2086
ald30-check ${PARCOURS_NIGHTLY_OPTS-} -p -t -E "$ev" -o ald30.tsv "$pw"
ald=$?

# count COLUMN FILE: the rows of each value of COLUMN.
count() {
	awk -F '\t' -v col="$1" '
	    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $c[col] != "" { n[$c[col]]++ }
	    END { for (s in n) printf "  %-12s %6d\n", s, n[s] }' "$2" |
	    sort | grep . || echo "  none"
}

[ -f due.tsv ] && {
	echo "Follow-up visits due and overdue:"
	count followup_status due.tsv
	echo "Echocardiograms due and overdue:"
	count echo_status due.tsv
	echo
	echo "Overdue visits, the most overdue first (pathway, rule, due on, days late):"
	awk -F '\t' '
	    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	    $c["followup_status"] == "overdue" {
		print $c["followup_late_days"], $c["pathway_id"],
		    $c["followup_rule"], $c["followup_next"] }' due.tsv |
	    sort -k1,1nr -k2,2 | awk '{ print "  " $2, $3, $4, $1 }'
	echo
}
[ -f ald30.tsv ] && {
	echo "ALD 30 problems:"
	count ald30_status ald30.tsv
}

st=0
for s in $fu $ald; do
	[ "$s" -gt "$st" ] && st=$s
done
exit "$st"
