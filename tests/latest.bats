#!/usr/bin/env bats
# lib/latest.c through tests/unit/latestread.c: the latest row of each key,
# kept whole or (lean) left in a regular file and read again when asked
# for; a table rewritten, appended to or piped under the run; and the
# tools that read their pathway tables lean (ald30-check, followup-due,
# and rcp-record's -P table, read as pathway-event's), the same from a
# pipe as from a file.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	# b's first row is quoted, its correction plain; c's first is plain,
	# its correction quoted; a is plain throughout; d and e have one row
	# each, d's plain (left in the file by a lean table: a correction
	# is kept whole), e's quoted.  The key is not the first column.
	printf '%s\n' name,id,note Alice,a,x 'Bob,"b",y' Carl,c,z Dora,d,w \
	    Alicia,a,x2 '"Carl, Jr",c,z2' Bobby,b,y2 '"Eve, E",e,v' > t.csv
	want=$(printf '%s\n' '6	Alicia|a|x2' '8	Bobby|b|y2' \
	    '7	Carl, Jr|c|z2' '5	Dora|d|w' '9	Eve, E|e|v')
	want=$(printf "$want")
}

@test "latest rows, lean or kept whole: corrections from plain rows to quoted ones and back" {
	run latestread -l t.csv id
	assert_success
	assert_output "$want"
	run latestread t.csv id
	assert_success
	assert_output "$want"
}

@test "a lean table: CRLF line ends, a byte-order mark, a last line without its end, a .tsv" {
	printf '\xef\xbb\xbfid,v\r\nk1,one\r\nk2,two\r\nk1,uno\r\n' > crlf.csv
	run latestread -l crlf.csv id
	assert_success
	assert_output "$(printf '4\tk1|uno\n3\tk2|two')"
	printf 'id,v\nk1,one\nk2,two' > open.csv
	run latestread -l open.csv id
	assert_success
	assert_output "$(printf '2\tk1|one\n3\tk2|two')"
	printf 'id\tv\nk1\ta,b\nk2\t\n' > t.tsv
	run latestread -l t.tsv id
	assert_success
	assert_output "$(printf '2\tk1|a,b\n3\tk2|')"
}

# Table $1 lean (lean.txt) and kept whole (whole.txt): $2 rows, the same.
same_rows() {
	latestread "$1" id > whole.txt
	latestread -l "$1" id > lean.txt
	[ "$(wc -l < lean.txt)" -eq "$2" ]
	cmp whole.txt lean.txt
}

@test "a lean table over many windows of the file, with a row longer than a window" {
	awk 'BEGIN {
		print "id,a,b,c"
		for (i = 1; i <= 3000; i++) {
			printf "k%d,%0150d,%s,%d\n", i % 2500, i, (i % 11 ? "" : "\"q,\""), i
			if (i == 1200) {
				printf "long,"
				for (j = 0; j < 30000; j++) printf "0123456789"
				print ",x,y"
			}
		}
	}' > big.csv
	same_rows big.csv 2501
	[ "$(grep -c '^1202	long|' lean.txt)" -eq 1 ]
	[ "$(awk -F'|' '/^1202\t/ { print length($2) }' lean.txt)" -eq 300000 ]
	grep -q '^3002	k500|0*3000||3000$' lean.txt
	grep -q '^2510	k8|0*2508|q,|2508$' lean.txt
}

@test "a lean table whose corrections come in no order, then in order: the rows kept whole give the same" {
	# 4,000 pathways, then 1,500 corrections in a shuffled order, then
	# 1,000 in the order of the first rows: the corrections kept whole,
	# the first rows read again in the file's order.
	awk 'BEGIN {
		print "id,a,b"
		for (i = 1; i <= 4000; i++)
			printf "k%d,%0160d,first\n", i, i
		x = 7
		for (i = 1; i <= 1500; i++) {
			x = (x * 1103515245 + 12345) % 2147483648
			printf "k%d,%0160d,shuffled %d\n", int(x / 65536) % 4000 + 1, i, i
		}
		for (i = 1; i <= 4000; i += 4)
			printf "k%d,%0160d,in order\n", i, i
	}' > c.csv
	same_rows c.csv 4000
	[ "$(grep -c '|in order$' lean.txt)" -eq 1000 ]
	[ "$(grep -c '|shuffled ' lean.txt)" -gt 500 ]
}

