#!/usr/bin/env bats
# Hostile input (issue 5): NUL bytes, invalid UTF-8, a 100 MB field, a
# million columns, duplicate names, a BOM in the middle, mixed line ends,
# deep quoting, numbers and dates at their limits, a catastrophic regex.
# Each gets its documented message and status, in bounded time and memory.
# The small inputs are in tests/hostile/; the big ones are made here.
#
# Memory bounds, peak RSS by /usr/bin/time (skipped on an AddressSanitizer
# or ThreadSanitizer build, whose shadow memory takes hundreds of MB on its
# own, and under valgrind): a record is at most 8 MiB (PC_MAXRECORD) and 65536
# fields (lib/reader.c), and the reader holds at most three copies of one
# (libcsv's field buffer, the fields, the raw text for the reject stream)
# beside a 256 KiB read buffer: some 28 MB with the libraries (20 MB
# measured).  64 MB leaves twice that, and is below what keeping a 100 MB
# field would need.  Time: `timeout 60' for runs that take under a second.
bats_require_minimum_version 1.5.0
load helper

H=$BATS_TEST_DIRNAME/hostile
HDR=ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date
PAUL=178059933010817,Dupont,Paul,1978-05-01,M,C61,2026-10-12
OUT_HDR=pathway_id,ins,local_id,family_name,given_names,birth_date,sex,icd10,icdo3_topography,icdo3_morphology,diagnosis_date,finess,referent_rpps,referent_name,referent_contact,team_contact,gp_rpps,gp_name,gp_contact,recorded_at
TAIL=,,,,,,,,,2026-11-23T00:00:00Z
PAUL_OUT=ID,178059933010817,,Dupont,Paul,1978-05-01,M,C61,,,2026-10-12$TAIL
TAB_HDR=pathway_id,birth_date,icd10,diagnosis_date

