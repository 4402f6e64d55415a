#!/usr/bin/env bats
# Field types of lib/field.c and dates of lib/date.c, through checkfield.
# Vectors: /work/shared/DOMAIN.md section 5 (NIR 5.1, FINESS 5.2, RPPS 5.3,
# CIM-10 5.4, ICD-O-3 5.5); SPEC.md "Field types" and "Import maps".

load helper

# valid TYPE VALUE CANON
valid() {
	run checkfield "$1" "$2"
	assert_success
	assert_output "ok $3"
}

# invalid TYPE VALUE WHY
invalid() {
	run checkfield "$1" "$2"
	assert_failure 1
	assert_output "bad: $3"
}

# ---- ins: NIR / NIA ------------------------------------------------------

@test "ins: the worked NIR examples of DOMAIN.md 5.1 are valid" {
	valid ins 255081416802538 255081416802538
	valid ins 178059933010817 178059933010817
	valid ins 295109912611193 295109912611193
}

@test "ins: a NIR born in Haute-Corse (2B) counts 2B as 18 for the key" {
	valid ins 253072B07300470 253072B07300470
}

@test "ins: a NIR born in Corse-du-Sud (2A) counts 2A as 19 for the key" {
	valid ins 253072A07300443 253072A07300443
}

@test "ins: 2a and 2b in lower case are upper-cased" {
	valid ins 253072a07300443 253072A07300443
	valid ins 253072b07300470 253072B07300470
}

@test "ins: key 99 instead of 93 is refused with the expected key" {
	invalid ins 295109912611199 "bad key 99, expected 93"
}

@test "ins: a Corsican NIR with the other island's key is refused" {
	invalid ins 253072A07300470 "bad key 70, expected 43"
	invalid ins 253072B07300443 "bad key 43, expected 70"
}

@test "ins: messages never show the number" {
	run checkfield ins 295109912611199
	assert_failure 1
	refute_output --partial 2951099126111
	run checkfield ins 29510991261119
	refute_output --partial 2951099126111
}

@test "ins: spaces are removed" {
	valid ins "2 55 08 14 168 025 38" 255081416802538
	valid ins "2 53 07 2B 073 004 70" 253072B07300470
	valid ins "  178059933010817  " 178059933010817
}

@test "ins: provisional sex digits 3 4 7 8 are accepted" {
	valid ins 355081416802585 355081416802585
	valid ins 455081416802535 455081416802535
	valid ins 755081416802579 755081416802579
	valid ins 855081416802529 855081416802529
}

@test "ins: sex digits other than 1 2 3 4 7 8 are refused" {
	invalid ins 555081416802538 "sex digit 5 is not 1, 2, 3, 4, 7 or 8"
	invalid ins 655081416802532 "sex digit 6 is not 1, 2, 3, 4, 7 or 8"
	invalid ins 055081416802541 "sex digit 0 is not 1, 2, 3, 4, 7 or 8"
}

@test "ins: unknown months 20, 30-42 and 50-99 are accepted" {
	valid ins 255201416802536 255201416802536
	valid ins 255301416802502 255301416802502
	valid ins 255421416802597 255421416802597
	valid ins 255501416802531 255501416802531
	valid ins 255991416802539 255991416802539
}

@test "ins: months 00, 13-19, 21-29 and 43-49 are refused" {
	local m
	for m in 00 13 19 21 29 43 49; do
		invalid ins "2 55 $m 14 168 025 38" \
		    "month $m is not a month (01-12, or 20, 30-42, 50-99 when unknown)"
	done
}

@test "ins: a wrong length is refused with the count of characters" {
	invalid ins 29510991261119 \
	    "has 14 characters, a NIR or NIA has 15 (13 and a 2-digit key)"
	invalid ins 2951099126111933 \
	    "has 16 characters, a NIR or NIA has 15 (13 and a 2-digit key)"
	invalid ins 2951099126111 \
	    "has 13 characters, a NIR or NIA has 15 (13 and a 2-digit key)"
}

@test "ins: a letter outside the département is refused by position" {
	invalid ins 2951099126111Z3 "character 14 is not a digit"
	invalid ins A95109912611193 "character 1 is not a digit"
	invalid ins "29510991261119é" "character 15 is not a digit"
	# Each side of the word that ends at 8 and the one that starts there.
	invalid ins 2951Z9912611193 "character 5 is not a digit"
	invalid ins 2951099Z2611193 "character 8 is not a digit"
	invalid ins 29510991Z611193 "character 9 is not a digit"
}

