#!/usr/bin/env bats
# Output safety (lib/writer.c), through pathway-new: -o replaces atomically,
# -a appends under a lock, files are private, write errors are errors, a
# closed pipe is not, and a second import of the same export adds nothing.
bats_require_minimum_version 1.5.0
load helper

setup() { helper_setup; }

HDR=ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date
JEANNE=255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12
PAUL=178059933010817,Dupont,Paul,1978-05-01,M,C61,2026-10-12
NOSEX=178059933010817,Dupont,Paul,1978-05-01,,C61,2026-10-12
OUT_HDR=pathway_id,ins,local_id,family_name,given_names,birth_date,sex,icd10,icdo3_topography,icdo3_morphology,diagnosis_date,finess,referent_rpps,referent_name,referent_contact,team_contact,gp_rpps,gp_name,gp_contact,recorded_at
TAIL=,,,,,,,,,2026-11-23T00:00:00Z
JEANNE_OUT=ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL
PAUL_OUT=ID,178059933010817,,Dupont,Paul,1978-05-01,M,C61,,,2026-10-12$TAIL

# The pathway_id depends on the site key: a well-formed one shows as ID.
mask() { sed -E 's/^[0-9a-f]{4}-[0-9a-f]{20}(,|	)/ID\1/' "$@"; }
masked() { printf '%s\n' "$output" | mask; }

# Octal mode of a file.
mode() { stat -c %a "$1"; }

# The fingerprint of the test key: the first 4 hex digits of its ids.
fingerprint() {
	pathway-new ins=255081416802538 family_name=Martin given_names=Jeanne \
	    birth_date=1955-08-02 sex=F icd10=C50.9 diagnosis_date=2026-10-12 |
	    sed -n '2s/-.*//p'
}

# n rows of distinct valid NIRs for a woman born 1955-08 (key = 97 - N mod 97),
# block w of 10000 numbers, so that two blocks never share a NIR.  awk, not a
# bash loop (slow under bats); its numbers are doubles, exact below 2^53.
gen_rows() {
	awk -v w="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			b = 2550814000000 + w * 10000 + i
			printf "%.0f%02d,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n",
			    b, 97 - b % 97
		}
	}'
}

gen_file() {	# file w n
	{ printf '%s\n' "$HDR"; gen_rows "$2" "$3"; } > "$1"
}

# ---- -o: replace -----------------------------------------------------------

@test "output: -o writes the table to the file, nothing on stdout" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -o out.csv in.csv
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_equal "$(mask out.csv)" "$OUT_HDR
$JEANNE_OUT"
}

@test "output: -o creates the file mode 0600 even with umask 022" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	umask 022
	run --separate-stderr pathway-new -o out.csv in.csv
	assert_success
	assert_equal "$(mode out.csv)" 600
}

@test "output: -o replacing an existing 0644 file leaves it 0600 with the new table" {
	printf 'old\n' > out.csv
	chmod 644 out.csv
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	umask 022
	run --separate-stderr pathway-new -o out.csv in.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(mode out.csv)" 600
	assert_equal "$(mask out.csv)" "$OUT_HDR
$JEANNE_OUT"
}

@test "output: -o replaces by rename: a reader of the old file still sees it whole" {
	printf 'old table\n' > out.csv
	ln out.csv old-link.csv		# holds the old file as a reader would
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -o out.csv in.csv
	assert_success
	assert_equal "$(cat old-link.csv)" "old table"
	assert_not_equal "$(stat -c %i out.csv)" "$(stat -c %i old-link.csv)"
	assert_equal "$(mask out.csv)" "$OUT_HDR
$JEANNE_OUT"
}

@test "output: -o leaves no temporary .NAME.* file in the directory" {
	mkdir d
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -o d/out.csv in.csv
	assert_success
	assert_equal "$(ls -A d)" "out.csv"
}

@test "output: -o with rejected rows still leaves no temporary file" {
	mkdir d
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$NOSEX" > in.csv
	run --separate-stderr pathway-new -r d/rej.csv -o d/out.csv in.csv
	assert_failure 3
	assert_equal "$(ls -A d | LC_ALL=C sort | tr '\n' ' ')" "out.csv rej.csv "
}

@test "output: -o into a missing directory fails (exit 4) and creates nothing" {
	mkdir d
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -o d/missing/out.csv in.csv
	assert_failure 4
	assert_equal "$output" ""
	assert_regex "$stderr" '^pathway-new: d/missing/(out\.csv|\.out\.csv\.[A-Za-z0-9]{6}): No such file or directory$'
	assert_equal "$(ls -A d)" ""
}

