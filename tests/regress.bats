#!/usr/bin/env bats
# Regressions found by the fuzz targets (tests/fuzz/crashes/): each bug
# stays fixed.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	H=ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date
}

@test "a stray quote on the last line is one rejected row, not two" {
	printf '%s\n1"x\n' "$H" > a.csv
	run --separate-stderr pathway-new -v a.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'pathway-new: a.csv:2: stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)' ]
	[ "${stderr_lines[1]}" = 'pathway-new: 1 read, 0 written, 0 skipped, 1 rejected' ]
	printf '%s\n1"x' "$H" > b.csv
	run --separate-stderr pathway-new -v b.csv
	[ "${stderr_lines[1]}" = 'pathway-new: 1 read, 0 written, 0 skipped, 1 rejected' ]
}

@test "CRLF split across read buffers: every row read, no CR kept" {
	# rows of growing length put the CR of CRLF at every offset of the
	# reader's buffers, from a file and from a pipe
	awk -v h="$H,notes" 'BEGIN { printf "%s\r\n", h
		for (i = 0; i < 6000; i++) {
			pad = ""
			for (k = 0; k < i % 97; k++) pad = pad "a"
			printf "255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12,%s\r\n", pad
		} }' > crlf.csv
	run --separate-stderr pathway-new -v crlf.csv
	assert_success
	[ "$stderr" = "pathway-new: 6000 read, 1 written, 5999 skipped, 0 rejected" ]
	[[ "$output" != *$'\r'* ]]
	run --separate-stderr sh -c 'cat crlf.csv | pathway-new -v'
	assert_success
	[ "$stderr" = "pathway-new: 6000 read, 1 written, 5999 skipped, 0 rejected" ]
}

@test "a CR that is the last byte of the read buffer still pairs with its LF" {
	# the reader reads 256 KiB at a time: the first row's CR is byte 262144
	hdr="$H,notes"
	pre="255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12,"
	n=$((262143 - ${#hdr} - 2 - ${#pre}))
	{ printf '%s\r\n%s' "$hdr" "$pre"; head -c "$n" /dev/zero | tr '\0' x
	  printf '\r\n255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-13,y\r\n'; } > edge.csv
	[ "$(head -c 262144 edge.csv | tail -c 1 | od -An -c | tr -d ' ')" = '\r' ]
	run --separate-stderr pathway-new -v edge.csv
	assert_success
	[ "$stderr" = "pathway-new: 2 read, 2 written, 0 skipped, 0 rejected" ]
	[[ "$output" != *$'\r'* ]]
}