@test "ins: a département other than 2 digits, 2A or 2B is refused" {
	invalid ins 295102C12611193 \
	    "characters 6-7 are not a département (2 digits, 2A or 2B)"
	invalid ins 295103A12611193 \
	    "characters 6-7 are not a département (2 digits, 2A or 2B)"
}

@test "ins: an empty or blank value is missing" {
	invalid ins "" missing
	invalid ins "   " missing
}

@test "nir-key: the keys of the worked examples, 2A as 19 and 2B as 18" {
	run checkfield nir-key 2550814168025
	assert_output 38
	run checkfield nir-key 1780599330108
	assert_output 17
	run checkfield nir-key 2951099126111
	assert_output 93
	run checkfield nir-key 253072B073004
	assert_output 70
	run checkfield nir-key 253072A073004
	assert_output 43
}

@test "nir-key: a key of 97 (N divisible by 97) is printed as 97" {
	run checkfield nir-key 2554214168025
	assert_success
	assert_output 97
}

@test "nir-key: a letter other than 2A/2B or a short number has no key" {
	run checkfield nir-key 2950C99126111
	assert_failure 1
	assert_output bad
	run checkfield nir-key 255081416802
	assert_failure 1
	assert_output bad
}

# ---- finess ---------------------------------------------------------------

@test "finess: the 13 real numbers of DOMAIN.md 5.2 pass Luhn" {
	local f
	for f in 750712184 750100125 830100558 600100101 750041543 750100018 \
	    130786049 690781810 750160012 940000664 310781406 010000024 \
	    010780054; do
		valid finess "$f" "$f"
	done
}

@test "finess: each real number with its key digit changed is refused" {
	local f k alt
	for f in 750712184 750100125 830100558 600100101 750041543 750100018 \
	    130786049 690781810 750160012 940000664 310781406 010000024 \
	    010780054; do
		k=${f: -1}
		alt=$(((k + 1) % 10))
		invalid finess "${f%?}$alt" "bad key $alt, expected $k"
	done
}

@test "finess: each real number with its 4th digit changed is refused" {
	invalid finess 750812184 "bad key 4, expected 2"
	invalid finess 750200125 "bad key 5, expected 3"
	invalid finess 830200558 "bad key 8, expected 6"
	invalid finess 600200101 "bad key 1, expected 9"
	invalid finess 750141543 "bad key 3, expected 1"
	invalid finess 750200018 "bad key 8, expected 6"
	invalid finess 130886049 "bad key 9, expected 7"
	invalid finess 690881810 "bad key 0, expected 8"
	invalid finess 750260012 "bad key 2, expected 0"
	invalid finess 940100664 "bad key 4, expected 2"
	invalid finess 310881406 "bad key 6, expected 4"
	invalid finess 010100024 "bad key 4, expected 2"
	invalid finess 010880054 "bad key 4, expected 2"
}

@test "finess: the worked example 750712184 with key 5 expects 4" {
	invalid finess 750712185 "bad key 5, expected 4"
}

@test "finess: a Corsican number is accepted with a warning" {
	run checkfield finess 2A0000015
	assert_success
	assert_output "warn 2A0000015: Corsican FINESS: key not verified"
	run checkfield finess 2b1234567
	assert_success
	assert_output "warn 2B1234567: Corsican FINESS: key not verified"
}

@test "finess: a number whose leading 0 a spreadsheet dropped gets a hint" {
	invalid finess 10000024 \
	    "has 8 characters, a FINESS number has 9 (leading 0 lost?)"
}

@test "finess: a wrong length or a letter is refused" {
	invalid finess 7507121840 "has 10 characters, a FINESS number has 9"
	invalid finess 75071218 "has 8 characters, a FINESS number has 9"
	invalid finess 75071218X \
	    '"75071218X" is not a FINESS number (9 digits, or 2A or 2B and 7 digits)'
	invalid finess 2C0000015 \
	    '"2C0000015" is not a FINESS number (9 digits, or 2A or 2B and 7 digits)'
}

# ---- rpps -----------------------------------------------------------------

@test "rpps: the 9 real numbers of DOMAIN.md 5.3 pass Luhn" {
	local r
	for r in 10001045367 10104335319 10005814339 10100224947 10104257190 \
	    10100124576 10005810808 10100356202 10100779536; do
		valid rpps "$r" "$r"
	done
}

