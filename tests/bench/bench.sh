#!/bin/sh
# bench.sh - time the parcours tools against the floor and the peers
#
#	tests/bench/bench.sh BINDIR WORKDIR
#
# BINDIR holds the tools, gen-bench and csvfloor (make B=build-bench
# build bench-bins); WORKDIR receives the generated tables, hyperfine's
# exports and results.md, the table printed at the end (table.sh makes it
# from what the run left in WORKDIR).  Environment:
#
#	BENCH_ROWS	rows of the export (default 1000000)
#	BENCH_RUNS	rounds (default 5), after a warm-up round: each runs
#			every fast command once, through hyperfine
#	BENCH_SLOW_RUNS	runs for Miller, without warm-up (default 1); 0 leaves
#			Miller out (twenty minutes a run at a million rows)
#	BENCH_BIG	1: the flat-memory check goes on to 10 million rows
#	BENCH_PEERS	0: time our tools and the floor only, not Miller or DuckDB
#
# Every command reads the same bytes and writes to /dev/null: what is
# timed is reading, work and formatting, not the disk.  Times are
# medians over the rounds of whole processes, and ratios medians of the
# rounds' ratios (see timing below); peak RSS is GNU time's maximum
# resident set size over the same runs, of the largest process of a
# pipeline.
# A benchmark, not a test: nothing here fails on a slow result.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: bench.sh BINDIR WORKDIR" >&2
	exit 2
fi
bin=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
share=$(cd "$here/../../share/parcours" && pwd)
rows=${BENCH_ROWS:-1000000}
runs=${BENCH_RUNS:-5}
slowruns=${BENCH_SLOW_RUNS:-1}
big=${BENCH_BIG:-0}
peers=${BENCH_PEERS:-1}
asof=2026-11-23
# The tests' today, so that the tables and verdicts are the same each run.
export SOURCE_DATE_EPOCH=1795392000 PARCOURS_SHARE="$share" LC_ALL=C
export NODE_PATH="$bin/node_modules"

say() { printf 'bench: %s\n' "$*" >&2; }

# ---- what the bench needs: Debian packages, then DuckDB from npm -------

need_debs=
command -v hyperfine >/dev/null || need_debs="$need_debs hyperfine"
[ -x /usr/bin/time ] || need_debs="$need_debs time"
if [ "$peers" = 1 ]; then
	command -v mlr >/dev/null || need_debs="$need_debs miller"
	command -v node >/dev/null || need_debs="$need_debs nodejs"
	command -v npm >/dev/null || need_debs="$need_debs npm"
fi
if [ -n "$need_debs" ]; then
	if [ "$(id -u)" = 0 ]; then
		say "installing:$need_debs"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y -qq --no-install-recommends \
		    $need_debs >/dev/null
	else
		say "missing Debian packages:$need_debs"
		say "run: sudo apt-get install$need_debs"
		exit 1
	fi
fi
if [ "$peers" = 1 ] && [ ! -d "$bin/node_modules/@duckdb/node-api" ]; then
	say "installing @duckdb/node-api into $bin/node_modules"
	(cd "$bin" && npm install --no-audit --no-fund --no-save \
	    --prefix "$bin" @duckdb/node-api >/dev/null)
fi

# ---- the data ------------------------------------------------------------

key=$work/site.key
cp "$share/demo.key" "$key"
chmod 600 "$key"