@test "output: -o: a write error (file size limit) keeps the old file, exit 4" {
	mkdir d
	printf 'old table\n' > d/out.csv
	gen_file in.csv 1 3000
	# A 64 KB limit; SIGXFSZ ignored so that write(2) fails with EFBIG.
	run --separate-stderr bash -c \
	    'trap "" XFSZ; ulimit -f 64; exec pathway-new -o d/out.csv in.csv'
	assert_failure 4
	assert_equal "$output" ""
	assert_equal "$stderr" "pathway-new: d/out.csv: write error: File too large"
	assert_equal "$(cat d/out.csv)" "old table"
	assert_equal "$(ls -A d)" "out.csv"
}

@test "output: -o: a run refused by -P leaves no temporary file and the old file" {
	mkdir d
	printf 'old table\n' > d/out.csv
	printf 'pathway_id\n0000-00000000000000000000\n' > known.csv
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -P known.csv -o d/out.csv in.csv
	assert_failure 2
	assert_equal "$(cat d/out.csv)" "old table"
	assert_equal "$(ls -A d)" "out.csv"
}

@test "output: -o: a reject file that cannot be created leaves no -o temporary file" {
	mkdir d
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -r d/missing/rej.csv -o d/out.csv in.csv
	assert_failure 4
	assert_equal "$(ls -A d)" ""
}

# ---- stdout ----------------------------------------------------------------

@test "output: a write error on stdout (/dev/full) is reported, exit 4" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr bash -c 'pathway-new in.csv > /dev/full'
	assert_failure 4
	assert_equal "$stderr" "pathway-new: stdout: write error: No space left on device"
}

@test "output: a write error on stdout in a long run is reported, exit 4" {
	gen_file in.csv 1 5000
	run --separate-stderr bash -c 'pathway-new in.csv > /dev/full'
	assert_failure 4
	assert_equal "$stderr" "pathway-new: stdout: write error: No space left on device"
}

@test "output: '| head -1' on a large output ends quietly" {
	gen_file in.csv 1 9000
	run --separate-stderr bash -c 'pathway-new in.csv | head -1'
	assert_success
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" ""
}

@test "output: with SIGPIPE ignored, a closed pipe still ends quietly" {
	gen_file in.csv 1 9000
	run --separate-stderr bash -c \
	    'trap "" PIPE; pathway-new in.csv | head -1'
	assert_success
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" ""
}

@test "output: -t writes TSV" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -t in.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$(printf '%s\n%s\n' "$OUT_HDR" "$JEANNE_OUT" |
	    tr , '\t')"
}

# ---- -a: append ------------------------------------------------------------

@test "output: -a writes the header once to a new file, then appends rows" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	printf '%s\n%s\n' "$HDR" "$PAUL" > b.csv
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run --separate-stderr pathway-new -a p.csv b.csv
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_equal "$(mask p.csv)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
}

@test "output: -a creates the file mode 0600 even with umask 022" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	umask 022
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_success
	assert_equal "$(mode p.csv)" 600
}

@test "output: -a writes the header to an existing empty file" {
	: > p.csv
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(mask p.csv)" "$OUT_HDR
$JEANNE_OUT"
}

@test "output: -a with no row to add still leaves a table (the header)" {
	printf '%s\n' "$HDR" > a.csv
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_success
	assert_equal "$(cat p.csv)" "$OUT_HDR"
}

@test "output: -a refuses a file with another header (exit 2), the file unchanged" {
	printf 'a,b\n1,2\n' > other.csv
	sum=$(sha256sum other.csv)
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	run --separate-stderr pathway-new -a other.csv a.csv
	assert_failure 2
	assert_equal "$output" ""
	assert_regex "$stderr" '^pathway-new: other\.csv: .*header differs'
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$(sha256sum other.csv)" "$sum"
}

@test "output: -a refuses the header of a TSV table when writing CSV" {
	printf '%s\n' "$OUT_HDR" | tr , '\t' > p.csv
	sum=$(sha256sum p.csv)
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_failure 2
	assert_regex "$stderr" '^pathway-new: p\.csv: .*header differs'
	assert_equal "$(sha256sum p.csv)" "$sum"
}

@test "output: -a refuses a file whose last line has no newline (exit 4), unchanged" {
	printf '%s\nb0c8-0123456789abcdef0123,2550814168' "$OUT_HDR" > p.csv
	sum=$(sha256sum p.csv)
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	run --separate-stderr pathway-new -a p.csv a.csv
	assert_failure 4
	assert_equal "$output" ""
	assert_equal "$stderr" "pathway-new: p.csv: does not end with a newline (a write was cut short?): refusing to append"
	assert_equal "$(sha256sum p.csv)" "$sum"
}

@test "output: -a and -o together is a usage error (exit 2)" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > a.csv
	run --separate-stderr pathway-new -a p.csv -o q.csv a.csv
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" "pathway-new: -a and -o: one output only"
	assert [ ! -e p.csv ]
	assert [ ! -e q.csv ]
}