@test "rpps: each real number with its key digit changed is refused" {
	local r k alt
	for r in 10001045367 10104335319 10005814339 10100224947 10104257190 \
	    10100124576 10005810808 10100356202 10100779536; do
		k=${r: -1}
		alt=$(((k + 1) % 10))
		invalid rpps "${r%?}$alt" "bad key $alt, expected $k"
	done
}

@test "rpps: each real number with its 4th digit changed is refused" {
	invalid rpps 10011045367 "bad key 7, expected 5"
	invalid rpps 10114335319 "bad key 9, expected 7"
	invalid rpps 10015814339 "bad key 9, expected 7"
	invalid rpps 10110224947 "bad key 7, expected 5"
	invalid rpps 10114257190 "bad key 0, expected 8"
	invalid rpps 10110124576 "bad key 6, expected 4"
	invalid rpps 10015810808 "bad key 8, expected 6"
	invalid rpps 10110356202 "bad key 2, expected 0"
	invalid rpps 10110779536 "bad key 6, expected 4"
}

@test "rpps: an IDNPS (8 and the RPPS) becomes the 11-digit RPPS" {
	valid rpps 810001045367 10001045367
	valid rpps 810100779536 10100779536
}

@test "rpps: an IDNPS is checked on its RPPS key" {
	invalid rpps 810001045368 "bad key 8, expected 7"
}

@test "rpps: 12 digits not starting with 8 are refused" {
	invalid rpps 910001045367 \
	    "has 12 digits but does not start with 8 (an IDNPS is 8 and the RPPS)"
}

@test "rpps: an ADELI-based IDNPS is not an RPPS number" {
	invalid rpps 0012600631 \
	    "has 10 digits, an RPPS number has 11 (0 and 9 digits is an ADELI-based IDNPS)"
}

@test "rpps: a wrong length or a letter is refused" {
	invalid rpps 1000104536 "has 10 digits, an RPPS number has 11"
	invalid rpps 100010453671 \
	    "has 12 digits but does not start with 8 (an IDNPS is 8 and the RPPS)"
	invalid rpps 1000104536A '"1000104536A" is not an RPPS number (11 digits)'
}

@test "luhn: the worked examples pass and a changed digit fails" {
	run checkfield luhn 750712184
	assert_success
	assert_output ok
	run checkfield luhn 10001045367
	assert_success
	assert_output ok
	run checkfield luhn 750712185
	assert_failure 1
	assert_output bad
	run checkfield luhn 75071218a
	assert_failure 1
	assert_output bad
}

# ---- icd10 ----------------------------------------------------------------

@test "icd10: C50.9 with its dot is canonical" {
	valid icd10 C50.9 C50.9
}

@test "icd10: lower case without the dot becomes C50.9" {
	valid icd10 c509 C50.9
}

@test "icd10: a PMSI code space-padded to 8 is trimmed" {
	valid icd10 "C509    " C50.9
}

@test "icd10: surrounding TABs are dropped like spaces" {
	valid icd10 $'\tC50.9 \t' C50.9
}

@test "icd10: a category of 3 characters is valid" {
	valid icd10 C50 C50
}

@test "icd10: a trailing dot alone is dropped" {
	valid icd10 C50. C50
}

@test "icd10: + fills the 4th position of a PMSI extension" {
	valid icd10 M45.+7 M45.+7
	valid icd10 M45+7 M45.+7
	valid icd10 J96.1+0 J96.1+0
	valid icd10 j961+0 J96.1+0
}

@test "icd10: wildcards of the documentation are refused" {
	invalid icd10 S72.- '"S72.-" is a wildcard, not a code'
	invalid icd10 M62.8-0 '"M62.8-0" is a wildcard, not a code'
}

@test "icd10: a letter O for a zero is refused" {
	invalid icd10 C5O.9 \
	    '"C5O.9" is not a CIM-10 code (a letter, 2 digits, then an optional dot and up to 3 characters)'
}

@test "icd10: more than 3 characters after the category are refused" {
	invalid icd10 C50.1234 \
	    '"C50.1234" is not a CIM-10 code (a letter, 2 digits, then an optional dot and up to 3 characters)'
}

@test "icd10: two dots or an inner space are refused" {
	invalid icd10 C50..9 \
	    '"C50..9" is not a CIM-10 code (a letter, 2 digits, then an optional dot and up to 3 characters)'
	invalid icd10 "C50 9" \
	    '"C50 9" is not a CIM-10 code (a letter, 2 digits, then an optional dot and up to 3 characters)'
}