@test "a table rewritten under the run: status 4, its file and the row's line, the row not read as it now stands" {
	# The same length, key and shape: only the bytes tell.  The rows
	# before d's, kept whole, were printed.
	sed 's/Dora/Dori/' t.csv > new.csv
	run --separate-stderr latestread -l t.csv id new.csv
	assert_failure 4
	assert_output "$(head -3 <<< "$want")"
	[ "$stderr" = "latestread: t.csv:5: the file changed under the run (the row is no longer where it was read): run again" ]
	# Cut short.
	printf 'name,id,note\n' > short.csv
	cp t.csv t2.csv
	run --separate-stderr latestread -l t2.csv id short.csv
	assert_failure 4
	[ "$stderr" = "latestread: t2.csv:5: the file changed under the run (the row is no longer where it was read): run again" ]
	# A row of 76 bytes is summed 32 at a time, in four lanes of 8
	# (lib/hash.c), then its last 12: one byte changed in any lane, or in
	# what is left, is told.
	long=k1,0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,
	for at in 4 13 22 31 40 45 71; do
		printf 'id,v,w\n%s\nk2,x,y\n' "${long}0123456789" > l.csv
		printf 'id,v,w\n%s\nk2,x,y\n' "${long}0123456789" |
		    awk -v at="$at" 'NR == 2 {
			$0 = substr($0, 1, at - 1) "_" substr($0, at + 1) }
			{ print }' > lnew.csv
		[ "$(wc -c < lnew.csv)" -eq "$(wc -c < l.csv)" ]
		run cmp -s l.csv lnew.csv
		assert_failure 1
		run --separate-stderr latestread -l l.csv id lnew.csv
		assert_failure 4
		[ "$stderr" = "latestread: l.csv:2: the file changed under the run (the row is no longer where it was read): run again" ]
	done
}

@test "appending to a lean table under the run changes nothing; corrections and quoted rows are kept whole, not read again" {
	cp t.csv t3.csv
	cat t.csv > more.csv
	echo Later,d,w2 >> more.csv
	run latestread -l t.csv id more.csv
	assert_success
	assert_output "$want"
	# Corrections and quoted rows are kept whole: their file may change
	# under the run.
	sed 's/Alicia/Alicja/' t3.csv > new.csv
	run latestread -l t3.csv id new.csv
	assert_success
	assert_output "$want"
	printf '%s\n' id,v '"k1","one"' '"k2","two"' > q.csv
	printf '%s\n' id,v '"k1","uno"' '"k2","dos"' > q2.csv
	run latestread -l q.csv id q2.csv
	assert_success
	assert_output "$(printf '2\tk1|one\n3\tk2|two')"
}

@test "a lean table from a pipe is kept whole: the same rows as from the file" {
	run bash -c 'cat t.csv | latestread -l - id'
	assert_success
	assert_output "$want"
}

@test "ald30-check and followup-due: a pathway table from a pipe gives what the file gives" {
	# Past a batch of rows (256), quoted rows and corrections among them.
	awk 'BEGIN {
		print "pathway_id,birth_date,diagnosis_date,icd10,gp_rpps"
		for (i = 1; i <= 700; i++) {
			id = sprintf("0000-%020d", i % 600)
			if (i % 9 == 0)
				printf "\"%s\",1960-01-01,2025-11-01,\"C50.9\",\n", id
			else
				printf "%s,1960-01-%02d,2025-11-01,C%02d.9,\n", id, i % 28 + 1, i % 97
		}
	}' > p.csv
	printf '%s\n' pathway_id,date,kind,until,detail,source,recorded_at \
	    0000-00000000000000000005,2022-03-01,ald-granted,,,, \
	    0000-00000000000000000009,2025-12-01,treatment-end,,,, > e.csv
	for tool in ald30-check followup-due; do
		run --separate-stderr "$tool" -n 2026-11-23 -E e.csv p.csv
		file_out=$output file_err=$stderr file_status=$status
		[ "${#lines[@]}" -eq 601 ]
		run --separate-stderr bash -c "cat p.csv | $tool -n 2026-11-23 -E e.csv -"
		[ "$status" -eq "$file_status" ]
		[ "$output" = "$file_out" ]
		[ "${stderr//stdin/p.csv}" = "$file_err" ]
		# A named pipe: the tool sizes its tables from the files it
		# is given (lib/io.c), and must not open this one to do so.
		rm -f pf
		mkfifo pf
		cat p.csv > pf &
		run --separate-stderr "$tool" -n 2026-11-23 -E e.csv pf
		wait
		[ "$status" -eq "$file_status" ]
		[ "$output" = "$file_out" ]
		[ "${stderr//pf/p.csv}" = "$file_err" ]
	done
}

