#!/bin/sh
# table.sh - the results table of a bench run, from its work directory
#
#	tests/bench/table.sh WORKDIR
#
# Reads what bench.sh left there (meta.txt, commands.txt, hyperfine.csv,
# rss.txt, flat.txt) and prints the Markdown of BENCHMARKS.md: so that a
# table can be made again, or its layout changed, without timing again.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: table.sh WORKDIR" >&2
	exit 2
fi
work=$1
# DuckDB's version from the package bench.sh installed beside WORKDIR.
: "${NODE_PATH:=$work/../node_modules}"
export NODE_PATH
# rows impbytes npw nev folbytes runs slowruns asof evbytes nrcp rcpbytes
# when
read -r rows impbytes npw nev folbytes runs slowruns asof evbytes nrcp \
    rcpbytes when < "$work/meta.txt"

echo "Run of $when on $(nproc) CPUs ($(lscpu 2>/dev/null |
    sed -n 's/^Model name: *//p' | head -n 1)), $(uname -sr)."
echo
echo "Export: $rows rows, $impbytes bytes (cp1252, ';', CRLF).  Tables:" \
    "$npw pathways and $nev events, $folbytes bytes together, as-of $asof;" \
    "$nrcp RCP cases, $rcpbytes bytes." \
    "hyperfine: $runs runs after one warm-up, and for Miller" \
    "$([ "$slowruns" = 0 ] && echo "none (left out)" || echo "$slowruns without warm-up");" \
    "medians of wall-clock time; CPU is user + system time (means), all" \
    "processes of the command."
echo
echo "$(hyperfine --version); $(mlr --version 2>/dev/null || echo 'no mlr');" \
    "DuckDB $(node -e "console.log(require('@duckdb/node-api/package.json').version)" 2>/dev/null || echo none)" \
    "through @duckdb/node-api, 2 threads; parcours on" \
    "${PARCOURS_THREADS:-$(nproc) (PARCOURS_THREADS unset, at most 8)} threads;" \
    "$(iconv --version | head -n 1); $(cc --version | head -n 1)."
echo
echo "| command | median s | CPU s | MB/s | rows/s | peak RSS MB | floor speed | floor speed, CPU | peer time / ours |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'|' -v ib="$impbytes" -v fb="$folbytes" -v nimp="$rows" \
    -v nfol="$npw" -v eb="$evbytes" -v nev="$nev" -v rb="$rcpbytes" \
    -v nrcp="$nrcp" '
FILENAME ~ /commands.txt$/ { group[$1] = $2; order[++n] = $1; next }
FILENAME ~ /rss.txt$/ { rss[$1] = $2; next }
{
	# hyperfine CSV: command,mean,stddev,median,user,system,min,max;
	# the names hold no comma
	split($0, f, ",")
	med[f[1]] = f[4]
	cpu[f[1]] = f[5] + f[6]
}
END {
	fl["imp"] = med["csvfloor (libcsv)"]
	flc["imp"] = cpu["csvfloor (libcsv)"]
	fl["evt"] = med["csvfloor (event table)"]
	flc["evt"] = cpu["csvfloor (event table)"]
	fl["rcp"] = med["csvfloor (rcp table)"]
	flc["rcp"] = cpu["csvfloor (rcp table)"]
	ours["imp"] = med["pathway-new"]
	ours["evt"] = med["pathway-event"]
	ours["rcp"] = med["rcp-record"]
	ours["fol"] = med["followup-due"]
	ours["ald"] = med["ald30-check"]
	for (i = 1; i <= n; i++) {
		c = order[i]
		if (!(c in med))
			continue
		g = group[c]
		b = g == "imp" ? ib : g == "evt" ? eb : g == "rcp" ? rb : fb
		r = g == "imp" ? nimp : g == "evt" ? nev : g == "rcp" ? nrcp : nfol
		m = med[c]
		fs = fl[g] > 0 && m > 0 ? sprintf("%.2f", fl[g] / m) : "-"
		fc = flc[g] > 0 && cpu[c] > 0 ? sprintf("%.2f", flc[g] / cpu[c]) : "-"
		pr = ours[g] > 0 ? sprintf("%.2f", m / ours[g]) : "-"
		printf "| %s | %.3f | %.3f | %.0f | %.0f | %.1f | %s | %s | %s |\n",
		    c, m, cpu[c], b / m / 1e6, r / m, rss[c] / 1024, fs, fc, pr
	}
}' "$work/commands.txt" "$work/rss.txt" FS=',' "$work/hyperfine.csv"
cat <<'EOF'

floor speed: csvfloor's median over the command's, 1 being as fast as a
bare libcsv parse of the same file (pathway-new's target: 0.5 or more;
pathway-event and rcp-record are measured against the parse of the table
they read, rows/s counting its rows); the CPU column does the same with
CPU time, which other sessions' load disturbs less.  peer time / ours: the
command's median over that of the tool it stands beside, pathway-new
(export), pathway-event (event table), rcp-record (rcp table),
followup-due or ald30-check (tables): Miller's target is 20 or more,
DuckDB's 3 or more.

Flat memory, pathway-new through the map, peak RSS:

| rows | bytes | peak RSS MB |
|---:|---:|---:|
EOF
awk '{ printf "| %s | %s | %.1f |\n", $1, $2, $3 / 1024 }' "$work/flat.txt"
echo
awk -F'|' -v n="$npw" -v e="$nev" '
$1 == "ald30-check" || $1 == "followup-due" {
	printf "%s: %.0f bytes of peak RSS per pathway (%d pathways, %.1f events each).\n",
	    $1, $2 * 1024 / n, n, e / n
}' "$work/rss.txt"
