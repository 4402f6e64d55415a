#!/usr/bin/env bats
# The record reader (lib/reader.c), through pathway-new: what a hospital
# export throws at it (BOM, CRLF, semicolons, quoted line breaks, cp1252,
# ragged rows, broken quotes, huge fields) and the line numbers it reports.
bats_require_minimum_version 1.5.0
load helper

setup() { helper_setup; }

HDR=ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date
JEANNE=255081416802538,Martin,Jeanne,1955-08-02,F,C50.9,2026-10-12
PAUL=178059933010817,Dupont,Paul,1978-05-01,M,C61,2026-10-12
# Paul without his sex: rejected with the reason "sex: missing".
NOSEX=178059933010817,Dupont,Paul,1978-05-01,,C61,2026-10-12
OUT_HDR=pathway_id,ins,local_id,family_name,given_names,birth_date,sex,icd10,icdo3_topography,icdo3_morphology,diagnosis_date,finess,referent_rpps,referent_name,referent_contact,team_contact,gp_rpps,gp_name,gp_contact,recorded_at
TAIL=,,,,,,,,,2026-11-23T00:00:00Z
JEANNE_OUT=ID,255081416802538,,Martin,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL
PAUL_OUT=ID,178059933010817,,Dupont,Paul,1978-05-01,M,C61,,,2026-10-12$TAIL
COUNTS1="pathway-new: 1 read, 0 written, 0 skipped, 1 rejected"

# The pathway_id depends on the site key: a well-formed one shows as ID.
masked() {
	printf '%s\n' "$output" |
	    sed -E 's/^[0-9a-f]{4}-[0-9a-f]{20}(,|	)/ID\1/'
}

# ---- BOM, line ends ----------------------------------------------------

@test "csv: a UTF-8 BOM glued to the first column name is dropped" {
	printf '\357\273\277%s\n%s\n' "$HDR" "$JEANNE" > bom.csv
	run --separate-stderr pathway-new bom.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: a BOM on stdin is dropped too" {
	run --separate-stderr sh -c 'printf "\357\273\277%s\n%s\n" "$1" "$2" |
	    pathway-new' sh "$HDR" "$JEANNE"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: CRLF input is read, the CR is not kept in any value" {
	printf '%s\r\n%s\r\n%s\r\n' "$HDR" "$JEANNE" "$PAUL" > crlf.csv
	run --separate-stderr pathway-new crlf.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
}

@test "csv: output lines end with LF alone, even from CRLF input" {
	printf '%s\r\n%s\r\n' "$HDR" "$JEANNE" > crlf.csv
	run --separate-stderr pathway-new -o out.csv crlf.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(tr -cd '\r' < out.csv | wc -c)" 0
	assert_equal "$(tr -cd '\n' < out.csv | wc -c)" 2
	assert_equal "$(tail -c 1 out.csv | od -An -c | tr -d ' ')" '\n'
}

@test "csv: a line break inside a quoted CRLF field comes out as LF" {
	printf '%s,note\r\n%s,"a\r\nb"\r\n' "$HDR" "$NOSEX" > crlf.csv
	run --separate-stderr pathway-new -r rej.csv crlf.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,"a\nb",2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

# ---- delimiters --------------------------------------------------------

@test "csv: -d ';' reads a semicolon-separated export" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , ';' > excel.csv
	run --separate-stderr pathway-new -d ';' excel.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: -d semicolon is the same as -d ';'" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , ';' > excel.csv
	run --separate-stderr pathway-new -d semicolon excel.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: -d pipe and -d '|' read a pipe-separated file" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , '|' > p.txt
	run --separate-stderr pathway-new -d pipe p.txt
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	run --separate-stderr pathway-new -d '|' p.txt
	assert_success
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: -d tab and -d with a TAB character read a tab-separated file" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , '\t' > t.txt
	run --separate-stderr pathway-new -d tab t.txt
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	run --separate-stderr pathway-new -d "$(printf '\t')" t.txt
	assert_success
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: without -d the delimiter is a comma (no sniffing of semicolons)" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , ';' > excel.csv
	run --separate-stderr pathway-new excel.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" 'pathway-new: excel.csv:1: header: no column "ins" (a pathway needs it; -m reads other headers)'
}