# ---- ICD-O-3 ----------------------------------------------------------------

@test "icdo3-topography: C50.9 and C509 are both C50.9" {
	valid icdo3-topography C50.9 C50.9
	valid icdo3-topography C509 C50.9
	valid icdo3-topography c509 C50.9
}

@test "icdo3-topography: the range ends at C00.0 and C80.9" {
	valid icdo3-topography C00.0 C00.0
	valid icdo3-topography C80.9 C80.9
	invalid icdo3-topography C81.0 \
	    '"C81.0" is out of the topography range C00.0-C80.9'
}

@test "icdo3-topography: another letter or a missing subsite is refused" {
	invalid icdo3-topography D50.9 \
	    '"D50.9" is not an ICD-O-3 topography code (C, 2 digits, a dot and a digit)'
	invalid icdo3-topography C50 \
	    '"C50" is not an ICD-O-3 topography code (C, 2 digits, a dot and a digit)'
}

@test "icdo3-morphology: 8500/3 and 85003 are both 8500/3" {
	valid icdo3-morphology 8500/3 8500/3
	valid icdo3-morphology 85003 8500/3
}

@test "icdo3-morphology: a grade digit may follow the behaviour" {
	valid icdo3-morphology 8500/31 8500/31
	valid icdo3-morphology 850031 8500/31
	invalid icdo3-morphology 8500/30 "grade 0 is not 1-9"
}

@test "icdo3-morphology: histology is 8000-9993" {
	valid icdo3-morphology 8000/0 8000/0
	valid icdo3-morphology 9993/3 9993/3
	invalid icdo3-morphology 7999/3 "histology 7999 out of range (8000-9993)"
	invalid icdo3-morphology 9994/3 "histology 9994 out of range (8000-9993)"
}

@test "icdo3-morphology: behaviour is 0, 1, 2, 3, 6 or 9" {
	valid icdo3-morphology 8140/6 8140/6
	valid icdo3-morphology 8000/9 8000/9
	invalid icdo3-morphology 8500/5 "behaviour 5 is not 0, 1, 2, 3, 6 or 9"
}

@test "icdo3-morphology: a missing behaviour is refused" {
	invalid icdo3-morphology 8500 \
	    '"8500" is not an ICD-O-3 morphology code (4 digits, /, a behaviour digit and an optional grade)'
	invalid icdo3-morphology 8500/ \
	    '"8500/" is not an ICD-O-3 morphology code (4 digits, /, a behaviour digit and an optional grade)'
}

# ---- dates ----------------------------------------------------------------

@test "date: 29 February of a leap year is valid" {
	valid date 2024-02-29 2024-02-29
	valid date 2000-02-29 2000-02-29
}

@test "date: 29 February of a common year is refused" {
	invalid date 2026-02-29 "no day 29 in February 2026"
	invalid date 1900-02-29 "no day 29 in February 1900"
}

@test "date: 0000-00-00 is refused on its year" {
	invalid date 0000-00-00 "year 0000 out of range (1800-2999)"
}

@test "date: the years run from 1800 to 2999" {
	valid date 1800-01-01 1800-01-01
	valid date 2999-12-31 2999-12-31
	invalid date 1799-12-31 "year 1799 out of range (1800-2999)"
	invalid date 3000-01-01 "year 3000 out of range (1800-2999)"
}

@test "date: month 13 and month 00 are refused" {
	invalid date 2026-13-01 "month 13 out of range"
	invalid date 2026-00-10 "month 00 out of range"
}

@test "date: day 00, day 32 and 31 April are refused" {
	invalid date 2026-01-00 "day 00 out of range"
	invalid date 2026-01-32 "day 32 out of range"
	invalid date 2026-04-31 "no day 31 in April 2026"
}

@test "date: only YYYY-MM-DD, surrounding spaces aside" {
	valid date " 2026-01-05 " 2026-01-05
	invalid date 2026-1-5 "not a date: expected YYYY-MM-DD"
	invalid date 05/01/2026 "not a date: expected YYYY-MM-DD"
	invalid date 2026-01-05T10:00:00Z "not a date: expected YYYY-MM-DD"
}

@test "datetime: YYYY-MM-DDTHH:MM:SSZ is valid" {
	valid datetime 2026-01-05T10:20:30Z 2026-01-05T10:20:30Z
}

