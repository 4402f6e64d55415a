#!/usr/bin/env bats
# pathway-new checks batches of rows on several threads (PARCOURS_THREADS):
# whatever their number, the output, the rejects, the messages, the counts
# and the exit status are those of one thread.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
}

# Runs pathway-new on $n threads with the arguments given, keeping the
# output, the rejects (rej.csv), stderr and the status under a name of $n.
on_threads() {
	local n=$1
	shift
	PARCOURS_THREADS=$n pathway-new -r rej.csv "$@" > "out-$n.csv" \
	    2> "err-$n.txt" && echo 0 > "st-$n" || echo $? > "st-$n"
	mv rej.csv "rej-$n.csv"
}

same_as_one() {
	local n
	for n in "$@"; do
		cmp out-1.csv "out-$n.csv"
		cmp rej-1.csv "rej-$n.csv"
		cmp err-1.txt "err-$n.txt"
		cmp st-1 "st-$n"
	done
}

# Runs tool (ald30-check or followup-due) with the arguments given on 1,
# 2 and 4 threads: the same output, messages and status.
judged_on_threads() {
	local tool=$1 n
	shift
	for n in 1 2 4; do
		PARCOURS_THREADS=$n $tool -n 2026-11-23 "$@" > "out-$n.csv" \
		    2> "err-$n.txt" && echo 0 > "st-$n" || echo $? > "st-$n"
	done
	cmp out-1.csv out-2.csv
	cmp out-1.csv out-4.csv
	cmp err-1.txt err-2.txt
	cmp err-1.txt err-4.txt
	cmp st-1 st-2
	cmp st-1 st-4
}

# Both tools over events.csv and pathways.csv: as above, a row a pathway.
tables_on_threads() {
	local tool
	for tool in ald30-check followup-due; do
		judged_on_threads $tool -E events.csv pathways.csv
		[ "$(wc -l < out-1.csv)" -eq "$(wc -l < pathways.csv)" ] || return 1
	done
}

# Both tools with events.csv, whose line $1 holds the kind "bogus", and
# the pathway inputs given, on 1, 2 and 4 threads: that line said alone,
# status 3, no output.
refused_on_threads() {
	local line=$1 tool n
	shift
	for tool in ald30-check followup-due; do
		for n in 1 2 4; do
			PARCOURS_THREADS=$n run --separate-stderr $tool \
			    -E events.csv -o out.csv "$@"
			assert_failure 3
			[ "$output" = "" ]
			[[ "$stderr" == "$tool: events.csv:$line: kind: \"bogus\" is not a word of event_kind ("* ]]
			[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
			[ ! -e out.csv ] || return 1
		done
	done
}

@test "an export through a map on 1, 2 and 5 threads: the same bytes out" {
	# 5000 rows are five batches and more; the map rewrites on every
	# thread, each with its own copy of it.
	gen-export -s 5 -n 5000 -f dpi > export.csv
	for n in 1 2 5; do
		on_threads $n -m dpi-cp1252 export.csv
	done
	same_as_one 2 5
	[ "$(cat st-1)" -eq 3 ]
	[ "$(wc -l < rej-1.csv)" -gt 300 ]
	[ "$(wc -l < out-1.csv)" -gt 4000 ]
	[[ "$(cat err-1.txt)" =~ ^pathway-new:\ 5000\ read,\ [0-9]+\ written,\ [1-9][0-9]*\ skipped,\ [0-9]+\ rejected$ ]]
}

@test "warnings, reasons, repeats and corrections keep their order across threads" {
	gen-export -s 8 -n 3000 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o table.csv export.csv || true
	# A table of thousands of rows where every 7th is in Corsica (a
	# FINESS whose key is not verified: a warning), every 11th has a
	# birth date in the future (rejected), every 13th comes again (a
	# repeat) and every 17th again with another name (a correction).
	awk -F, 'BEGIN { OFS = "," }
	    NR == 1 { print; next }
	    NR % 7 == 0 { $12 = "2A0000001" }
	    NR % 11 == 0 { $6 = "2099-01-01" }
	    { print }
	    NR % 13 == 0 { print }
	    NR % 17 == 0 && NR % 11 != 0 { $4 = "Autre"; print }' table.csv \
	    > input.csv
	for n in 1 2 3; do
		on_threads $n -v input.csv
	done
	same_as_one 2 3
	[ "$(cat st-1)" -eq 3 ]
	grep -q '^pathway-new: input.csv:7: finess: Corsican FINESS: key not verified$' err-1.txt
	grep -q '^pathway-new: input.csv:11: birth_date: in the future$' err-1.txt
	[[ "$(tail -n 1 err-1.txt)" =~ ^pathway-new:\ [0-9]+\ read,\ [0-9]+\ written\ \([1-9][0-9]*\ corrections\),\ [1-9][0-9]*\ skipped,\ [1-9][0-9]*\ rejected$ ]]
	# a line per warning and per reason, in the order of the input
	grep -o 'input.csv:[0-9]*' err-1.txt | cut -d: -f2 > lines.txt
	sort -n -c lines.txt
}

@test "a standard input read on several threads, unreadable rows and all" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date\n' > in.csv
	for i in $(seq 1 1500); do
		printf '255081416802538,Martin,Jeanne,1955-08-02,F,C509,2026-10-12\n'
		[ $((i % 100)) -ne 0 ] || printf 'too,few\n'
	done >> in.csv
	printf 'x\342\202\254\377,Y,Z,1955-08-02,F,C509,2026-10-12\n' >> in.csv
	for n in 1 4; do
		PARCOURS_THREADS=$n pathway-new -r rej-$n.csv < in.csv \
		    > out-$n.csv 2> err-$n.txt || echo $? > st-$n
	done
	cmp out-1.csv out-4.csv
	cmp rej-1.csv rej-4.csv
	cmp err-1.txt err-4.txt
	cmp st-1 st-4
	[ "$(wc -l < out-1.csv)" -eq 2 ]
	[ "$(wc -l < rej-1.csv)" -eq 17 ]
	[ "$(tail -n 1 err-1.txt)" = "pathway-new: 1516 read, 1 written, 1499 skipped, 16 rejected" ]
}

