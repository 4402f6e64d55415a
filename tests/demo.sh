#!/bin/sh
# make demo: import the bundled synthetic exports with the demo key (a
# public key: never for real data) and show the pathways and the rejects.
set -u
umask 077
bin=$1
root=$(cd "$(dirname "$0")/.." && pwd)
share=$root/share/parcours
out=$root/build/demo
rm -rf "$out"
mkdir -p "$out"
cp "$share/demo.key" "$out/demo.key"
chmod 600 "$out/demo.key"
export PARCOURS_KEY="$out/demo.key"
export PARCOURS_SHARE="$share"
PATH=$bin:$PATH
cd "$out" || exit 1

run() {
	echo "\$ $*"
	"$@"
	echo "(exit status $?)"
	echo
}

echo "== 1. A Windows-1252, semicolon, CRLF hospital export through its map."
echo "   -v prints every rejected row (they also go to rejects.csv) and the counts."
run pathway-new -v -m "$share/dpi-cp1252.map" -P pathways.csv -r rejects.csv \
    -a pathways.csv "$share/sample-dpi.csv"
echo "== 2. The same export again: every pathway is known, nothing is added."
run pathway-new -m "$share/dpi-cp1252.map" -P pathways.csv -r rejects-again.csv \
    -a pathways.csv "$share/sample-dpi.csv"
echo "== 3. A UTF-8 export with a BOM, comma-separated, through its own map."
run pathway-new -m "$share/web-utf8.map" -P pathways.csv -r rejects-web.csv \
    -a pathways.csv "$share/sample-web.csv"
echo "== 4. Events: a visits export (cp1252, semicolons) names each pathway by"
echo "   NIR and CIM-10 code; -P resolves them, -a skips events already recorded."
run pathway-event -v -m visits -P pathways.csv -r rejects-visits.csv \
    -a events.csv "$share/sample-visits.csv"
echo "== 5. ALD steps from another export (pipe-separated UTF-8, DDMMYYYY dates)."
run pathway-event -m ald -P pathways.csv -r rejects-ald.csv -a events.csv \
    "$share/sample-ald.csv"
echo "== 6. The pathway table: $(($(wc -l < pathways.csv) - 1)) pathways; the first five (some columns)."
head -n 6 pathways.csv | cut -d, -f1,6,7,8,10,11,12
echo
echo "== 7. The event table: $(($(wc -l < events.csv) - 1)) events; by kind:"
cut -d, -f3 events.csv | sed 1d | sort | uniq -c
echo

echo "== 8. The ALD 30 cover of every pathway at $(date -u +%F): the problems (-p), by"
echo "   pathway id, code, status, reason and end (exit status 1: there are some)."
run ald30-check -p -t -E events.csv -o ald30-problems.tsv pathways.csv
cut -f 1,8,21- ald30-problems.tsv | sed -n 2,6p
echo "   ... $(($(wc -l < ald30-problems.tsv) - 1)) problem rows in ald30-problems.tsv."
echo
echo "== 9. The nightly report of README.md (share/parcours/nightly.sh): follow-ups"
echo "   due and overdue, ALD 30 problems, by pathway id only; cron mails it when"
echo "   the exit status is 1. Its first 25 lines:"
sh "$share/nightly.sh" pathways.csv events.csv > report.txt
echo "(exit status $?)"
head -n 25 report.txt
echo
echo "== 10. RCP cases from an e-RCP export (cp1252, semicolons) through its map:"
echo "   quorum, surgeon, pediatric meeting and consent for a child, trial ids."
run rcp-record -v -m ercp -P pathways.csv -r rejects-rcp.csv -a rcp.csv \
    "$share/sample-rcp.csv"
echo "== 11. The PPS of every accepted proposal, as HTML files in pps/ (one per"
echo "   pathway, mode 0600); a pathway missing what a PPS must carry is named."
run pps-render -P pathways.csv -E events.csv -f html -o pps rcp.csv
echo "   The first one as text, as a patient or family would read it:"
pps-render -P pathways.csv -E events.csv rcp.csv 2>/dev/null |
    sed -n '1,/^\f$/p' | sed '$d' | head -n 45
echo
ls -l "$out"
