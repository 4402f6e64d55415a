#!/usr/bin/env bats
# Past PARCOURS_REPEAT_MEMORY, pathway-new, pathway-event and rcp-record keep the pairs
# they have met on disk and hold the rows still to be decided in temporary
# files: whatever the budget, the output, the rejects, the messages, the
# counts and the exit status are those of a run held in memory.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
}

# Runs "$@" with PARCOURS_REPEAT_MEMORY=$1 (empty: the default), keeping
# the output, the rejects (rej.csv), stderr and the status under tag $2.
with_memory() {
	local mem=$1 tag=$2
	shift 2
	PARCOURS_REPEAT_MEMORY=$mem "$@" -r "rej-$tag.csv" > "out-$tag.csv" \
	    2> "err-$tag.txt" && echo 0 > "st-$tag" || echo $? > "st-$tag"
}

same_as() {
	local a=$1 b=$2
	cmp "out-$a.csv" "out-$b.csv"
	cmp "rej-$a.csv" "rej-$b.csv"
	cmp "err-$a.txt" "err-$b.txt"
	cmp "st-$a" "st-$b"
}

# export.csv: 3000 pathways, then every third one again with another
# referent's phone (a correction), then the first 500 again (repeats).
export_with_repeats() {
	gen-export -s 11 -n 3000 -f dpi > export.csv
	tail -n +2 export.csv | awk -F';' 'BEGIN { OFS = ";" }
	    NR % 3 == 0 { $14 = "05 55 55 55 55"; print }' > changed.csv
	tail -n +2 export.csv | head -n 500 > again.csv
	cat changed.csv again.csv >> export.csv
}

@test "an import past PARCOURS_REPEAT_MEMORY writes the bytes of one in memory" {
	export_with_repeats
	with_memory "" mem pathway-new -m dpi-cp1252 export.csv
	with_memory 1k disk pathway-new -m dpi-cp1252 export.csv
	with_memory 64k mid pathway-new -m dpi-cp1252 export.csv
	with_memory 0 none pathway-new -m dpi-cp1252 export.csv
	same_as mem disk
	same_as mem mid
	same_as mem none
	# the run has repeats and corrections to get right
	[[ $(tail -n 1 err-mem.txt) =~ ^pathway-new:\ [0-9]+\ read,\ [0-9]+\ written\ \([1-9][0-9]*\ corrections\),\ [1-9][0-9]*\ skipped, ]]
	[ "$(cat st-mem)" = 3 ]
}

# near.csv: 3000 pathways (or $1), each 50th line again at once (a repeat) and each
# 70th again with another referent's phone (a correction); far.csv: the
# same with the 10th line again in the middle, 1500 lines after it.
export_with_near_repeats() {
	gen-export -s 14 -n "${1:-3000}" -f dpi > export.csv
	tail -n +2 export.csv | awk -F';' 'BEGIN { OFS = ";" }
	    { print }
	    NR % 50 == 0 { print }
	    NR % 70 == 0 { $14 = "05 55 55 55 55"; print }' > rows.csv
	{ head -n 1 export.csv; cat rows.csv; } > near.csv
	{ head -n 1 export.csv; head -n 1500 rows.csv; sed -n 10p rows.csv
	    tail -n +1501 rows.csv; } > far.csv
}

# Past the memory, rows are written as they come while each is new or a
# repeat of one of the last rows; a repeat of an older row holds the rows
# from it on until the end.  Either way, the bytes of a run in memory.
@test "past PARCOURS_REPEAT_MEMORY, repeats of recent rows and of old ones: the bytes of a run in memory" {
	export_with_near_repeats
	for f in near far; do
		with_memory "" "$f-mem" pathway-new -m dpi-cp1252 "$f.csv"
		with_memory 64k "$f-stream" pathway-new -m dpi-cp1252 "$f.csv"
		with_memory 1k "$f-full" pathway-new -m dpi-cp1252 "$f.csv"
		with_memory 0 "$f-held" pathway-new -m dpi-cp1252 "$f.csv"
		same_as "$f-mem" "$f-stream"
		same_as "$f-mem" "$f-full"
		same_as "$f-mem" "$f-held"
	done
	[ "$(tail -n 1 err-near-mem.txt)" = "pathway-new: 3115 read, 2756 written (36 corrections), 46 skipped, 313 rejected" ]
	[ "$(tail -n 1 err-far-mem.txt)" = "pathway-new: 3116 read, 2756 written (36 corrections), 47 skipped, 313 rejected" ]
	[ "$(cat st-near-mem)" = 3 ]
}

# The first input is read whole before the second, a FIFO, is opened:
# while it stalls, the rows of the first must be out, past the memory.
@test "past PARCOURS_REPEAT_MEMORY, new rows and repeats of recent ones are written as they come" {
	local i n pid st=0
	[ -z "${PARCOURS_VALGRIND-}" ] || skip "waits on a live run"
	export_with_near_repeats 8000
	head -n 1 near.csv > header.csv
	with_memory "" mem pathway-new -m dpi-cp1252 near.csv header.csv
	mkfifo stall
	PARCOURS_REPEAT_MEMORY=64k pathway-new -m dpi-cp1252 -r rej.csv \
	    near.csv stall > out.csv 2> err.txt &
	pid=$!
	for ((i = 0; i < 2400; i++)); do
		n=$(wc -l < out.csv)
		[ "$n" -ge 4000 ] && break
		sleep 0.05
	done
	cat header.csv > stall
	wait "$pid" || st=$?
	[ "$n" -ge 4000 ] ||
	    fail "$n lines out before the end of the input, in 120 s"
	cmp out.csv out-mem.csv
	cmp rej.csv rej-mem.csv
	cmp err.txt err-mem.txt
	[ "$st" = 3 ]
}