@test "PARCOURS_THREADS must be a number of threads, 1 to 64" {
	for bad in 0 65 two -1; do
		PARCOURS_THREADS=$bad run --separate-stderr pathway-new \
		    -m dpi-cp1252 -o out.csv "$share/sample-dpi.csv"
		assert_failure 2
		[ "$stderr" = "pathway-new: PARCOURS_THREADS=$bad: a number of threads is 1 to 64" ]
		[ ! -e out.csv ]
	done
	PARCOURS_THREADS=64 run pathway-new -m dpi-cp1252 -r /dev/null \
	    -o out.csv "$share/sample-dpi.csv"
	assert_failure 3
	[ -s out.csv ]
}

@test "ald30-check and followup-due read the event table beside the pathways: the same bytes out" {
	gen-export -s 9 -n 2500 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	# five events a pathway, from the pathways' own dates
	awk -F, 'BEGIN { OFS = ","; print "pathway_id,date,kind,until" }
	    NR > 1 { print $1, $11, "ald-request", ""
	        print $1, $11, "ald-granted", ""
	        print $1, $11, "treatment-start", ""
	        print $1, $11, "visit", "" }' pathways.csv > events.csv
	tables_on_threads
}

@test "an event table that fails is said first, and nothing is written, on any number of threads" {
	gen-export -s 9 -n 300 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	printf 'pathway_id,date,kind,until\nxx,2020-01-01,bogus,\n' > events.csv
	refused_on_threads 2 missing.csv pathways.csv
}

@test "a large event table beside a small pathway table: its ids resolved on two threads, the same bytes out" {
	gen-export -s 9 -n 200 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	# 40,000 events, dates not in order, grants running to different
	# dates: the calling thread, done with the pathways long before,
	# resolves the ids of most of them, and an event given to the wrong
	# pathway changes ald30_until
	awk -F, 'BEGIN { OFS = ","; print "pathway_id,date,kind,until"
	        split("ald-request ald-granted treatment-start treatment-end visit", k, " ") }
	    NR > 1 { id[NR] = $1; n = NR }
	    END { for (i = 0; i < 40000; i++) {
	        y = 10 + (i * 7) % 15; kk = k[1 + int(i / 7) % 5]
	        print id[2 + i % (n - 1)], sprintf("20%02d-%02d-%02d", y,
	            1 + (i * 5) % 12, 1 + (i * 3) % 28), kk,
	            (kk == "ald-granted" ? sprintf("20%02d-06-30", y + 5) : "") } }' \
	    pathways.csv > events.csv
	[ "$(wc -l < events.csv)" -eq 40001 ]
	tables_on_threads
}