@test "output: -a from 4 concurrent writers: one header, every row exactly once" {
	for w in 1 2 3 4; do
		gen_file "in$w.csv" "$w" 2000
	done
	for w in 1 2 3 4; do
		pathway-new -a p.csv "in$w.csv" 2> "err$w" &
		pids[w]=$!
	done
	for w in 1 2 3 4; do
		wait "${pids[w]}" || fail "writer $w: exit $?: $(cat "err$w")"
		assert_equal "$(cat "err$w")" ""
	done
	assert_equal "$(head -1 p.csv)" "$OUT_HDR"
	assert_equal "$(grep -c '^pathway_id,' p.csv)" 1
	assert_equal "$(wc -l < p.csv)" 8001
	assert_equal "$(tail -n +2 p.csv | sort | uniq -d)" ""
	# The lock serialises whole runs: each writer's rows in one block.
	assert_equal "$(tail -n +2 p.csv | cut -d, -f2 | cut -c8-9 | uniq |
	    LC_ALL=C sort | tr '\n' ' ')" "01 02 03 04 "
	# Each row whole, and exactly the NIRs given.
	assert_equal "$(tail -n +2 p.csv | mask | cut -d, -f1,3- | sort -u)" \
	    "ID,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
	tail -qn +2 in1.csv in2.csv in3.csv in4.csv | cut -d, -f1 | sort > want
	tail -n +2 p.csv | cut -d, -f2 | sort > got
	cmp got want
}

# ---- -r: the reject stream --------------------------------------------------

@test "output: -r replaces the reject file, mode 0600" {
	printf 'old rejects\n' > rej.csv
	chmod 644 rej.csv
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$NOSEX" > in.csv
	umask 022
	run --separate-stderr pathway-new -r rej.csv in.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	assert_equal "$(mode rej.csv)" 600
	assert_equal "$(cat rej.csv)" "$HDR,line,reason
$NOSEX,3,sex: missing"
}

@test "output: -r with nothing rejected leaves a header-only reject file, no temporary" {
	mkdir d
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -r d/rej.csv in.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(ls -A d)" "rej.csv"
	assert_equal "$(cat d/rej.csv)" "$HDR,line,reason"
}

@test "output: -t writes the reject stream as TSV too" {
	printf '%s\n%s\n' "$HDR" "$NOSEX" > in.csv
	run --separate-stderr pathway-new -t -r rej.tsv in.csv
	assert_failure 3
	assert_equal "$(cat rej.tsv)" "$(printf '%s,line,reason\n%s,2,sex: missing\n' \
	    "$HDR" "$NOSEX" | tr , '\t')"
}

# ---- counts ----------------------------------------------------------------

@test "output: the counts line adds up: read = written + skipped + rejected" {
	printf '%s\n%s\n%s\n%s\n' "$HDR" "$JEANNE" "$JEANNE" "$NOSEX" > in.csv
	run --separate-stderr pathway-new -r rej.csv in.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: 3 read, 1 written, 1 skipped, 1 rejected"
}

@test "output: without -r the counts follow the rejected rows' lines" {
	printf '%s\n%s\n%s\n%s\n' "$HDR" "$JEANNE" "$JEANNE" "$NOSEX" > in.csv
	run --separate-stderr pathway-new in.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: in.csv:4: sex: missing
pathway-new: 3 read, 1 written, 1 skipped, 1 rejected"
}

@test "output: no counts when nothing is rejected, unless -v" {
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$PAUL" > in.csv
	run --separate-stderr pathway-new in.csv
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr pathway-new -v in.csv
	assert_success
	assert_equal "$stderr" "pathway-new: 2 read, 2 written, 0 skipped, 0 rejected"
}

@test "output: -v prints each rejected row even with -r" {
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$NOSEX" > in.csv
	run --separate-stderr pathway-new -v -r rej.csv in.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: in.csv:3: sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

# ---- idempotence and -P ------------------------------------------------------

@test "output: importing the same file twice with -P and -a adds nothing" {
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$PAUL" > in.csv
	run --separate-stderr pathway-new -P p.csv -a p.csv in.csv
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	sum=$(sha256sum p.csv)
	run --separate-stderr pathway-new -P p.csv -a p.csv in.csv
	assert_success
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_equal "$(sha256sum p.csv)" "$sum"
	assert_equal "$(mask p.csv)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
}

@test "output: the second import counts its rows as skipped" {
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$PAUL" > in.csv
	pathway-new -P p.csv -a p.csv in.csv
	run --separate-stderr pathway-new -v -P p.csv -a p.csv in.csv
	assert_success
	assert_equal "$stderr" "pathway-new: 2 read, 0 written, 2 skipped, 0 rejected"
}

@test "output: -P adds only the new pathways of a grown export" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > first.csv
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$PAUL" > second.csv
	pathway-new -P p.csv -a p.csv first.csv
	run --separate-stderr pathway-new -P p.csv -a p.csv second.csv
	assert_success
	assert_equal "$(mask p.csv)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
}