@test "datetime: out-of-range fields are named" {
	invalid datetime 2026-01-05T24:00:00Z "hour 24 out of range"
	invalid datetime 2026-01-05T23:60:00Z "minute 60 out of range"
	invalid datetime 2026-01-05T23:59:60Z "second 60 out of range"
	invalid datetime 2026-02-30T00:00:00Z "no day 30 in February 2026"
}

@test "datetime: a date alone or a time without Z is refused" {
	invalid datetime 2026-01-05 \
	    "not a date and time: expected YYYY-MM-DDTHH:MM:SSZ"
	invalid datetime 2026-01-05T10:20:30 \
	    "not a date and time: expected YYYY-MM-DDTHH:MM:SSZ"
}

@test "date-parse: %d/%m/%Y takes one or two digits before a separator" {
	run checkfield date-parse %d/%m/%Y 05/03/2026
	assert_success
	assert_output 2026-03-05
	run checkfield date-parse %d/%m/%Y 5/3/2026
	assert_success
	assert_output 2026-03-05
}

@test "date-parse: %Y wants 4 digits" {
	run checkfield date-parse %d/%m/%Y 5/3/26
	assert_failure 1
	assert_output "bad: not a date: expected %d/%m/%Y"
}

@test "date-parse: %d%m%Y without separators wants 2 digits each" {
	run checkfield date-parse %d%m%Y 05032026
	assert_success
	assert_output 2026-03-05
	run checkfield date-parse %d%m%Y 5032026
	assert_failure 1
	assert_output "bad: not a date: expected %d%m%Y"
}

@test "date-parse: a time of day is checked and dropped" {
	run checkfield date-parse "%d/%m/%Y %H:%M:%S" "20/03/2020 14:44:00"
	assert_success
	assert_output 2020-03-20
	run checkfield date-parse "%d/%m/%Y %H:%M:%S" "20/03/2020 25:44:00"
	assert_failure 1
	assert_output "bad: hour 25 out of range"
	run checkfield date-parse "%d/%m/%Y %H:%M:%S" "20/03/2020 14:44"
	assert_failure 1
	assert_output "bad: not a date: expected %d/%m/%Y %H:%M:%S"
}

@test "date-parse: surrounding spaces are ignored, trailing characters are not" {
	run checkfield date-parse %d/%m/%Y "  20/03/2020  "
	assert_success
	assert_output 2020-03-20
	run checkfield date-parse %d/%m/%Y 20/03/2020x
	assert_failure 1
	assert_output "bad: not a date: expected %d/%m/%Y"
}

@test "date-parse: the calendar is checked after the format" {
	run checkfield date-parse %d/%m/%Y 30/02/2026
	assert_failure 1
	assert_output "bad: no day 30 in February 2026"
}

@test "date-parse: a field ending the format wants 2 digits" {
	run checkfield date-parse %Y-%m-%d 2026-3-05
	assert_success
	assert_output 2026-03-05
	run checkfield date-parse %Y-%m-%d 2026-3-5
	assert_failure 1
	assert_output "bad: not a date: expected %Y-%m-%d"
}

@test "date-parse: %% is a literal percent sign" {
	run checkfield date-parse %m/%d/%Y%% 3/5/2026%
	assert_success
	assert_output 2026-03-05
}

@test "date-parse: a format without %d %m %Y, or with an unknown directive, is refused" {
	run checkfield date-parse %H:%M 10:00
	assert_failure 1
	assert_output 'bad: bad date format "%H:%M" (%d, %m and %Y once each, %H %M %S, other characters literal)'
	run checkfield date-parse %d/%m/%y 1/1/20
	assert_failure 1
	assert_output 'bad: bad date format "%d/%m/%y" (%d, %m and %Y once each, %H %M %S, other characters literal)'
}

@test "date-parse: full-width values read each field where its format puts it" {
	run checkfield date-parse %Y.%m.%d 2024.02.29
	assert_success
	assert_output 2024-02-29
	run checkfield date-parse %m/%d/%Y 12/31/2025
	assert_success
	assert_output 2025-12-31
	run checkfield date-parse %d/%m/%Y 05-03-2026
	assert_failure 1
	assert_output "bad: not a date: expected %d/%m/%Y"
	run checkfield date-parse %d/%m/%Y 05/13/2026
	assert_failure 1
	assert_output "bad: month 13 out of range"
	run checkfield date-parse %d/%m/%Y 05/03/1700
	assert_failure 1
	assert_output "bad: year 1700 out of range (1800-2999)"
	run checkfield date-parse %d/%d/%Y 05/03/2026
	assert_failure 1
	assert_output 'bad: bad date format "%d/%d/%Y" (%d, %m and %Y once each, %H %M %S, other characters literal)'
}