@test "csv: -d x is a usage error (exit 2) naming the accepted delimiters" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -d x in.csv
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" 'pathway-new: -d x: a delimiter is , ; tab or pipe'
	assert_regex "${stderr_lines[1]}" '^usage: pathway-new '
}

@test "csv: a .tsv file defaults to TAB" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" | tr , '\t' > export.tsv
	run --separate-stderr pathway-new export.tsv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: -d , overrides the .tsv default" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > commas.tsv
	run --separate-stderr pathway-new -d , commas.tsv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: a TSV field quoted the Excel way holds a TAB and doubled quotes" {
	printf '%s\tnote\n%s\t"a\tb ""c"""\n' "$(tr , '\t' <<<"$HDR")" \
	    "$(tr , '\t' <<<"$NOSEX")" > export.tsv
	run --separate-stderr pathway-new -r rej.csv export.tsv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,"a\tb ""c""",2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

# ---- quoting -------------------------------------------------------------

@test "csv: quoted values are read without their quotes" {
	printf '%s\n"255081416802538","Martin","Jeanne","1955-08-02","F","C50.9","2026-10-12"\n' \
	    "$HDR" > q.csv
	run --separate-stderr pathway-new q.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: a quoted field holds the delimiter, doubled quotes and a line break" {
	printf '%s,note\n%s,"a,b ""c""\nd"\n' "$HDR" "$JEANNE" > q.csv
	run --separate-stderr pathway-new q.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: such a field is kept exactly in the reject stream" {
	printf '%s,note\n%s,"a,b ""c""\nd"\n' "$HDR" "$NOSEX" > q.csv
	run --separate-stderr pathway-new -r rej.csv q.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,"a,b ""c""\nd",2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

@test "csv: with -d ';' a quoted field holds a semicolon" {
	printf '%s;note\n%s;"a;b"\n' "$(tr , ';' <<<"$HDR")" \
	    "$(tr , ';' <<<"$NOSEX")" > q.csv
	run --separate-stderr pathway-new -d ';' -r rej.csv q.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,a;b,2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

@test "csv: fields are kept exactly, spaces included, in the reject stream" {
	printf '%s,note\n%s,  two  spaces  \n' "$HDR" "$NOSEX" > s.csv
	run --separate-stderr pathway-new -r rej.csv s.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,  two  spaces  ,2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

# ---- line numbers --------------------------------------------------------

@test "csv: a bad row is reported by its line when no line was skipped" {
	printf '%s\n%s\n%s\n' "$HDR" "$JEANNE" "$NOSEX" > in.csv
	run --separate-stderr pathway-new in.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: in.csv:3: sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: line numbers stay right after a quoted line break (record N shown)" {
	printf '%s,note\n%s,"one\ntwo\nthree"\n%s,x\n' \
	    "$HDR" "$JEANNE" "$NOSEX" > q.csv
	run --separate-stderr pathway-new q.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: q.csv:5 (record 3): sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: the reject stream's line column is the physical line" {
	printf '%s,note\n%s,"one\ntwo"\n%s,x\n' "$HDR" "$JEANNE" "$NOSEX" > q.csv
	run --separate-stderr pathway-new -r rej.csv q.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	printf '%s,note,line,reason\n%s,x,4,sex: missing\n' "$HDR" "$NOSEX" \
	    > want.csv
	cmp rej.csv want.csv
}

@test "csv: line numbers stay right after blank lines, which make no row" {
	printf '%s\n\n%s\n\r\n\n%s\n' "$HDR" "$JEANNE" "$NOSEX" > b.csv
	run --separate-stderr pathway-new b.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: b.csv:6 (record 3): sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: quoted fields first and after the others, over CRLF lines, come out whole" {
	printf 'note,%s,tail\r\n"a\r\nb",%s,"x""y"\r\nplain,%s,z\r\n' \
	    "$HDR" "$NOSEX" "$NOSEX" > q.csv
	run --separate-stderr pathway-new -r rej.csv q.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: 2 read, 0 written, 0 skipped, 2 rejected"
	printf 'note,%s,tail,line,reason\n"a\nb",%s,"x""y",2,sex: missing\nplain,%s,z,4,sex: missing\n' \
	    "$HDR" "$NOSEX" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

@test "csv: line numbers stay right after CRLF quoted line breaks" {
	printf '%s,note\r\n%s,"one\r\ntwo"\r\n\r\n%s,x\r\n' \
	    "$HDR" "$JEANNE" "$NOSEX" > q.csv
	run --separate-stderr pathway-new q.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: q.csv:5 (record 3): sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: line numbers stay right past a quoted field of 300000 lines" {
	{
		printf '%s,note\n%s,"' "$HDR" "$JEANNE"
		head -c 300000 /dev/zero | tr '\0' '\n'
		printf '"\n%s,x\n' "$NOSEX"
	} > tall.csv
	run --separate-stderr pathway-new tall.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: tall.csv:300003 (record 3): sex: missing
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: blank lines only, a blank line at the end, make no row" {
	printf '%s\n%s\n\n\n' "$HDR" "$JEANNE" > b.csv
	run --separate-stderr pathway-new -v b.csv
	assert_success
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: 1 read, 1 written, 0 skipped, 0 rejected"
}

@test "csv: a line of delimiters only is a row (of empty fields)" {
	printf '%s\n,,,,,,\n' "$HDR" > d.csv
	run --separate-stderr pathway-new d.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: d.csv:2: ins: missing
pathway-new: d.csv:2: family_name: missing
pathway-new: d.csv:2: given_names: missing
pathway-new: d.csv:2: birth_date: missing
pathway-new: d.csv:2: sex: missing
pathway-new: d.csv:2: icd10: missing
pathway-new: d.csv:2: diagnosis_date: missing
$COUNTS1"
}

# ---- ragged rows ---------------------------------------------------------

@test "csv: a row with too few fields is rejected, the next row still read" {
	printf '%s\n%s\n%s\n' "$HDR" 255081416802538,Martin,Jeanne,1955-08-02,F \
	    "$PAUL" > r.csv
	run --separate-stderr pathway-new r.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: r.csv:2: row has 5 fields, the header has 7
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: a row with too many fields is rejected" {
	printf '%s\n%s,extra,more\n' "$HDR" "$JEANNE" > r.csv
	run --separate-stderr pathway-new r.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: r.csv:2: row has 9 fields, the header has 7
$COUNTS1"
}

@test "csv: -r keeps a short row padded and a long row's extra fields after the reason" {
	printf '%s\n%s\n%s,extra,more\n' "$HDR" \
	    255081416802538,Martin,Jeanne,1955-08-02,F "$JEANNE" > r.csv
	run --separate-stderr pathway-new -r rej.csv r.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: 2 read, 0 written, 0 skipped, 2 rejected"
	cat > want.csv <<-EOF
	$HDR,line,reason
	255081416802538,Martin,Jeanne,1955-08-02,F,,,2,"row has 5 fields, the header has 7"
	$JEANNE,3,"row has 9 fields, the header has 7",extra,more
	EOF
	cmp rej.csv want.csv
}

@test "csv: a row of one field says 'field', not 'fields'" {
	printf '%s\nlonely\n' "$HDR" > r.csv
	run --separate-stderr pathway-new r.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: r.csv:2: row has 1 field, the header has 7
$COUNTS1"
}

# ---- broken quotes -------------------------------------------------------

@test "csv: a stray quote inside an unquoted field rejects the row, the next one is read" {
	printf '%s\n255081416802538,Mar"tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$HDR" "$PAUL" > sq.csv
	run --separate-stderr pathway-new sq.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: sq.csv:2: stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: text after a closing quote rejects the row as a stray quote" {
	printf '%s\n255081416802538,"Martin"x,Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$HDR" "$PAUL" > sq.csv
	run --separate-stderr pathway-new sq.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: sq.csv:2: stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: a stray quote on the last line is one rejected row, not two" {
	printf '%s\n255081416802538,Mar"tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > sq.csv
	run --separate-stderr pathway-new sq.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: sq.csv:2: stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)
$COUNTS1"
}

@test "csv: a stray-quote row's raw text, without its line end, is the reject's first column" {
	printf '%s\n255081416802538,Mar"tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$HDR" "$PAUL" > sq.csv
	run --separate-stderr pathway-new -r rej.csv sq.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	cat > want.csv <<-EOF
	$HDR,line,reason
	"255081416802538,Mar""tin,Jeanne,1955-08-02,F,C50.9,2026-10-12",,,,,,,2,"stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)"
	EOF
	cmp rej.csv want.csv
}

@test "csv: an unterminated quote rejects the rest of the input, rows before it are kept" {
	printf '%s\n%s\n178059933010817,"Dupont,Paul,1978-05-01,M,C61,2026-10-12\nmore\n' \
	    "$HDR" "$JEANNE" > uq.csv
	run --separate-stderr pathway-new uq.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: uq.csv:3: unterminated quoted field (opened on line 3, runs to the end of the input)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: an unterminated quote's reject holds the raw text in its first column" {
	printf '%s\n%s\n178059933010817,"Dupont,Paul,1978-05-01,M,C61,2026-10-12\nmore' \
	    "$HDR" "$JEANNE" > uq.csv
	run --separate-stderr pathway-new -r rej.csv uq.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	cat > want.csv <<-EOF
	$HDR,line,reason
	"178059933010817,""Dupont,Paul,1978-05-01,M,C61,2026-10-12
	more",,,,,,,3,"unterminated quoted field (opened on line 3, runs to the end of the input)"
	EOF
	cmp rej.csv want.csv
}

# ---- encodings -----------------------------------------------------------

@test "csv: -e cp1252 turns Windows-1252 bytes into UTF-8" {
	printf '%s\n255081416802538,B\234uf-Lef\350vre,C\351line,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > cp.csv
	run --separate-stderr pathway-new -e cp1252 cp.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Bœuf-Lefèvre,Céline,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
}

@test "csv: -e windows-1252 is cp1252" {
	printf '%s\n255081416802538,Mart\351n,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > cp.csv
	run --separate-stderr pathway-new -e windows-1252 cp.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Martén,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
}

@test "csv: cp1252 decoding applies inside quoted fields and to the header" {
	printf 'ins,family_name,given_names,birth_date,sex,icd10,diagnosis_date,pr\351nom\n%s,"\351,\200"\n' \
	    "$NOSEX" > cp.csv
	run --separate-stderr pathway-new -e cp1252 -r rej.csv cp.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,prénom,line,reason\n%s,"é,€",2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

@test "csv: an undefined cp1252 byte (0x81) becomes a control character the name check refuses" {
	printf '%s\n255081416802538,Ma\201tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > cp.csv
	run --separate-stderr pathway-new -e cp1252 cp.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: cp.csv:2: family_name: character 3 is a control character
$COUNTS1"
}

@test "csv: -e latin1 (iso-8859-1) decodes 0xE9 to é" {
	printf '%s\n255081416802538,Mart\351n,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > l1.csv
	run --separate-stderr pathway-new -e iso-8859-1 l1.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Martén,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
}

@test "csv: -e latin9 turns 0xA4 into €, latin1 into ¤" {
	printf '%s,note\n%s,\244\n' "$HDR" "$NOSEX" > l9.csv
	run --separate-stderr pathway-new -e latin9 -r rej.csv l9.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,€,2,sex: missing\n' "$HDR" "$NOSEX" \
	    > want.csv
	cmp rej.csv want.csv
	run --separate-stderr pathway-new -e latin1 -r rej.csv l9.csv
	assert_failure 3
	printf '%s,note,line,reason\n%s,¤,2,sex: missing\n' "$HDR" "$NOSEX" \
	    > want.csv
	cmp rej.csv want.csv
}

@test "csv: -e iso-8859-15 is latin9" {
	printf '%s,note\n%s,\244\n' "$HDR" "$NOSEX" > l9.csv
	run --separate-stderr pathway-new -e iso-8859-15 -r rej.csv l9.csv
	assert_failure 3
	printf '%s,note,line,reason\n%s,€,2,sex: missing\n' "$HDR" "$NOSEX" \
	    > want.csv
	cmp rej.csv want.csv
}

@test "csv: -e utf8 is utf-8" {
	printf '%s\n255081416802538,Mart\303\251n,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > u.csv
	run --separate-stderr pathway-new -e utf8 u.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
ID,255081416802538,,Martén,Jeanne,1955-08-02,F,C50.9,,,2026-10-12$TAIL"
}

@test "csv: an unknown -e is a usage error (exit 2)" {
	printf '%s\n%s\n' "$HDR" "$JEANNE" > in.csv
	run --separate-stderr pathway-new -e ebcdic in.csv
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" 'pathway-new: -e ebcdic: an encoding is utf-8, cp1252, latin1 or latin9'
	assert_regex "${stderr_lines[1]}" '^usage: pathway-new '
}

@test "csv: a cp1252 file that starts with a UTF-8 BOM is refused (exit 3)" {
	printf '\357\273\277%s\n%s\n' "$HDR" "$JEANNE" > bom.csv
	run --separate-stderr pathway-new -e cp1252 bom.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: bom.csv:1: starts with a UTF-8 byte-order mark but the encoding is cp1252 (try -e utf-8)"
}

@test "csv: invalid UTF-8 in a UTF-8 file rejects the row, naming column, byte and offset" {
	printf '%s\n255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n%s\n' \
	    "$HDR" "$PAUL" > bad.csv
	run --separate-stderr pathway-new bad.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: bad.csv:2: family_name: invalid UTF-8 (byte 0xE9 at byte 3 of the field)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: invalid UTF-8 goes to the reject stream with the same reason" {
	printf '%s\n255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > bad.csv
	run --separate-stderr pathway-new -r rej.csv bad.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,line,reason\n255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12,2,family_name: invalid UTF-8 (byte 0xE9 at byte 3 of the field)\n' \
	    "$HDR" > want.csv
	cmp rej.csv want.csv
}

@test "csv: invalid UTF-8 in a column the table ignores still rejects the row" {
	printf '%s,note\n%s,ok\300\n' "$HDR" "$JEANNE" > bad.csv
	run --separate-stderr pathway-new bad.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: bad.csv:2: note: invalid UTF-8 (byte 0xC0 at byte 3 of the field)
$COUNTS1"
}

# ---- the header ----------------------------------------------------------

@test "csv: a duplicate column name is an error for the file (exit 3)" {
	printf '%s,sex\n%s,F\n' "$HDR" "$JEANNE" > dup.csv
	run --separate-stderr pathway-new dup.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" 'pathway-new: dup.csv:1: header: column "sex" appears twice (columns 5 and 8)'
}

@test "csv: empty column names may repeat" {
	printf '%s,,\n%s,,\n' "$HDR" "$JEANNE" > e.csv
	run --separate-stderr pathway-new e.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: empty stdin is refused: no header line" {
	run --separate-stderr pathway-new < /dev/null
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: stdin: empty input, no header line"
}

@test "csv: an empty file, or blank lines only, is refused naming the file" {
	: > empty.csv
	run --separate-stderr pathway-new empty.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: empty.csv: empty input, no header line"
	printf '\n\r\n\n' > blank.csv
	run --separate-stderr pathway-new blank.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: blank.csv: empty input, no header line"
}

@test "csv: a BOM alone is an empty input" {
	printf '\357\273\277' > bom.csv
	run --separate-stderr pathway-new bom.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: bom.csv: empty input, no header line"
}

@test "csv: a header and no row is fine: nothing to do" {
	printf '%s\n' "$HDR" > h.csv
	run --separate-stderr pathway-new h.csv
	assert_success
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" ""
}

@test "csv: a file with no final newline still gives its last row" {
	printf '%s\n%s\n%s' "$HDR" "$JEANNE" "$PAUL" > nonl.csv
	run --separate-stderr pathway-new nonl.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
}

@test "csv: a CRLF file with no final line end still gives its last row" {
	printf '%s\r\n%s' "$HDR" "$JEANNE" > nonl.csv
	run --separate-stderr pathway-new nonl.csv
	assert_success
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: columns are found by name in any order" {
	printf 'sex,diagnosis_date,icd10,birth_date,given_names,family_name,ins\nF,2026-10-12,C50.9,1955-08-02,Jeanne,Martin,255081416802538\n' \
	    > o.csv
	run --separate-stderr pathway-new o.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: unknown extra columns are ignored" {
	printf 'service,%s,commentaire\ncardio,%s,rien\n' "$HDR" "$JEANNE" > x.csv
	run --separate-stderr pathway-new x.csv
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
}

@test "csv: a missing required column is a header error naming it (exit 3)" {
	printf 'ins,family_name,given_names,birth_date,icd10,diagnosis_date\n255081416802538,Martin,Jeanne,1955-08-02,C50.9,2026-10-12\n' \
	    > m.csv
	run --separate-stderr pathway-new m.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" 'pathway-new: m.csv:1: header: no column "sex" (a pathway needs it; -m reads other headers)'
}

@test "csv: a refused file does not stop the next file" {
	printf '%s,sex\n%s,F\n' "$HDR" "$PAUL" > dup.csv
	printf '%s\n%s\n' "$HDR" "$JEANNE" > good.csv
	run --separate-stderr pathway-new dup.csv good.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" 'pathway-new: dup.csv:1: header: column "sex" appears twice (columns 5 and 8)'
}

# ---- odd bytes and sizes -------------------------------------------------

@test "csv: a NUL byte inside a field is kept, not a field end" {
	printf '%s,note\n%s,a\000b\n' "$HDR" "$NOSEX" > nul.csv
	run --separate-stderr pathway-new -r rej.csv nul.csv
	assert_failure 3
	assert_equal "$stderr" "$COUNTS1"
	printf '%s,note,line,reason\n%s,a\000b,2,sex: missing\n' \
	    "$HDR" "$NOSEX" > want.csv
	cmp rej.csv want.csv
}

@test "csv: a NUL byte in a name rejects the row instead of cutting the name" {
	printf '%s\n255081416802538,Mar\000tin,Jeanne,1955-08-02,F,C50.9,2026-10-12\n' \
	    "$HDR" > nul.csv
	run --separate-stderr pathway-new nul.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: nul.csv:2: family_name: character 4 is a control character
$COUNTS1"
}

@test "csv: a 5 MB field is read whole, under the 8 MiB record limit" {
	{
		printf '%s,note\n%s,' "$HDR" "$NOSEX"
		head -c 5000000 /dev/zero | tr '\0' x
		printf '\n%s,y\n' "$JEANNE"
	} > big.csv
	run --separate-stderr pathway-new -r rej.csv big.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT"
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	{
		printf '%s,note,line,reason\n%s,' "$HDR" "$NOSEX"
		head -c 5000000 /dev/zero | tr '\0' x
		printf ',2,sex: missing\n'
	} > want.csv
	cmp rej.csv want.csv
}

@test "csv: a 9 MB record is rejected without its content, the next row is read" {
	{
		printf '%s,note\n%s,' "$HDR" "$JEANNE"
		head -c 9000000 /dev/zero | tr '\0' x
		printf '\n%s,y\n' "$PAUL"
	} > huge.csv
	run --separate-stderr pathway-new huge.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: huge.csv:2: record longer than 8388608 bytes (not kept)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: a 9 MB record goes to the reject stream as its line and reason only" {
	{
		printf '%s,note\n%s,"' "$HDR" "$JEANNE"
		head -c 9000000 /dev/zero | tr '\0' '\n'
		printf '"\n%s,y\n' "$NOSEX"
	} > huge.csv
	run --separate-stderr pathway-new -r rej.csv huge.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: 2 read, 0 written, 0 skipped, 2 rejected"
	cat > want.csv <<-EOF
	$HDR,note,line,reason
	,,,,,,,,2,record longer than 8388608 bytes (not kept)
	$NOSEX,y,9000003,sex: missing
	EOF
	cmp rej.csv want.csv
}

# ---- the fast path (lines without a quote) against libcsv ----------------
# lib/reader.c splits a line without a quote itself, and the fields before
# the first quote of a line that has one; these hold it to what libcsv
# gives (tests/fuzz/fuzz_reader.c compares the two on random input).

@test "csv: quoting every field changes no row, no reject, no line number" {
	{
		printf '%s,note\n' "$HDR"
		printf '%s,plain\n\n' "$JEANNE"
		printf '%s,\n' "$PAUL"
		printf '%s,a\rb\n' "$NOSEX"
		printf '%s\n' "$NOSEX"
		printf '%s,x,y\n' "$JEANNE"
		printf '255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12,n\n'
		printf '%s,a\000b\n\n\n' "$NOSEX"
		printf '%s,last' "$PAUL"
	} > plain.csv
	# Every field quoted: libcsv reads every line whole.
	awk 'BEGIN { FS = ","; OFS = "," }
	    NF > 0 { for (i = 1; i <= NF; i++) $i = "\"" $i "\"" } { print }' \
	    plain.csv | head -c -1 > quoted.csv
	cmp -s plain.csv quoted.csv && fail "awk did not quote"
	{
		printf '%s,note,line,reason\n' "$HDR"
		printf '%s,"a\rb",5,sex: missing\n' "$NOSEX"
		printf '%s,,6,"row has 7 fields, the header has 8"\n' "$NOSEX"
		printf '%s,x,7,"row has 9 fields, the header has 8",y\n' "$JEANNE"
		printf '255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12,n,8,family_name: invalid UTF-8 (byte 0xE9 at byte 3 of the field)\n'
		printf '%s,a\000b,9,sex: missing\n' "$NOSEX"
	} > want.csv
	for f in plain quoted; do
		run --separate-stderr pathway-new -r rej-$f.csv $f.csv
		assert_failure 3
		assert_equal "$(masked)" "$OUT_HDR
$JEANNE_OUT
$PAUL_OUT"
		assert_equal "$stderr" "pathway-new: 8 read, 2 written, 1 skipped, 5 rejected"
		cmp rej-$f.csv want.csv
	done
}

@test "csv: a stray quote after plain fields rejects the whole line, decoded" {
	printf '%s\n255081416802538;Lef\350vre;Jean"ne;1955-08-02;F;C50.9;2026-10-12\r\n%s\r\n' \
	    "$(tr , ';' <<<"$HDR")" "$(tr , ';' <<<"$PAUL")" > sq.csv
	run --separate-stderr pathway-new -d ';' -e cp1252 -r rej.csv sq.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	cat > want.csv <<-EOF
	$HDR,line,reason
	"255081416802538;Lefèvre;Jean""ne;1955-08-02;F;C50.9;2026-10-12",,,,,,,2,"stray quote on line 2 (a quote inside an unquoted field, or text after a closing quote)"
	EOF
	cmp rej.csv want.csv
}

@test "csv: invalid UTF-8 before a quoted field is named by its column" {
	printf '%s,note\n255081416802538,Ma\351tin,Jeanne,1955-08-02,F,C50.9,2026-10-12,"a,b"\n' \
	    "$HDR" > bad.csv
	run --separate-stderr pathway-new bad.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: bad.csv:2: family_name: invalid UTF-8 (byte 0xE9 at byte 3 of the field)
$COUNTS1"
}

@test "csv: invalid UTF-8 in the last field of a plain line is named by its column" {
	printf '%s,note\n%s,ok\300\n' "$HDR" "$JEANNE" > bad.csv
	run --separate-stderr pathway-new bad.csv
	assert_failure 3
	assert_equal "$output" "$OUT_HDR"
	assert_equal "$stderr" "pathway-new: bad.csv:2: note: invalid UTF-8 (byte 0xC0 at byte 3 of the field)
$COUNTS1"
}

@test "csv: a row of 70000 fields, whole in the read buffer, is rejected as a longer one is" {
	{ printf '%s\n' "$HDR"; head -c 69999 /dev/zero | tr '\0' ,; echo
	    printf '%s\n' "$PAUL"; } > wide.csv
	run --separate-stderr pathway-new wide.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: wide.csv:2: more than 65536 fields (not kept)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}

@test "csv: a row of 65537 fields, one past the limit, is rejected as past it" {
	{ printf '%s\n' "$HDR"; head -c 65536 /dev/zero | tr '\0' ,; echo
	    printf '%s\n' "$PAUL"; } > wide.csv
	run --separate-stderr pathway-new wide.csv
	assert_failure 3
	assert_equal "$stderr" "pathway-new: wide.csv:2: more than 65536 fields (not kept)
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
	run --separate-stderr pathway-new -r rej.csv wide.csv
	assert_failure 3
	[ "$(tail -n 1 rej.csv)" = ",,,,,,,2,more than 65536 fields (not kept)" ]
	[ "$(tr -cd '\000' < rej.csv | wc -c)" -eq 0 ]
}

@test "csv: a line of 65536 fields with a quote in the last is read whole" {
	{ printf '%s\n' "$HDR"; head -c 65535 /dev/zero | tr '\0' ,
	    printf '"x"\n%s\n' "$PAUL"; } > wide.csv
	run --separate-stderr pathway-new wide.csv
	assert_failure 3
	assert_equal "$(masked)" "$OUT_HDR
$PAUL_OUT"
	assert_equal "$stderr" "pathway-new: wide.csv:2: row has 65536 fields, the header has 7
pathway-new: 2 read, 1 written, 0 skipped, 1 rejected"
}