setup() {
	helper_setup
	cp "$H"/* .
}

# The pathway_id depends on the site key: a well-formed one shows as ID.
masked() { printf '%s\n' "$output" | sed -E 's/^[0-9a-f]{4}-[0-9a-f]{20},/ID,/'; }

# bounded MB CMD...: CMD under `timeout 60', its peak RSS at most MB
# megabytes; sets status, output and stderr as run --separate-stderr does.
# Under valgrind, neither bound means anything: CMD is only run.
bounded() {
	local mb=$1 kb
	shift
	if [ -n "${PARCOURS_VALGRIND-}" ]; then
		run --separate-stderr "$@"
		return 0
	fi
	run --separate-stderr /usr/bin/time -f %M -o rss timeout 60 "$@"
	[ "$status" -ne 124 ] || fail "$1: still running after 60 s"
	kb=$(tail -1 rss)
	if ldd "$(command -v "$1")" 2> /dev/null | grep -q 'libasan\|libtsan'; then
		return 0	# no meaningful bound with a sanitizer
	fi
	[ "$kb" -le $((mb * 1024)) ] ||
	    fail "$1: peak RSS $kb KiB, over the $mb MiB bound"
}

# 100 MB through valgrind takes minutes; smaller inputs take the same paths.
heavy() {
	[ -z "${PARCOURS_VALGRIND-}" ] ||
	    skip "100 MB through valgrind: minutes, for paths smaller inputs take"
}

# a field of n bytes of x (head and tr: no shell loop)
xs() { head -c "$1" /dev/zero | tr '\0' x; }

# ---- NUL bytes ------------------------------------------------------------

@test "hostile: a NUL byte in a column name refuses the file (it would bind as family_name)" {
	run --separate-stderr pathway-new nul-header.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: nul-header.csv:1: header: column 2: a NUL byte in the name"
}

@test "hostile: NUL bytes in fields and a line of one NUL: those rows rejected, the rest written" {
	run --separate-stderr pathway-new nul-rows.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: nul-rows.csv:2: ins: has 16 characters, a NIR or NIA has 15 (13 and a 2-digit key)
pathway-new: nul-rows.csv:3: family_name: character 4 is a control character
pathway-new: nul-rows.csv:4: row has 1 field, the header has 7
pathway-new: 4 read, 1 written, 0 skipped, 3 rejected"
}

@test "hostile: a NUL byte after a valid code in a table: the checks do not judge the row" {
	# cut at the NUL, the code would pass for C50.9
	printf '%s\n0000-00000000000000000001,1955-08-02,C50.9\0xyz,2026-10-01\n' \
	    "$TAB_HDR" > t.csv
	for t in ald30-check followup-due; do
		run --separate-stderr "$t" -n 2026-11-23 t.csv
		assert_equal "$status $t" "3 $t"
		assert_regex "${stderr_lines[0]}" "^$t: t\\.csv:2: icd10: \".+\" is not a CIM-10 code"
		refute_output --partial ",C50.9,"
	done
}

# ---- invalid UTF-8 --------------------------------------------------------

@test "hostile: invalid UTF-8 (overlong, surrogate, 5-byte, past U+10FFFF, cut, in a quoted field) is rejected, naming the byte" {
	run --separate-stderr pathway-new invalid-utf8.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: invalid-utf8.csv:2: family_name: invalid UTF-8 (byte 0xC0 at byte 4 of the field)
pathway-new: invalid-utf8.csv:3: family_name: invalid UTF-8 (byte 0xED at byte 4 of the field)
pathway-new: invalid-utf8.csv:4: family_name: invalid UTF-8 (byte 0xF8 at byte 4 of the field)
pathway-new: invalid-utf8.csv:5: family_name: invalid UTF-8 (byte 0xF4 at byte 4 of the field)
pathway-new: invalid-utf8.csv:6: family_name: invalid UTF-8 (byte 0xC3 at byte 7 of the field)
pathway-new: invalid-utf8.csv:7: sex: invalid UTF-8 (byte 0xFF at byte 3 of the field)
pathway-new: 7 read, 1 written, 0 skipped, 6 rejected"
	# the reject stream keeps the bytes as they came
	run pathway-new -r rej.csv invalid-utf8.csv
	assert_failure 3
	cmp <(sed -n 2,6p invalid-utf8.csv | cut -d, -f2) \
	    <(sed -n 2,6p rej.csv | cut -d, -f2)
}

@test "hostile: invalid UTF-8 in the header refuses the file" {
	run --separate-stderr pathway-new invalid-utf8-header.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: invalid-utf8-header.csv:1: header: column 2: invalid UTF-8 (byte 0xFF at byte 4 of the field)"
}

# ---- a BOM in the middle, mixed line ends, deep quoting -------------------

@test "hostile: a BOM past the first bytes is data: rows and a repeated header rejected" {
	run --separate-stderr pathway-new bom-middle.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "${stderr_lines[0]}" "pathway-new: bom-middle.csv:3: ins: has 16 characters, a NIR or NIA has 15 (13 and a 2-digit key)"
	assert_equal "${stderr_lines[1]}" "pathway-new: bom-middle.csv:4: family_name: character 3 is an invisible format character (U+FEFF)"
	assert_equal "${stderr_lines[2]}" "pathway-new: bom-middle.csv:5: ins: has 4 characters, a NIR or NIA has 15 (13 and a 2-digit key)"
	assert_equal "${stderr_lines[-1]}" "pathway-new: 4 read, 1 written, 0 skipped, 3 rejected"
}

@test "hostile: LF, CRLF, a bare CR in a field and a final CR with no LF" {
	run --separate-stderr pathway-new mixed-eol.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL
$PAUL_OUT
ID,178059933010817,,Dupont,Paul,1978-05-01,M,C61,,,2026-10-13$TAIL"
	assert_equal "$stderr" "pathway-new: mixed-eol.csv:4: family_name: character 4 is a control character
pathway-new: 4 read, 3 written, 0 skipped, 1 rejected"
}

@test "hostile: a field quoted 10 deep is read one level down and kept exactly in the reject stream" {
	run --separate-stderr pathway-new -r rej.csv deep-quote.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	v=$(sed -n 2p deep-quote.csv | cut -d, -f2)
	assert_equal "${#v}" 2047	# x between 1023 quotes each side
	assert_equal "$(sed -n 2p rej.csv)" "255081416802538,$v,Jeanne,1955-08-02,F,C50.9,2026-10-12,2,\"family_name: character 1 is not a letter, space, apostrophe, hyphen or period\""
}

# ---- dates and numbers at their limits ------------------------------------

@test "hostile: 2026-02-29, 0000-00-00, 9999-99-99, 99999-12-31, 1900-02-29 are refused; 2000-02-29 and 2024-02-29 read" {
	run --separate-stderr pathway-new dates.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2000-02-29$TAIL
ID,204027505612379,,Martin,Jeanne,2004-02-29,F,C50.9,,,2024-02-29$TAIL"
	assert_equal "$stderr" "pathway-new: dates.csv:2: diagnosis_date: no day 29 in February 2026
pathway-new: dates.csv:3: birth_date: not a valid date
pathway-new: dates.csv:4: diagnosis_date: year 0000 out of range (1800-2999)
pathway-new: dates.csv:5: diagnosis_date: year 9999 out of range (1800-2999)
pathway-new: dates.csv:6: diagnosis_date: year 9999 out of range (1800-2999)
pathway-new: dates.csv:7: diagnosis_date: not a date: expected YYYY-MM-DD
pathway-new: dates.csv:8: diagnosis_date: no day 31 in April 2026
pathway-new: dates.csv:9: diagnosis_date: no day 29 in February 1900
pathway-new: 10 read, 2 written, 0 skipped, 8 rejected"
}

@test "hostile: -w and -n at and past their limits are usage errors (exit 2)" {
	printf '%s\n0000-00000000000000000001,1955-08-02,C50.9,2026-10-01\n' \
	    "$TAB_HDR" > t.csv
	for t in ald30-check followup-due; do
		for w in 99999999999999999999 2147483648 3651 -1 1e3 ''; do
			run --separate-stderr "$t" -w "$w" t.csv
			assert_equal "$status $t -w $w" "2 $t -w $w"
			assert_equal "${stderr_lines[0]}" "$t: -w $w: a number of days, 0 to 3650"
		done
		for n in 9999-99-99 0000-00-00 2026-02-29 9999-12-31 0001-01-01 \
		    2026-11-23x 20261123 ''; do
			run --separate-stderr "$t" -n "$n" t.csv
			assert_equal "$status $t -n $n" "2 $t -n $n"
			assert_equal "${stderr_lines[0]}" "$t: -n $n: not a date (YYYY-MM-DD)"
		done
		# the limits themselves are taken
		run "$t" -w 3650 -n 2999-12-31 t.csv
		assert [ "$status" -le 1 ]
		run "$t" -w 0 -n 1800-01-01 t.csv
		assert [ "$status" -le 1 ]
	done
}

@test "hostile: dates at the ends of the range (1800-01-01 to 2999-12-31) are judged without overflow" {
	printf '%s\n%s\n%s\n' "$TAB_HDR" \
	    0000-00000000000000000001,1800-01-01,C50.9,1800-01-02 \
	    0000-00000000000000000002,2999-12-30,C91.0,2999-12-31 > t.csv
	printf '%s\n%s\n' pathway_id,date,kind,until,detail,source,recorded_at \
	    0000-00000000000000000001,1800-01-03,ald-granted,2999-12-31,,, > e.csv
	run --separate-stderr ald30-check -t -n 2999-12-31 -w 3650 -E e.csv t.csv
	assert_failure 1
	assert_equal "$stderr" ""
	assert_equal "$(cut -f 5- <<< "$output")" "ald30_status	ald30_reason	ald30_until
expiring	exemption granted 1800-01-03 ends 2999-12-31, in 0 days	2999-12-31
no-request	no ALD request recorded	"
	run --separate-stderr followup-due -n 2999-12-31 -w 3650 -E e.csv t.csv
	assert_equal "$stderr" ""
	assert [ "$status" -le 1 ]
}

# ---- a catastrophic regex -------------------------------------------------

@test "hostile: rewrite ^(a+)+\$ against aaaa...b: the match limit rejects the row in milliseconds" {
	bounded 32 pathway-new -m catastrophic.map catastrophic.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,x,y,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
	assert_equal "$stderr" "pathway-new: catastrophic.csv:2: family_name: rewrite of catastrophic.map line 11: match limit exceeded
pathway-new: catastrophic.csv:4: given_names: rewrite of catastrophic.map line 12: match limit exceeded
pathway-new: 3 read, 1 written, 0 skipped, 2 rejected"
}

@test "hostile: a catastrophic rewrite against a 4 MB value is bounded too" {
	sed -i 's/^rewrite family_name .*/rewrite family_name (a|aa)+$ x/' \
	    catastrophic.map
	{ printf '%s\n255081416802538,' "$HDR"; head -c 4000000 /dev/zero |
	    tr '\0' a; printf 'b,Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$PAUL"; } > big.csv
	bounded 64 pathway-new -m catastrophic.map big.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
ID,178059933010817,,Dupont,y,1978-05-01,M,C61,,,2026-10-12$TAIL"
	# the JIT stops on its stack, the interpreter on the match limit
	assert_regex "${stderr_lines[0]}" '^pathway-new: big\.csv:2: family_name: rewrite of catastrophic\.map line 11: (match limit exceeded|JIT stack limit reached)$'
}

# ---- a 100 MB field -------------------------------------------------------

@test "hostile: a 100 MB field is rejected as it streams, in bounded memory; the next row is read" {
	heavy
	{ printf '%s\n255081416802538,' "$HDR"; xs 100000000
	    printf ',Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' "$PAUL"; } > big.csv
	bounded 64 pathway-new -r rej.csv big.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	assert_equal "$(tail -1 rej.csv)" ",,,,,,,2,record longer than 8388608 bytes (not kept)"
}

@test "hostile: a 100 MB quoted field of line breaks: bounded, and the next row's line number right" {
	heavy
	{ printf '%s\n255081416802538,"' "$HDR"; head -c 100000000 /dev/zero |
	    tr '\0' '\n'; printf '",Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$PAUL" | sed 's/,M,/,X,/'; } > big.csv
	bounded 64 pathway-new big.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: big.csv:2: record longer than 8388608 bytes (not kept)
pathway-new: big.csv:100000003 (record 3): sex: \"X\" is not a sex (M or F)
pathway-new: 2 read, 0 written, 0 skipped, 2 rejected"
}

@test "hostile: a 100 MB field in a table refuses it for the checks, in bounded memory" {
	heavy
	{ printf '%s\n0000-00000000000000000001,1955-08-02,"C50.9' "$TAB_HDR"
	    xs 100000000; printf '",2026-10-01\n'; } > big.csv
	for t in ald30-check followup-due; do
		bounded 64 "$t" -n 2026-11-23 big.csv
		assert_equal "$status $t" "3 $t"
		assert_equal "$stderr" "$t: big.csv:2: record longer than 8388608 bytes (not kept)"
	done
}

# ---- a million columns ----------------------------------------------------

@test "hostile: a header of a million named columns is refused at 65536, in bounded memory, every tool" {
	awk -v h="$HDR" 'BEGIN { for (i = 1; i <= 1000000; i++)
	    printf "c%d,", i; print h }' > wide.csv
	for t in pathway-new pathway-event ald30-check followup-due; do
		case $t in
		pathway-*) bounded 32 "$t" wide.csv ;;
		*) bounded 32 "$t" -n 2026-11-23 wide.csv ;;
		esac
		assert_equal "$status $t" "3 $t"
		assert_equal "$stderr" "$t: wide.csv:1: header: more than 65536 fields (not kept)"
	done
}