@test "output: -P with an id made by another key is refused (exit 2), naming the fingerprints" {
	fpr=$(fingerprint)
	assert_regex "$fpr" '^[0-9a-f]{4}$'
	printf '%s\n0000-00000000000000000000%s\n' "$OUT_HDR" \
	    ",255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL" \
	    > known.csv
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -P known.csv in.csv
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "pathway-new: known.csv:2: pathway_id \"0000-00000000000000000000\" was not made with this site key (its ids start $fpr-)"
}

@test "output: -a with -P refused by another key's id leaves the table unchanged" {
	printf '%s\n0000-00000000000000000000%s\n' "$OUT_HDR" \
	    ",255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL" \
	    > p.csv
	sum=$(sha256sum p.csv)
	printf '%s\n%s\n' "$HDR" "$PAUL" > in.csv
	run --separate-stderr pathway-new -P p.csv -a p.csv in.csv
	assert_failure 2
	assert_equal "$(sha256sum p.csv)" "$sum"
}

@test "--safe-csv: cells starting with = + - @ become text in the output and the reject stream" {
	printf '%s,gp_contact\n%s,+33 1 23 45 67 89\n%s,@x\n' "$HDR" "$JEANNE" \
	    '255081416802539,=cmd|x,Jeanne,1955-08-02,F,C50.9,2026-10-12' > s.csv
	run --separate-stderr pathway-new --safe-csv -r rej.csv s.csv
	assert_failure 3
	[ "$(masked | sed -n 2p)" = "ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12,,,,,,,,'+33 1 23 45 67 89,2026-11-23T00:00:00Z" ]
	run sed -n 2p rej.csv
	assert_output --partial "255081416802539,'=cmd|x,Jeanne,1955-08-02,F,C50.9,2026-10-12,'@x,3,"
	# without it, the values are as they came
	run --separate-stderr pathway-new -r rej.csv s.csv
	[ "$(masked | sed -n 2p)" = "ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12,,,,,,,,+33 1 23 45 67 89,2026-11-23T00:00:00Z" ]
	run sed -n 2p rej.csv
	assert_output --partial "255081416802539,=cmd|x,Jeanne,"
}

@test "--safe-csv: a second run over its own -a file skips a row whose cells it marked, and writes a changed one" {
	printf '%s,gp_contact\n%s,+33 1 23 45 67 89\n' "$HDR" "$JEANNE" > s.csv
	run --separate-stderr pathway-new --safe-csv -a p.csv s.csv
	assert_success
	run --separate-stderr pathway-new -v --safe-csv -P p.csv -a p.csv s.csv
	assert_success
	[ "$stderr" = "pathway-new: 1 read, 0 written, 1 skipped, 0 rejected" ]
	[ "$(grep -c "'+33 1 23 45 67 89" p.csv)" -eq 1 ]
	# the same cell, now changed, is a correction
	printf '%s,gp_contact\n%s,+33 1 23 45 67 80\n' "$HDR" "$JEANNE" > s.csv
	run --separate-stderr pathway-new -v --safe-csv -P p.csv -a p.csv s.csv
	assert_success
	[ "$stderr" = "pathway-new: 1 read, 1 written (1 correction), 0 skipped, 0 rejected" ]
	[ "$(mask p.csv | tail -n 1)" = "ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12,,,,,,,,'+33 1 23 45 67 80,2026-11-23T00:00:00Z" ]
}

@test "--safe-csv: pathway-event, ald30-check and followup-due take it too" {
	id=0000-00000000000000000001
	printf 'pathway_id,date,kind,detail\n%s,2026-01-05,visit,-2 kg\n' "$id" > ev.csv
	run --separate-stderr pathway-event --safe-csv ev.csv
	assert_success
	assert_line --index 1 "$id,2026-01-05,visit,,'-2 kg,,2026-11-23T00:00:00Z"
	printf 'pathway_id,birth_date,icd10,diagnosis_date,note\n%s,1960-01-01,C50.9,2025-01-10,=1+1\n' "$id" > p.csv
	run --separate-stderr ald30-check --safe-csv -n 2026-11-23 p.csv
	assert_failure 1
	assert_line --index 1 "$id,1960-01-01,C50.9,2025-01-10,'=1+1,no-request,no ALD request recorded,"
	run --separate-stderr followup-due --safe-csv -n 2026-11-23 p.csv
	assert_success
	assert_line --index 1 --partial "$id,1960-01-01,C50.9,2025-01-10,'=1+1,,not-started,"
}
