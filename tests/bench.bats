#!/usr/bin/env bats
# The bench's table (tests/bench/table.sh) from a work directory made by
# hand: no timing, only the arithmetic a reader of BENCHMARKS.md relies
# on.  Times are medians over the rounds; a ratio is the median of the
# rounds' own ratios, not the ratio of the medians, so that a slow round
# weighs on both sides of it; Miller, timed on its own, gets the ratio of
# the medians.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	export LC_ALL=C
	w=$BATS_TEST_TMPDIR/work
	mkdir -p "$w"
	# rows impbytes npw nev folbytes runs slowruns asof evbytes nrcp
	# rcpbytes when
	echo "1000000 250000000 990 4950 500000 4 1 2026-11-23 400000" \
	    "1100 300000 2026-12-05 20:00 UTC" > "$w/meta.txt"
	cat > "$w/commands.txt" <<-'EOF'
	csvfloor (libcsv)|imp|fast|csvfloor
	pathway-new|imp|fast|pathway-new
	iconv + mlr|imp|slow|mlr
	iconv + duckdb|imp|fast|duckdb
	EOF
	# Round 2 fell in a slow minute: every command took about twice as
	# long.  round,command,seconds,user,system
	cat > "$w/rounds.csv" <<-'EOF'
	1,csvfloor (libcsv),1.0,0.9,0.1
	1,pathway-new,2.0,3.5,0.5
	1,iconv + duckdb,5.0,9,1
	2,iconv + duckdb,8.0,9,1
	2,pathway-new,4.0,7,1
	2,csvfloor (libcsv),2.0,0.9,0.1
	3,csvfloor (libcsv),1.0,0.9,0.1
	3,pathway-new,2.0,3.5,0.5
	3,iconv + duckdb,6.0,9,1
	4,iconv + duckdb,6.0,9,1
	4,pathway-new,3.0,5,1
	4,csvfloor (libcsv),1.0,0.9,0.1
	EOF
	# hyperfine's CSV of the slow run: command,mean,stddev,median,user,
	# system,min,max
	echo "iconv + mlr,50,0,50,50,1,50,50" > "$w/hyperfine.csv"
	printf '%s\n' "csvfloor (libcsv)|1600" "pathway-new|14336" \
	    "iconv + mlr|1048576" "iconv + duckdb|409600" > "$w/rss.txt"
	echo "10000 2322070 8300" > "$w/flat.txt"
}

@test "bench table: medians over the rounds, ratios round by round" {
	run sh "$root/tests/bench/table.sh" "$w"
	assert_success
	run grep '^| [a-z]' <<< "$output"
	# duckdb over pathway-new: the rounds say 2.5, 2, 3 and 2, median
	# 2.25 (the medians' ratio would be 6 / 2.5 = 2.40); pathway-new
	# against the floor: 0.5 in three rounds of four.
	assert_output - <<-'EOF'
	| command | median s | CPU s | MB/s | rows/s | peak RSS MB | floor speed | floor speed, CPU | peer time / ours |
	| csvfloor (libcsv) | 1.000 | 1.000 | 250 | 1000000 | 1.6 | 1.00 | 1.00 | 0.50 |
	| pathway-new | 2.500 | 5.000 | 100 | 400000 | 14.0 | 0.50 | 0.21 | 1.00 |
	| iconv + mlr | 50.000 | 51.000 | 5 | 20000 | 1024.0 | 0.02 | 0.02 | 20.00 |
	| iconv + duckdb | 6.000 | 10.000 | 42 | 166667 | 400.0 | 0.18 | 0.10 | 2.25 |
	| rows | bytes | peak RSS MB |
	EOF
}

@test "bench table: the flat-memory rows in MB" {
	run sh "$root/tests/bench/table.sh" "$w"
	assert_success
	run grep '^| [0-9]' <<< "$output"
	assert_output "| 10000 | 2322070 | 8.1 |"
}

@test "bench table: a command missing from a round is left out of that round's ratios" {
	# Round 3 lost pathway-new's run: duckdb's ratios are 2.5, 2 and 2.
	sed -i '/^3,pathway-new,/d' "$w/rounds.csv"
	run sh "$root/tests/bench/table.sh" "$w"
	assert_success
	run grep '^| iconv + duckdb ' <<< "$output"
	assert_output "| iconv + duckdb | 6.000 | 10.000 | 42 | 166667 | 400.0 | 0.18 | 0.10 | 2.00 |"
}