@test "hostile: a header of 8 MB of commas (8 million empty names) is refused the same way" {
	{ head -c 8000000 /dev/zero | tr '\0' ,; echo; } > commas.csv
	bounded 32 pathway-new commas.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: commas.csv:1: header: more than 65536 fields (not kept)"
}

@test "hostile: a row of a million fields is rejected, the next row read" {
	{ printf '%s\n' "$HDR"; awk 'BEGIN { for (i = 1; i < 1000000; i++)
	    printf "%d,", i; print "x" }'; printf '%s\n' "$PAUL"; } > wide.csv
	bounded 32 pathway-new wide.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: wide.csv:2: more than 65536 fields (not kept)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "hostile: 65536 columns are taken; a duplicate among them is found and named" {
	awk -v h="$HDR" 'BEGIN { for (i = 1; i <= 65529; i++)
	    printf "c%d,", i; print h }' > wide.csv
	awk -v p="$PAUL" 'BEGIN { for (i = 1; i <= 65529; i++)
	    printf ","; print p }' >> wide.csv
	bounded 32 pathway-new wide.csv
	assert_success
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	sed -i '1s/c1,/c65529,/' wide.csv
	bounded 32 pathway-new wide.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: wide.csv:1: header: column \"c65529\" appears twice (columns 1 and 65529)"
}

@test "hostile: a header naming a required column twice is refused" {
	printf 'ins,%s\n1,%s\n' "$HDR" "$PAUL" > dup.csv
	run --separate-stderr pathway-new dup.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: dup.csv:1: header: column \"ins\" appears twice (columns 1 and 2)"
}