@test "ald30-check: a row read again goes out as read only where a writer would write it so" {
	# A CR inside a field, a field a spreadsheet would run, a tab in a
	# CSV field; then -t, --safe-csv, and a run on its own output, whose
	# added columns are replaced in place.
	printf '%s\n' pathway_id,birth_date,icd10,note \
	    0000-00000000000000000001,1960-01-01,C50.9,plain \
	    $'0000-00000000000000000002,1960-01-01,C50.9,a\rb' \
	    0000-00000000000000000003,1960-01-01,C50.9,=1+1 \
	    $'0000-00000000000000000004,1960-01-01,C50.9,a\tb' > p.csv
	printf '%s\n' pathway_id,date,kind,until,detail,source,recorded_at > e.csv
	# Status 1: no pathway has its ALD request recorded.
	v='no-request,no ALD request recorded,'
	t=$'\t' cr=$'\r'
	run ald30-check -n 2026-11-23 -E e.csv p.csv
	assert_failure 1
	assert_output "pathway_id,birth_date,icd10,note,ald30_status,ald30_reason,ald30_until
0000-00000000000000000001,1960-01-01,C50.9,plain,$v
0000-00000000000000000002,1960-01-01,C50.9,\"a${cr}b\",$v
0000-00000000000000000003,1960-01-01,C50.9,=1+1,$v
0000-00000000000000000004,1960-01-01,C50.9,a${t}b,$v"
	printf '%s\n' "$output" > o.csv
	run ald30-check -t -n 2026-11-23 -E e.csv p.csv
	assert_failure 1
	[ "${lines[2]}" = "0000-00000000000000000002${t}1960-01-01${t}C50.9${t}\"a${cr}b\"${t}no-request${t}no ALD request recorded${t}" ]
	[ "${lines[4]}" = "0000-00000000000000000004${t}1960-01-01${t}C50.9${t}\"a${t}b\"${t}no-request${t}no ALD request recorded${t}" ]
	run ald30-check --safe-csv -n 2026-11-23 -E e.csv p.csv
	assert_failure 1
	[ "${lines[3]}" = "0000-00000000000000000003,1960-01-01,C50.9,'=1+1,$v" ]
	run ald30-check -n 2026-11-23 -E e.csv o.csv
	assert_failure 1
	assert_output "$(cat o.csv)"
	# What a pipe gives, its rows kept whole and written field by field.
	for opt in -t --safe-csv -p; do
		run ald30-check $opt -n 2026-11-23 -E e.csv p.csv
		file_out=$output
		run bash -c "cat p.csv | ald30-check $opt -n 2026-11-23 -E e.csv -"
		[ "$output" = "$file_out" ]
	done
}

# rcp-record -P with the pathway table p.csv, read from $1 (cat p.csv |).
rcp_p() { cat p.csv | rcp-record -P "$1" "${@:2}"; }

@test "rcp-record -P: each pathway's latest row, quoted or not, from a file as from a pipe" {
	# The second pathway's INS corrected; the first's row quoted.
	printf '%s\n' pathway_id,ins,birth_date,icd10,diagnosis_date \
	    '"abcd-00000000000000000001","255081416802538",1955-08-02,C50.9,2026-10-12' \
	    abcd-00000000000000000002,178059933010817,1978-05-01,C50.9,2026-09-01 \
	    abcd-00000000000000000002,110116912300790,1978-05-01,C50.9,2026-09-01 > p.csv
	ok=(meeting_date=2026-11-05 meeting_kind=standard mode=discussed
	    motive=initial 'specialties=surgery|medical-oncology|radiotherapy'
	    'proposal=surgery|radiotherapy')
	for P in p.csv /dev/stdin; do
		run --separate-stderr rcp_p "$P" ins=255081416802538 "${ok[@]}"
		assert_success
		[ "$(cut -d, -f2 <<< "${lines[1]}")" = abcd-00000000000000000001 ]
		run --separate-stderr rcp_p "$P" ins=110116912300790 "${ok[@]}"
		assert_success
		[ "$(cut -d, -f2 <<< "${lines[1]}")" = abcd-00000000000000000002 ]
		run --separate-stderr rcp_p "$P" ins=178059933010817 "${ok[@]}"
		assert_failure 3
		[ "${stderr_lines[0]}" = "rcp-record: ins: no pathway for this INS" ]
	done
}