@test "date: an ISO date wants a digit at each of its eight places and both hyphens" {
	invalid date 2026-03-5x "not a date: expected YYYY-MM-DD"
	invalid date 2O26-03-05 "not a date: expected YYYY-MM-DD"
	invalid date 2026/03/05 "not a date: expected YYYY-MM-DD"
	invalid date 2026-03:05 "not a date: expected YYYY-MM-DD"
	valid date 2026-03-05 2026-03-05
}

@test "age: a birthday counts from its day" {
	run checkfield age 2000-06-15 2026-06-14
	assert_output 25
	run checkfield age 2000-06-15 2026-06-15
	assert_output 26
}

@test "age: born 29 February, a year older on 1 March of a common year" {
	run checkfield age 2000-02-29 2026-02-28
	assert_output 25
	run checkfield age 2000-02-29 2026-03-01
	assert_output 26
}

@test "age: born 29 February, a year older on 29 February of a leap year" {
	run checkfield age 2000-02-29 2028-02-28
	assert_output 27
	run checkfield age 2000-02-29 2028-02-29
	assert_output 28
}

@test "today and now honour SOURCE_DATE_EPOCH" {
	SOURCE_DATE_EPOCH=1700000000 run checkfield today
	assert_output 2023-11-14
	SOURCE_DATE_EPOCH=1700000000 run checkfield now
	assert_output 2023-11-14T22:13:20Z
	SOURCE_DATE_EPOCH=0 run checkfield now
	assert_output 1970-01-01T00:00:00Z
}

@test "today ignores a malformed SOURCE_DATE_EPOCH" {
	SOURCE_DATE_EPOCH=17x run checkfield today
	assert_success
	refute_output 1970-01-01
	assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
	SOURCE_DATE_EPOCH=-5 run checkfield today
	refute_output 1969-12-31
}

# ---- phone, email, contact ------------------------------------------------

@test "phone: a French number with spaces, dots or hyphens is grouped by 2" {
	valid phone "01 23 45 67 89" "01 23 45 67 89"
	valid phone 0123456789 "01 23 45 67 89"
	valid phone 06.12.34.56.78 "06 12 34 56 78"
	valid phone 09-87-65-43-21 "09 87 65 43 21"
	valid phone "01.23-45 67.89" "01 23 45 67 89"
	valid phone "0 123 45 67 89" "01 23 45 67 89"
}

@test "phone: the pairs' shape does not let 00, a first digit not 0 or a letter through" {
	invalid phone "00 12 34 56 78" \
	    '"00 12 34 56 78": write + and the country code, not 00'
	invalid phone "11 23 45 67 89" \
	    '"11 23 45 67 89" does not start with 0 (or + and the country code)'
	invalid phone "01 23 45 67 8x" \
	    '"01 23 45 67 8x" is not a telephone number (digits with spaces, dots or hyphens)'
	invalid phone "01 23/45 67 89" \
	    '"01 23/45 67 89" is not a telephone number (digits with spaces, dots or hyphens)'
	invalid phone "0A 23 45 67 89" \
	    '"0A 23 45 67 89" is not a telephone number (digits with spaces, dots or hyphens)'
}

@test "phone: +33 and 9 digits is canonical +33 1 23 45 67 89" {
	valid phone "+33 1 23 45 67 89" "+33 1 23 45 67 89"
	valid phone +33612345678 "+33 6 12 34 56 78"
}

@test "phone: a 0 after +33 is refused" {
	invalid phone "+33 0 1 23 45 67 89" '"+33 0 1 23 45 67 89": no 0 after +33'
	invalid phone "+33 01 23 45 67 8" '"+33 01 23 45 67 8": no 0 after +33'
}

@test "phone: +33 with other than 9 digits is refused" {
	invalid phone "+33 1 23 45 67" \
	    '"+33 1 23 45 67" has 7 digits after +33, a French number has 9'
}