# An export of n rows, made again when gen-bench is newer than it.
export_of() {
	f=$work/export-$1.csv
	if [ ! -s "$f" ] || [ "$bin/gen-bench" -nt "$f" ]; then
		say "generating $1 rows"
		"$bin/gen-bench" -s 6 -n "$1" export > "$f.tmp"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

exp=$(export_of "$rows")
utf=$work/export-$rows.utf8.csv
if [ ! -s "$utf" ] || [ "$exp" -nt "$utf" ]; then
	iconv -f cp1252 -t utf-8 "$exp" > "$utf"
fi
pw=$work/pathways-$rows.csv
ev=$work/events-$rows.csv
say "pathway and event tables"
st=0
"$bin/pathway-new" -k "$key" -m "$share/dpi-cp1252.map" \
    -r "$work/rejects-$rows.csv" "$exp" > "$pw" 2> "$work/counts.txt" ||
    st=$?
if [ "$st" -ne 0 ] && [ "$st" -ne 3 ]; then
	cat "$work/counts.txt" >&2
	exit 1
fi
"$bin/gen-bench" -s 6 events "$pw" > "$ev"
rcp=$work/rcp-$rows.csv
"$bin/gen-bench" -s 6 rcp "$pw" > "$rcp"
npw=$(($(wc -l < "$pw") - 1))
nev=$(($(wc -l < "$ev") - 1))
# notes may hold a line break: count records, less the header
nrcp=$(($("$bin/csvfloor" -d ',' "$rcp" | cut -d ' ' -f 1) - 1))

# ---- the commands --------------------------------------------------------

# name|group|speed|command: group imp reads the export, evt the event
# table (pathway-event reading it again, beside a bare parse of it), rcp
# the rcp table (rcp-record reading it again with the pathway table, its
# rules needing each patient's age), fol and ald the two tables
# (followup-due and its peers, ald30-check and its peers);
# speed slow puts Miller in a hyperfine run of its own with
# BENCH_SLOW_RUNS runs and no warm-up, minutes each at a million rows.  An
# exit status other than the one the tool documents for this input fails
# the run (hyperfine stops on it), so a crash is not timed as a result.
mapf=$share/dpi-cp1252.map
duck="node $here/duck.cjs"
{
	echo "cat|imp|fast|cat $exp >/dev/null"
	echo "wc -l|imp|fast|wc -l $exp >/dev/null"
	echo "csvfloor (libcsv)|imp|fast|$bin/csvfloor -d ';' $exp >/dev/null"
	echo "iconv cp1252|imp|fast|iconv -f cp1252 -t utf-8 $exp >/dev/null"
	echo "pathway-new|imp|fast|$bin/pathway-new -k $key -m $mapf -r /dev/null $exp >/dev/null 2>&1; test \$? -eq 3"
	echo "pathway-new -e utf-8 (UTF-8 copy)|imp|fast|$bin/pathway-new -k $key -m $mapf -e utf-8 -r /dev/null $utf >/dev/null 2>&1; test \$? -eq 3"
	if [ "$peers" = 1 ]; then
		echo "iconv + mlr|imp|slow|iconv -f cp1252 -t utf-8 $exp | REJECTS=/dev/null mlr --infer-none --icsv --ifs ';' --ocsv --allow-ragged-csv-input put -q -f $here/import.mlr >/dev/null"
		echo "iconv + duckdb|imp|fast|iconv -f cp1252 -t utf-8 $exp | $duck $here/import.sql in=/dev/stdin out=/dev/null"
		echo "duckdb (UTF-8 copy)|imp|fast|$duck $here/import.sql in=$utf out=/dev/null"
	fi
	echo "csvfloor (event table)|evt|fast|$bin/csvfloor -d ',' $ev >/dev/null"
	echo "pathway-event|evt|fast|$bin/pathway-event -r /dev/null $ev >/dev/null 2>&1"
	echo "csvfloor (rcp table)|rcp|fast|$bin/csvfloor -d ',' $rcp >/dev/null"
	echo "rcp-record|rcp|fast|$bin/rcp-record -P $pw -r /dev/null $rcp >/dev/null 2>&1"
	echo "ald30-check|ald|fast|$bin/ald30-check -n $asof -E $ev $pw >/dev/null; test \$? -le 1"
	echo "followup-due|fol|fast|$bin/followup-due -n $asof -E $ev $pw >/dev/null; test \$? -le 1"
	if [ "$peers" = 1 ]; then
		echo "mlr followup|fol|slow|mlr --infer-none --icsv --ocsv put -q -s asof=$asof -f $here/dates.mlr -f $here/followup.mlr $ev $pw >/dev/null"
		echo "duckdb followup|fol|fast|$duck $here/followup.sql pathways=$pw events=$ev asof=$asof out=/dev/null"
		echo "mlr ald30|ald|slow|mlr --infer-none --icsv --ocsv put -q -s asof=$asof -f $here/dates.mlr -f $here/ald30.mlr $ev $pw >/dev/null"
		echo "duckdb ald30|ald|fast|$duck $here/ald30.sql pathways=$pw events=$ev asof=$asof out=/dev/null"
	fi
} > "$work/commands.txt"

# ---- timing --------------------------------------------------------------

# Each run goes through GNU time, which appends the peak RSS of the
# largest process to a file per command: the bench's one run of each.
say "hyperfine: $runs rounds of the fast commands, $slowruns runs for Miller"
rm -f "$work"/cmd-*.sh "$work"/rss-*.txt "$work"/round-*.csv
: > "$work/hyperfine.csv"
: > "$work/rounds.csv"
# The arguments of hyperfine for the commands of one speed: -n name and
# the command through GNU time, in the order of commands.txt.
timed() {
	i=0
	while IFS='|' read -r name group sp cmd; do
		i=$((i + 1))
		[ "$sp" = "$1" ] || continue
		: > "$work/rss-$i.txt"
		printf '%s\n' "$cmd" > "$work/cmd-$i.sh"
		printf '%s\n' "$name" \
		    "/usr/bin/time -f %M -a -o $work/rss-$i.txt sh $work/cmd-$i.sh"
	done < "$work/commands.txt"
}
# hyperfine, RUNS runs of each command of LIST (timed's lines), in
# their order or, REV 1, the other way round; its CSV into OUT.
hf() {
	list=$1 rev=$2 out=$3 n=$4
	set --
	while IFS= read -r name && IFS= read -r cmd; do
		if [ "$rev" = 1 ]; then
			set -- -n "$name" "$cmd" "$@"
		else
			set -- "$@" -n "$name" "$cmd"
		fi
	done < "$list"
	hyperfine --style basic --runs "$n" --export-csv "$out" "$@"
}
# The fast commands run in rounds, each command once a round, in turn,
# the order reversed every other round: a ratio is then taken between
# runs a few seconds apart, round by round, and the machine's drift over
# the minutes of a run (another tenant, the host) falls on both sides of
# it instead of on whichever command ran in the slow minutes.  One
# warm-up round first, not kept.
timed fast > "$work/fast.txt"
r=0
while [ "$r" -le "$runs" ]; do
	[ "$r" = 0 ] && say "warm-up round" || say "round $r of $runs"
	hf "$work/fast.txt" $((r % 2)) "$work/round-$r.csv" 1 > /dev/null
	# round,command,seconds,user,system
	[ "$r" = 0 ] || tail -n +2 "$work/round-$r.csv" |
	    awk -F, -v r="$r" '{ print r "," $1 "," $2 "," $5 "," $6 }' \
	    >> "$work/rounds.csv"
	r=$((r + 1))
done
# Miller's runs are minutes each: a hyperfine run of their own.
timed slow > "$work/slow.txt"
if [ "$slowruns" != 0 ] && [ -s "$work/slow.txt" ]; then
	hf "$work/slow.txt" 0 "$work/hyperfine-slow.csv" "$slowruns" >&2
	tail -n +2 "$work/hyperfine-slow.csv" >> "$work/hyperfine.csv"
fi

i=0
: > "$work/rss.txt"
while IFS='|' read -r name group sp cmd; do
	i=$((i + 1))
	[ -s "$work/rss-$i.txt" ] || continue
	printf '%s|%s\n' "$name" "$(sort -n "$work/rss-$i.txt" | tail -n 1)" \
	    >> "$work/rss.txt"
done < "$work/commands.txt"

# Flat memory: pathway-new's peak RSS as the export grows.
say "flat-memory check"
sizes="10000 100000 1000000"
[ "$big" = 1 ] && sizes="$sizes 10000000"
: > "$work/flat.txt"
for n in $sizes; do
	f=$(export_of "$n")
	/usr/bin/time -v "$bin/pathway-new" -k "$key" -m "$mapf" -r /dev/null \
	    "$f" > /dev/null 2> "$work/time.txt" || true
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' \
	    "$work/time.txt")
	printf '%s %s %s\n' "$n" "$(wc -c < "$f")" "$kb" >> "$work/flat.txt"
done

# ---- the table -----------------------------------------------------------

impbytes=$(wc -c < "$exp")
folbytes=$(($(wc -c < "$pw") + $(wc -c < "$ev")))
echo "$rows $impbytes $npw $nev $folbytes $runs $slowruns $asof" \
    "$(wc -c < "$ev") $nrcp $(wc -c < "$rcp")" \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" > "$work/meta.txt"
sh "$here/table.sh" "$work" > "$work/results.md"
cat "$work/results.md"