@test "an event table that fails far into its rows: said with its line, nothing written, on any number of threads" {
	gen-export -s 9 -n 200 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	awk -F, 'BEGIN { OFS = ","; print "pathway_id,date,kind,until" }
	    NR > 1 { id[NR] = $1; n = NR }
	    END { for (i = 0; i < 30000; i++)
	        print id[2 + i % (n - 1)], "2024-01-02",
	            (i == 29000 ? "bogus" : "visit"), "" }' \
	    pathways.csv > events.csv
	refused_on_threads 29002 pathways.csv
}

@test "ald30-check and followup-due: PARCOURS_THREADS must be 1 to 64 too" {
	for tool in ald30-check followup-due; do
		PARCOURS_THREADS=0 run --separate-stderr $tool /dev/null
		assert_failure 2
		[ "$stderr" = "$tool: PARCOURS_THREADS=0: a number of threads is 1 to 64" ]
	done
}

@test "ald30-check and followup-due judge rows on several threads: messages in row order, the same bytes out" {
	gen-export -s 9 -n 3000 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	awk -F, 'BEGIN { OFS = ","; print "pathway_id,date,kind,until" }
	    NR > 1 { print $1, $11, "ald-request", ""
	        print $1, $11, "ald-granted", ""
	        print $1, $11, "treatment-end", "" }' pathways.csv > events.csv
	# a bad birth date every 89 and every 97 rows: messages from every
	# batch, on whichever thread judged it
	awk -F, 'BEGIN { OFS = "," } NR > 1 && (NR % 89 == 0 || NR % 97 == 0) {
	    $6 = "" } { print }' pathways.csv > bad.csv
	nbad=$(awk 'NR > 1 && (NR % 89 == 0 || NR % 97 == 0)' bad.csv | wc -l)
	nread=$(( $(wc -l < bad.csv) + $(wc -l < pathways.csv) - 2 ))
	for tool in ald30-check followup-due; do
		for opt in "" -p; do
			judged_on_threads $tool $opt -E events.csv bad.csv \
			    pathways.csv
			[ "$(cat st-1)" = 3 ]
			# one message a bad row, by line, then the counts
			sed '$d' err-4.txt | sed -n 's/^[^:]*: bad.csv:\([0-9]*\): birth_date: .*/\1/p' > lines.txt
			[ "$(wc -l < lines.txt)" -eq "$nbad" ]
			[ "$(sed '$d' err-4.txt | wc -l)" -eq "$nbad" ]
			sort -n -c lines.txt
			[ "$(tail -n 1 err-4.txt)" = "$tool: $nread read, $nbad not judged" ]
		done
	done
}

@test "pathway-event checks events on several threads: output, rejects, messages and counts as on one" {
	gen-export -s 9 -n 1500 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	# three events a pathway, some broken, some twice: several batches
	# of 1024 events, each with rejects and repeats
	awk -F, 'BEGIN { OFS = ","; print "pathway_id,date,kind,until,detail" }
	    NR > 1 { print $1, $11, "ald-request", "", "r" NR
	        print $1, $11, (NR % 37 ? "ald-granted" : "granted?"), "", ""
	        print (NR % 41 ? $1 : "4e0a-ffffffffffffffffffff"), $11,
	            "visit", (NR % 43 ? "" : "2000-01-01"), ""
	        if (NR % 47 == 0) print $1, $11, "visit", "", "" }' \
	    pathways.csv > events.csv
	for n in 1 2 4; do
		PARCOURS_THREADS=$n run --separate-stderr pathway-event \
		    -P pathways.csv -r "rej-$n.csv" events.csv
		assert_failure 3
		printf '%s\n' "$output" > "out-$n.csv"
		printf '%s\n' "$stderr" > "err-$n.txt"
	done
	cmp out-1.csv out-2.csv
	cmp out-1.csv out-4.csv
	cmp rej-1.csv rej-4.csv
	cmp err-1.txt err-4.txt
	nin=$(( $(wc -l < events.csv) - 1 ))
	nrej=$(( $(wc -l < rej-1.csv) - 1 ))
	nout=$(( $(wc -l < out-1.csv) - 1 ))
	[ "$nin" -gt 4096 ]
	[ "$nrej" -ge 90 ]
	[ "$(tail -n 1 err-4.txt)" = "pathway-event: $nin read, $nout written, $((nin - nout - nrej)) skipped, $nrej rejected" ]
	[ "$((nin - nout - nrej))" -gt 0 ]
}