@test "phone: other international numbers keep + and 8 to 15 digits" {
	valid phone "+44 20 7946 0958" +442079460958
	valid phone "+1 212 555 0100" +12125550100
	invalid phone +1234567 \
	    '"+1234567" has 7 digits, an international number has 8 to 15'
	invalid phone +1234567890123456 \
	    '"+1234567890123456" has 16 digits, an international number has 8 to 15'
}

@test "phone: French numbers have 10 digits starting with 0" {
	invalid phone "01 23 45 67" '"01 23 45 67" has 8 digits, a French number has 10'
	invalid phone 1234567890 \
	    '"1234567890" does not start with 0 (or + and the country code)'
	invalid phone 0033123456789 \
	    '"0033123456789": write + and the country code, not 00'
}

@test "phone: letters and brackets are refused" {
	invalid phone "01 23 45 67 8x" \
	    '"01 23 45 67 8x" is not a telephone number (digits with spaces, dots or hyphens)'
	invalid phone "(0)1 23 45 67 89" \
	    '"(0)1 23 45 67 89" is not a telephone number (digits with spaces, dots or hyphens)'
	invalid phone + '"+" is not a telephone number (digits with spaces, dots or hyphens)'
}

@test "email: the domain is lower-cased, the local part kept" {
	valid email Jean.Dupont@CHU-Exemple.FR Jean.Dupont@chu-exemple.fr
	valid email dr.martin+rcp@medecin.mssante.fr dr.martin+rcp@medecin.mssante.fr
}

@test "email: no @, two @ or a domain without a dot is refused" {
	invalid email jean.dupont '"jean.dupont" is not an e-mail address (no @)'
	invalid email a@b@c.fr '"a@b@c.fr" is not an e-mail address (more than one @)'
	invalid email jean@exemple \
	    '"jean@exemple" is not an e-mail address (no dot in the domain)'
}

@test "email: dots and spaces out of place are refused" {
	invalid email .a@b.fr '".a@b.fr" is not an e-mail address (bad part before @)'
	invalid email a..b@b.fr '"a..b@b.fr" is not an e-mail address (bad part before @)'
	invalid email "a b@c.fr" '"a b@c.fr" is not an e-mail address (bad part before @)'
	invalid email a@b..fr '"a@b..fr" is not an e-mail address (bad domain after @)'
	invalid email a@-b.fr '"a@-b.fr" is not an e-mail address (bad domain after @)'
	invalid email a@ '"a@" is not an e-mail address (bad domain after @)'
}

@test "contact: an e-mail address when it has @, else a phone number" {
	valid contact Secretariat@Exemple.FR Secretariat@exemple.fr
	valid contact 0123456789 "01 23 45 67 89"
	invalid contact hello \
	    '"hello" is not a telephone number (digits with spaces, dots or hyphens)'
}

# ---- name -------------------------------------------------------------------

@test "name: accented letters in UTF-8 are letters" {
	valid name "Éloïse" "Éloïse"
	valid name "Saint-Exupéry" "Saint-Exupéry"
	valid name "Müller-Lüdenscheidt" "Müller-Lüdenscheidt"
	valid name "Μαρία" "Μαρία"
}

@test "name: straight and typographic apostrophes are kept" {
	valid name "D'Artagnan" "D'Artagnan"
	valid name "D’Artagnan" "D’Artagnan"
}

@test "name: spaces are trimmed and inner runs collapsed" {
	valid name "  Jean   Pierre  " "Jean Pierre"
	valid name "St. John" "St. John"
}

@test "name: a digit is refused, by position only" {
	invalid name Jean2 "character 5 is a digit"
	invalid name "  Jean2" "character 7 is a digit"
}

@test "name: a control character is refused" {
	invalid name $'Jean\x01' "character 5 is a control character"
	invalid name $'Jean\tPaul' "character 5 is a control character"
	invalid name $'Jean\xc2\x85' "character 5 is a control character"
}

@test "name: invisible format characters and no-break spaces are refused" {
	invalid name $'Jean\xe2\x80\x8bPaul' \
	    "character 5 is an invisible format character (U+200B)"
	invalid name $'\xef\xbb\xbfJean' \
	    "character 1 is an invisible format character (U+FEFF)"
	invalid name $'Jean\xe2\x80\xaePaul' \
	    "character 5 is an invisible format character (U+202E)"
	invalid name $'Jean\xc2\xa0Paul' "character 5 is a no-break space"
}

