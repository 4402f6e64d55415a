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
    "hyperfine: $runs rounds after a warm-up round, each command once a" \
    "round, in turn, the order reversed every other round; Miller" \
    "$([ "$slowruns" = 0 ] && echo "left out" || echo "on its own, $slowruns run(s) without warm-up");" \
    "medians over the rounds of wall-clock time and of CPU (user + system" \
    "time, all processes of the command)."
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
# The median of the n values v[1..n] (sorted in place).
function median(v, n,    i, j, x) {
	for (i = 2; i <= n; i++) {
		x = v[i]
		for (j = i - 1; j >= 1 && v[j] > x; j--)
			v[j + 1] = v[j]
		v[j + 1] = x
	}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
# The median of a[c, r] over the rounds where c ran.
function overrounds(a, c,    r, k, v) {
	k = 0
	for (r = 1; r <= nround; r++)
		if ((c, r) in a)
			v[++k] = a[c, r]
	return median(v, k)
}
# The median over the rounds of a[c, r] / b[d, r] (a round where both ran).
function paired(a, c, b, d,    r, k, v) {
	k = 0
	for (r = 1; r <= nround; r++)
		if ((c, r) in a && (d, r) in b && a[c, r] > 0 && b[d, r] > 0)
			v[++k] = a[c, r] / b[d, r]
	return k > 0 ? median(v, k) : -1
}
FILENAME ~ /commands.txt$/ { group[$1] = $2; order[++n] = $1; next }
FILENAME ~ /rss.txt$/ { rss[$1] = $2; next }
FILENAME ~ /rounds.csv$/ {
	# round,command,seconds,user,system; the names hold no comma
	split($0, f, ",")
	t[f[2], f[1]] = f[3]
	u[f[2], f[1]] = f[4] + f[5]
	inround[f[2]] = 1
	if (f[1] > nround)
		nround = f[1]
	next
}
{
	# hyperfine CSV of the slow commands: command,mean,stddev,median,
	# user,system,min,max
	split($0, f, ",")
	med[f[1]] = f[4]
	cpu[f[1]] = f[5] + f[6]
}
END {
	for (c in inround) {
		med[c] = overrounds(t, c)
		cpu[c] = overrounds(u, c)
	}
	fl["imp"] = "csvfloor (libcsv)"
	fl["evt"] = "csvfloor (event table)"
	fl["rcp"] = "csvfloor (rcp table)"
	ours["imp"] = "pathway-new"
	ours["evt"] = "pathway-event"
	ours["rcp"] = "rcp-record"
	ours["fol"] = "followup-due"
	ours["ald"] = "ald30-check"
	for (i = 1; i <= n; i++) {
		c = order[i]
		if (!(c in med))
			continue
		g = group[c]
		b = g == "imp" ? ib : g == "evt" ? eb : g == "rcp" ? rb : fb
		r = g == "imp" ? nimp : g == "evt" ? nev : g == "rcp" ? nrcp : nfol
		m = med[c]
		# Round by round where both ran in rounds; else the medians.
		fs = fc = pr = -1
		if (g in fl && fl[g] in med) {
			fs = (c in inround) ? paired(t, fl[g], t, c) : med[fl[g]] / m
			fc = (c in inround) ? paired(u, fl[g], u, c) : \
			    cpu[fl[g]] / cpu[c]
		}
		if ((ours[g] in med) && (c in inround) && (ours[g] in inround))
			pr = paired(t, c, t, ours[g])
		else if (ours[g] in med)
			pr = m / med[ours[g]]
		fs = fs > 0 ? sprintf("%.2f", fs) : "-"
		fc = fc > 0 ? sprintf("%.2f", fc) : "-"
		pr = pr > 0 ? sprintf("%.2f", pr) : "-"
		printf "| %s | %.3f | %.3f | %.0f | %.0f | %.1f | %s | %s | %s |\n",
		    c, m, cpu[c], b / m / 1e6, r / m, rss[c] / 1024, fs, fc, pr
	}
}' "$work/commands.txt" "$work/rss.txt" "$work/rounds.csv" \
    "$work/hyperfine.csv"
cat <<'EOF'

floor speed: csvfloor's time over the command's, 1 being as fast as a
bare libcsv parse of the same file (pathway-new's target: 0.5 or more;
pathway-event and rcp-record are measured against the parse of the table
they read, rows/s counting its rows); the CPU column does the same with
CPU time, which other sessions' load disturbs less.  peer time / ours: the
command's time over that of the tool it stands beside, pathway-new
(export), pathway-event (event table), rcp-record (rcp table),
followup-due or ald30-check (tables): Miller's target is 20 or more,
DuckDB's 3 or more.  Both ratios are taken round by round, between runs
seconds apart, and the column gives their median; Miller's, which runs
on its own, is the ratio of the medians.

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