@test "pathway-event: PARCOURS_THREADS must be 1 to 64 too, said before any output" {
	PARCOURS_THREADS=0 run --separate-stderr pathway-event \
	    -m visits -o out.csv "$share/sample-visits.csv"
	assert_failure 2
	[ "$stderr" = "pathway-event: PARCOURS_THREADS=0: a number of threads is 1 to 64" ]
	[ ! -e out.csv ]
}

@test "rcp-record checks cases on several threads: output, rejects, warnings and counts as on one" {
	gen-export -s 9 -n 1500 -f dpi > export.csv
	pathway-new -m dpi-cp1252 -r /dev/null -o pathways.csv export.csv || true
	# two cases a pathway, adults' and children's meetings as the rules
	# want them, and every 7th without a surgeon (rejected), every 11th
	# chemotherapy with no oncologist (a warning), every 13th twice:
	# several batches of 1024 rows, each with all of it
	awk -F, 'BEGIN { OFS = ","
	    print "pathway_id,meeting_date,meeting_kind,mode,motive," \
	        "specialties,proposal,consent_by" }
	    NR > 1 {
	        child = substr($11, 1, 4) - substr($6, 1, 4) < 19
	        kind = child ? "pediatric" : "standard"
	        who = child ? "mother" : "patient"
	        if (child) spec = "pediatric-oncology|pediatric-surgery|radiology"
	        else spec = "surgery|medical-oncology|radiology"
	        if (NR % 7 == 0 && !child) spec = "medical-oncology|radiology|pathology"
	        if (NR % 11 == 0 && !child) spec = "surgery|radiology|pathology"
	        prop = NR % 11 == 0 ? "chemotherapy" : "surgery"
	        print $1, $11, kind, "discussed", "initial", spec, prop, who
	        print $1, $11, kind, "discussed", "change", spec, "radiotherapy", who
	        if (NR % 13 == 0)
	            print $1, $11, kind, "discussed", "change", spec, "radiotherapy", who
	    }' pathways.csv > rcp.csv
	for n in 1 2 4; do
		PARCOURS_THREADS=$n run --separate-stderr rcp-record \
		    -P pathways.csv -r "rej-$n.csv" rcp.csv
		printf '%s\n' "$status" > "st-$n"
		printf '%s\n' "$output" > "out-$n.csv"
		printf '%s\n' "$stderr" > "err-$n.txt"
	done
	cmp st-1 st-4
	cmp out-1.csv out-2.csv
	cmp out-1.csv out-4.csv
	cmp rej-1.csv rej-4.csv
	cmp err-1.txt err-2.txt
	cmp err-1.txt err-4.txt
	nin=$(( $(wc -l < rcp.csv) - 1 ))
	nrej=$(( $(wc -l < rej-1.csv) - 1 ))
	nout=$(( $(wc -l < out-1.csv) - 1 ))
	[ "$(cat st-1)" = 3 ]
	[ "$nin" -gt 2048 ]
	[ "$nrej" -ge 100 ]
	[ "$(grep -c ': specialties: chemotherapy proposed, and no physician' err-4.txt)" -ge 100 ]
	[ "$(tail -n 1 err-4.txt)" = "rcp-record: $nin read, $nout written, $((nin - nout - nrej)) skipped, $nrej rejected" ]
	[ "$((nin - nout - nrej))" -gt 0 ]
}