@test "name: punctuation other than ' - . is refused" {
	invalid name "Jean@" \
	    "character 5 is not a letter, space, apostrophe, hyphen or period"
	invalid name "Jean«" \
	    "character 5 is not a letter, space, apostrophe, hyphen or period"
}

@test "name: at least one letter" {
	invalid name "---" "has no letter"
	invalid name "'" "has no letter"
}

@test "name: at most 100 bytes" {
	valid name "$(printf 'é%.0s' {1..50})" "$(printf 'é%.0s' {1..50})"
	invalid name "$(printf 'é%.0s' {1..51})" "has 102 bytes, at most 100"
}

@test "name: invalid UTF-8 is refused with the byte and its offset" {
	invalid name $'Jos\xe9' "invalid UTF-8 (byte 0xE9 at byte 4 of the field)"
}

@test "name: messages never show the name" {
	run checkfield name "Dupont2"
	refute_output --partial Dupont
}

# ---- code, sex, text, line, pathway-id ------------------------------------

@test "code: letters, digits and . _ / - up to 64 characters" {
	valid code IPP-123_4/5.6 IPP-123_4/5.6
	valid code "$(printf 'a%.0s' {1..64})" "$(printf 'a%.0s' {1..64})"
	invalid code "$(printf 'a%.0s' {1..65})" "has 65 characters, at most 64"
}

@test "code: a space or an accented letter is refused by position" {
	invalid code "IPP 1" \
	    "character 4 is not allowed in a code (letters, digits, . _ / -)"
	invalid code "é1" \
	    "character 1 is not allowed in a code (letters, digits, . _ / -)"
}

@test "sex: M or F in either case, upper-case out" {
	valid sex M M
	valid sex f F
	valid sex " m " M
	invalid sex H '"H" is not a sex (M or F)'
	invalid sex MF '"MF" is not a sex (M or F)'
}

@test "sex: a terminal escape in the value is not shown raw" {
	run checkfield sex $'\e[31m'
	assert_failure 1
	assert_output --partial "is not a sex (M or F)"
	refute_output --partial $'\e'
}

@test "text: TAB and LF are allowed, other controls refused" {
	valid text $'a\tb' $'a\tb'
	valid text $'line1\nline2' $'line1\nline2'
	invalid text $'a\rb' "control character U+000D at character 2"
	invalid text $'a\x7fb' "control character U+007F at character 2"
	invalid text $'a\xc2\x9bb' "control character U+009B at character 2"
}

@test "line: no control character at all" {
	valid line "one line" "one line"
	invalid line $'a\tb' "control character U+0009 at character 2"
	invalid line $'a\nb' "control character U+000A at character 2"
}

@test "pathway-id: 4 hex digits, -, 20 lower-case hex digits" {
	valid pathway-id a1b2-0123456789abcdef0123 a1b2-0123456789abcdef0123
	invalid pathway-id A1B2-0123456789abcdef0123 \
	    '"A1B2-0123456789abcdef0123" is not a pathway id (4 hex digits, -, then 20 lower-case hex digits)'
	invalid pathway-id a1b2-0123456789abcdef012 \
	    '"a1b2-0123456789abcdef012" is not a pathway id (4 hex digits, -, then 20 lower-case hex digits)'
	# Each place is checked, the first and the last of each part too.
	valid pathway-id 9f0a-fedcba98765432109abc 9f0a-fedcba98765432109abc
	local bad
	for bad in g1b2-0123456789abcdef0123 a1bg-0123456789abcdef0123 \
	    a1b2_0123456789abcdef0123 a1b2-g123456789abcdef0123 \
	    a1b2-0123456789Abcdef0123 a1b2-0123456789abcdef012g \
	    a1b2-0123456789abcdef012/ a1b2-0123456789abcdef012: \
	    a1b2-0123456789abcdef012\` a1b2-0123456789abcdef-123; do
		invalid pathway-id "$bad" \
		    "\"$bad\" is not a pathway id (4 hex digits, -, then 20 lower-case hex digits)"
	done
}

@test "every type says missing for an empty value" {
	local t
	for t in date datetime ins name code sex icd10 icdo3-topography \
	    icdo3-morphology finess rpps phone email contact pathway-id \
	    text line; do
		invalid "$t" "  " missing
	done
}

@test "checkfield: an unknown type or a missing operand is a usage error" {
	run checkfield colour blue
	assert_failure 2
	run checkfield date
	assert_failure 2
	run checkfield
	assert_failure 2
}