@test "past the memory, -P and -a, several inputs and stdin agree with memory" {
	export_with_repeats
	head -n 1001 export.csv > first.csv
	pathway-new -m dpi-cp1252 -r /dev/null first.csv > known.csv || true
	for tag in mem disk; do
		cp known.csv "table-$tag.csv"
	done
	with_memory "" mem pathway-new -m dpi-cp1252 -P known.csv \
	    -a table-mem.csv export.csv first.csv
	with_memory 1k disk pathway-new -m dpi-cp1252 -P known.csv \
	    -a table-disk.csv export.csv first.csv
	same_as mem disk
	cmp table-mem.csv table-disk.csv
	[ "$(wc -l < table-mem.csv)" -gt "$(wc -l < known.csv)" ]
	with_memory "" in pathway-new -m dpi-cp1252 < export.csv
	with_memory 2k in-disk pathway-new -m dpi-cp1252 < export.csv
	same_as in in-disk
}

@test "pathway-event past PARCOURS_REPEAT_MEMORY: the same events kept and skipped" {
	gen-export -s 12 -n 2000 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o p.csv export.csv || true
	{
		echo pathway_id,date,kind
		tail -n +2 p.csv | cut -d, -f1,11 | awk -F, '{
		    print $1 "," $2 ",announcement"
		    print $1 ",2026-11-20,visit" }'
		tail -n +2 p.csv | head -n 300 | cut -d, -f1 |
		    sed 's/$/,2026-11-20,visit/'
	} > ev.csv
	with_memory "" mem pathway-event -v -P p.csv ev.csv
	with_memory 1k disk pathway-event -v -P p.csv ev.csv
	same_as mem disk
	n=$(($(wc -l < p.csv) - 1))
	[ "$(tail -n 1 err-mem.txt)" = "pathway-event: $((2 * n + 300)) read, $((2 * n)) written, 300 skipped, 0 rejected" ]
}

@test "rcp-record past PARCOURS_REPEAT_MEMORY: the same cases, corrections and warnings" {
	gen-export -s 13 -n 1500 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o p.csv export.csv || true
	tail -n +2 p.csv | cut -d, -f1 > ids
	{
		echo pathway_id,meeting_date,meeting_kind,mode,motive,specialties,proposal,notes
		sed 's/$/,2026-11-05,standard,discussed,initial,hematology|pathology|radiology,chemotherapy,/' ids
		head -n 200 ids | sed 's/$/,2026-11-05,standard,discussed,initial,hematology|pathology|radiology,chemotherapy,seen again/'
		head -n 100 ids | sed 's/$/,2026-11-05,standard,discussed,initial,hematology|pathology|radiology,chemotherapy,/'
	} > cases.csv
	with_memory "" mem rcp-record -P p.csv cases.csv
	with_memory 1k disk rcp-record -P p.csv cases.csv
	same_as mem disk
	grep -q "a patient aged 15 to 24 gets a pediatric and an adult opinion" err-mem.txt
	[[ $(tail -n 1 err-mem.txt) =~ ^rcp-record:\ [0-9]+\ read,\ [0-9]+\ written\ \([1-9][0-9]*\ corrections\),\ [1-9][0-9]*\ skipped, ]]
}

@test "the held rows go to TMPDIR: one that does not exist is an I/O error" {
	[ -z "${PARCOURS_VALGRIND-}" ] ||
	    skip "valgrind makes files of its own in TMPDIR"
	export_with_repeats
	TMPDIR=$PWD/nowhere PARCOURS_REPEAT_MEMORY= run --separate-stderr \
	    pathway-new -m dpi-cp1252 -r /dev/null -o out.csv export.csv
	assert_failure 3	# in memory, TMPDIR is not needed
	TMPDIR=$PWD/nowhere PARCOURS_REPEAT_MEMORY=1k run --separate-stderr \
	    pathway-new -m dpi-cp1252 -r /dev/null -o held.csv export.csv
	assert_failure 4
	[ "$stderr" = "pathway-new: temporary file in $PWD/nowhere: No such file or directory" ]
	[ ! -e held.csv ]
}

@test "the held rows leave no file behind in TMPDIR" {
	export_with_repeats
	mkdir tmp
	PARCOURS_REPEAT_MEMORY= run --separate-stderr \
	    pathway-new -m dpi-cp1252 -r /dev/null -o out.csv export.csv
	assert_failure 3
	TMPDIR=$PWD/tmp PARCOURS_REPEAT_MEMORY=1k run --separate-stderr \
	    pathway-new -m dpi-cp1252 -r /dev/null -o held.csv export.csv
	assert_failure 3
	cmp out.csv held.csv
	[ -z "$(ls -A tmp)" ]
}

@test "a PARCOURS_REPEAT_MEMORY that is not a size is a usage error before any output" {
	for bad in lots 12x -5 1000 2T 99999999999999999999k; do
		PARCOURS_REPEAT_MEMORY=$bad run --separate-stderr pathway-new \
		    -o out.csv ins=255081416802538 family_name=Martin \
		    given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \
		    diagnosis_date=2026-10-12
		assert_failure 2
		[ "$stderr" = "pathway-new: PARCOURS_REPEAT_MEMORY=$bad: a size in bytes, or with k, M or G, 0 or from 1k to 1024G" ]
		[ "$output" = "" ]
		[ ! -e out.csv ]
	done
	for tool in pathway-event rcp-record; do
		PARCOURS_REPEAT_MEMORY=x run --separate-stderr $tool -o out.csv
		assert_failure 2
		[ "$stderr" = "$tool: PARCOURS_REPEAT_MEMORY=x: a size in bytes, or with k, M or G, 0 or from 1k to 1024G" ]
		[ ! -e out.csv ]
	done
}
