#!/usr/bin/env bats
# ald30-check: the code ranges, requests and protocols, the exemption and
# its boundaries (the day before, of and after an end), leap years, the
# short term of a request not made by the GP, a child turning 16, the
# events that end the question, the rule table, exit statuses.

bats_require_minimum_version 1.5.0
load helper

GP=19900000019		# the pathway's GP
DR=19900000027		# another physician

setup() {
	helper_setup
	echo pathway_id,birth_date,icd10,gp_rpps > p.csv
	echo pathway_id,date,kind,until,detail,source,recorded_at > e.csv
}

pid() { printf '0000-%020d' "$1"; }
# pw n birth_date icd10 [gp_rpps]
pw() { printf '%s,%s,%s,%s\n' "$(pid "$1")" "$2" "$3" "${4-}" >> p.csv; }
# ev n date kind [detail [until]]
ev() { printf '%s,%s,%s,%s,%s,,\n' "$(pid "$1")" "$2" "$3" "${5-}" "${4-}" >> e.csv; }
# TSV, so that a reason is never quoted.
chk() { run --separate-stderr ald30-check -t -E e.csv "$@" p.csv; }
# The three added columns of output line $1 (1: the first row).
got() { cut -f 5- <<< "${lines[$1]}"; }
is() { local want; want=$(printf '%s\t%s\t%s' "$2" "$3" "${4-}");
	[ "$(got "$1")" = "$want" ] || { echo "line $1: $(got "$1")"; echo "want:   $want"; return 1; }; }

@test "--version names the tool and the suite" {
	run ald30-check --version
	assert_success
	assert_output "ald30-check (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run ald30-check --help
	assert_success
	assert_line --index 0 "ald30-check - ALD 30 exemption status of each pathway (parcours)"
	assert_line --index 1 "Examples:"
}

@test "usage errors: an unknown option, -w out of range, -n not a date" {
	run --separate-stderr ald30-check -z p.csv
	assert_failure 2
	[[ "${stderr_lines[1]}" == "usage: ald30-check [-pt] [-n date] [-w days]"* ]]
	run --separate-stderr ald30-check -w 3651 p.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "ald30-check: -w 3651: a number of days, 0 to 3650" ]
	run --separate-stderr ald30-check -w -1 p.csv
	assert_failure 2
	run --separate-stderr ald30-check -n 2026-02-30 p.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "ald30-check: -n 2026-02-30: not a date (YYYY-MM-DD)" ]
}

@test "a granted exemption runs 5 years from the grant: ok, exit 0, columns appended" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2022-03-01 ald-request $GP
	ev 1 2022-03-02 protocol-signed
	ev 1 2022-03-01 ald-granted
	run --separate-stderr ald30-check -E e.csv -n 2026-11-23 p.csv
	assert_success
	assert_output "pathway_id,birth_date,icd10,gp_rpps,ald30_status,ald30_reason,ald30_until
$(pid 1),1960-01-01,C50.9,$GP,ok,exemption granted 2022-03-01 runs to 2027-03-01,2027-03-01"
	[ -z "$stderr" ]
}

@test "the end of an exemption: the day before and of it expiring, the day after expired" {
	pw 1 1960-01-01 C18.7 $GP
	ev 1 2021-11-24 ald-granted
	chk -n 2026-11-23
	assert_failure 1
	is 1 expiring "exemption granted 2021-11-24 ends 2026-11-24, in 1 day" 2026-11-24
	chk -n 2026-11-24
	assert_failure 1
	is 1 expiring "exemption granted 2021-11-24 ends 2026-11-24, in 0 days" 2026-11-24
	chk -n 2026-11-25
	assert_failure 1
	is 1 expired "exemption granted 2021-11-24 ended 2026-11-24" 2026-11-24
}

@test "-w: expiring within the days given, the limit included" {
	pw 1 1960-01-01 C61 $GP
	ev 1 2022-02-21 ald-granted	# ends 2027-02-21, 90 days after 2026-11-23
	chk -n 2026-11-23
	assert_failure 1
	is 1 expiring "exemption granted 2022-02-21 ends 2027-02-21, in 90 days" 2027-02-21
	chk -n 2026-11-23 -w 89
	assert_success
	is 1 ok "exemption granted 2022-02-21 runs to 2027-02-21" 2027-02-21
	chk -n 2027-02-20 -w 0
	assert_success
	chk -n 2027-02-21 -w 0
	assert_failure 1
	is 1 expiring "exemption granted 2022-02-21 ends 2027-02-21, in 0 days" 2027-02-21
}

@test "the as-of date defaults to today, from SOURCE_DATE_EPOCH (2026-11-23)" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2021-11-23 ald-granted
	chk
	is 1 expiring "exemption granted 2021-11-23 ends 2026-11-23, in 0 days" 2026-11-23
}

@test "leap years: granted 2024-02-29, 5 years end 2029-02-28" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2024-02-29 ald-granted
	chk -n 2029-02-28
	is 1 expiring "exemption granted 2024-02-29 ends 2029-02-28, in 0 days" 2029-02-28
	chk -n 2029-03-01
	is 1 expired "exemption granted 2024-02-29 ended 2029-02-28" 2029-02-28
	# and a grant on 2028-02-29 lands on a leap day again
	ev 1 2028-02-29 ald-granted
	chk -n 2028-03-01
	is 1 ok "exemption granted 2028-02-29 runs to 2033-02-28" 2033-02-28
}

@test "the until of the grant, when recorded, is the end" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2022-01-10 ald-granted "" 2023-06-30
	chk -n 2026-11-23
	is 1 expired "exemption granted 2022-01-10 ended 2023-06-30" 2023-06-30
	# whoever made the request: no short term when the end is recorded
	pw 2 1960-01-01 C50.9 $GP
	ev 2 2026-03-01 ald-request $DR
	ev 2 2026-03-20 ald-granted "" 2031-03-20
	pw 3 1960-01-01 C50.9 $GP
	ev 3 2026-03-01 ald-request $DR
	ev 3 2026-03-20 ald-granted
	chk -n 2026-11-23
	is 2 ok "exemption granted 2026-03-20 runs to 2031-03-20" 2031-03-20
	is 3 expired "request by a physician other than the GP on 2026-03-01: 6 months, ended 2026-09-01" 2026-09-01
}

@test "a renewal: the latest grant counts" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2016-01-10 ald-granted
	ev 1 2021-01-05 ald-granted
	chk -n 2026-01-04
	is 1 expiring "exemption granted 2021-01-05 ends 2026-01-05, in 1 day" 2026-01-05
	ev 1 2026-01-06 ald-granted
	chk -n 2026-11-23
	is 1 ok "exemption granted 2026-01-06 runs to 2031-01-06" 2031-01-06
}

@test "a request by another physician holds six months: the day before, of and after" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-06-01 ald-request $DR
	ev 1 2026-06-03 ald-granted
	chk -n 2026-11-30
	assert_failure 1
	is 1 short-term "request by a physician other than the GP on 2026-06-01: 6 months, to 2026-12-01" 2026-12-01
	chk -n 2026-12-01
	is 1 short-term "request by a physician other than the GP on 2026-06-01: 6 months, to 2026-12-01" 2026-12-01
	chk -n 2026-12-02
	assert_failure 1
	is 1 expired "request by a physician other than the GP on 2026-06-01: 6 months, ended 2026-12-01" 2026-12-01
}

@test "six months from a month's end keep to the month: 2026-08-31 to 2027-02-28" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-08-31 ald-request $DR
	chk -n 2026-11-23
	is 1 short-term "request by a physician other than the GP on 2026-08-31: 6 months, to 2027-02-28" 2027-02-28
	pw 2 1960-01-01 C50.9 $GP
	ev 2 2023-08-31 ald-request $DR	# 2024 is a leap year
	chk -n 2024-02-29
	is 2 short-term "request by a physician other than the GP on 2023-08-31: 6 months, to 2024-02-29" 2024-02-29
}

@test "the GP's request, in its IDNPS form too, and a protocol: awaiting the decision" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-06-01 ald-request 8$GP
	ev 1 2026-06-02 protocol-signed
	chk -n 2026-11-23
	assert_success
	is 1 ok "request on 2026-06-01 and protocol on 2026-06-02: awaiting the decision"
}

@test "a request without a protocol, a protocol without a request, nothing: no-request" {
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 C50.9 $GP
	pw 3 1960-01-01 C50.9 $GP
	ev 1 2026-06-01 ald-request $GP
	ev 2 2026-06-01 protocol-signed
	chk -n 2026-11-23
	assert_failure 1
	is 1 no-request "request on 2026-06-01 but no protocol recorded"
	is 2 no-request "protocol signed on 2026-06-01 but no ALD request recorded"
	is 3 no-request "no ALD request recorded"
}

@test "no GP declared, or a requester not identified: the short term" {
	pw 1 1960-01-01 C50.9
	pw 2 1960-01-01 C50.9 $GP
	pw 3 1960-01-01 C50.9 $GP
	ev 1 2026-06-01 ald-request $GP
	ev 2 2026-06-01 ald-request
	ev 3 2026-06-01 ald-request "Dr Martin"
	chk -n 2026-11-23
	is 1 short-term "request on 2026-06-01 with no GP declared: 6 months, to 2026-12-01" 2026-12-01
	is 2 short-term "request on 2026-06-01 by a physician not identified: 6 months, to 2026-12-01" 2026-12-01
	is 3 short-term "request on 2026-06-01 by a physician not identified: 6 months, to 2026-12-01" 2026-12-01
}

@test "a child under 16 needs no GP: the day before the 16th birthday, and on it" {
	pw 1 2010-06-01 C71.0
	pw 2 2010-06-01 C71.0
	ev 1 2026-05-31 ald-request $DR
	ev 1 2026-05-31 protocol-signed
	ev 2 2026-06-01 ald-request $DR
	ev 2 2026-06-01 protocol-signed
	chk -n 2026-11-23
	is 1 ok "request on 2026-05-31 and protocol on 2026-05-31: awaiting the decision"
	is 2 short-term "request on 2026-06-01 with no GP declared: 6 months, to 2026-12-01" 2026-12-01
	# granted: the child's exemption gets the full term
	ev 1 2026-06-10 ald-granted
	ev 2 2026-06-10 ald-granted
	chk -n 2026-11-23
	is 1 ok "exemption granted 2026-06-10 runs to 2031-06-10" 2031-06-10
	is 2 short-term "request on 2026-06-01 with no GP declared: 6 months, to 2026-12-01" 2026-12-01
}

@test "a child born on 29 February is 16 on 29 February of a leap year" {
	pw 1 2008-02-29 C92.0
	pw 2 2008-02-29 C92.0
	ev 1 2024-02-28 ald-request
	ev 1 2024-02-28 ald-granted
	ev 2 2024-02-29 ald-request
	ev 2 2024-02-29 ald-granted
	chk -n 2024-03-01
	is 1 ok "exemption granted 2024-02-28 runs to 2029-02-28" 2029-02-28
	is 2 short-term "request on 2024-02-29 with no GP declared: 6 months, to 2024-08-29" 2024-08-29
}

@test "codes: D00-D09 and D37-D48 to verify, other codes not covered, bounds included" {
	pw 1 1960-01-01 D46.9 $GP
	pw 2 1960-01-01 D00.0 $GP
	pw 3 1960-01-01 D09 $GP
	pw 4 1960-01-01 D48.9 $GP
	pw 5 1960-01-01 D10.1 $GP
	pw 6 1960-01-01 D36.9 $GP
	pw 7 1960-01-01 D49 $GP
	pw 8 1960-01-01 C97 $GP
	pw 9 1960-01-01 c00.0 $GP
	chk -n 2026-11-23
	assert_failure 1
	is 1 to-verify "D46.9 is in D37-D48: check the CNAM mapping"
	is 2 to-verify "D00.0 is in D00-D09: check the CNAM mapping"
	is 3 to-verify "D09 is in D00-D09: check the CNAM mapping"
	is 4 to-verify "D48.9 is in D37-D48: check the CNAM mapping"
	is 5 not-covered "D10.1 is not in an ALD 30 range"
	is 6 not-covered "D36.9 is not in an ALD 30 range"
	is 7 not-covered "D49 is not in an ALD 30 range"
	is 8 no-request "no ALD request recorded"
	is 9 no-request "no ALD request recorded"
}

@test "a grant settles a code to verify; a refusal does not; a code not covered stays so" {
	pw 1 1960-01-01 D46.9 $GP
	pw 2 1960-01-01 D05.1 $GP
	pw 3 1960-01-01 D12.6 $GP
	ev 1 2024-01-10 ald-granted
	ev 2 2024-01-10 ald-refused
	ev 3 2024-01-10 ald-granted
	chk -n 2026-11-23
	is 1 ok "exemption granted 2024-01-10 runs to 2029-01-10" 2029-01-10
	is 2 to-verify "D05.1 is in D00-D09: check the CNAM mapping"
	is 3 not-covered "D12.6 is not in an ALD 30 range"
}

@test "a refusal: no-request until a new request" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-01-10 ald-request $GP
	ev 1 2026-01-10 protocol-signed
	ev 1 2026-03-02 ald-refused
	chk -n 2026-11-23
	is 1 no-request "ALD refused on 2026-03-02, no request since"
	ev 1 2026-04-01 ald-request $GP
	chk -n 2026-11-23
	is 1 no-request "request on 2026-04-01 but no protocol recorded"
	ev 1 2026-04-01 protocol-signed
	chk -n 2026-11-23
	is 1 ok "request on 2026-04-01 and protocol on 2026-04-01: awaiting the decision"
}

@test "death, closure and transfer end the question and are not problems; later events do not count" {
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 D12.6 $GP
	pw 3 1960-01-01 C50.9 $GP
	ev 1 2016-01-10 ald-granted
	ev 1 2026-02-01 death
	ev 2 2026-05-01 closed
	ev 3 2026-05-02 transfer
	ev 3 2026-05-03 death
	chk -n 2026-11-23
	assert_success
	is 1 closed "death on 2026-02-01"
	is 2 closed "closed on 2026-05-01"
	is 3 closed "transfer on 2026-05-02"
	chk -n 2026-01-31
	assert_failure 1
	is 1 expired "exemption granted 2016-01-10 ended 2021-01-10" 2021-01-10
	is 2 not-covered "D12.6 is not in an ALD 30 range"
	is 3 no-request "no ALD request recorded"
}

@test "events of the kinds it does not read change nothing, and are checked all the same" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2016-01-05 ald-request $DR
	ev 1 2016-01-06 visit
	ev 1 2016-01-08 treatment-start
	ev 1 2016-01-10 ald-granted
	ev 1 2016-02-01 announcement
	chk -n 2016-03-01
	assert_failure 1
	is 1 short-term "request by a physician other than the GP on 2016-01-05: 6 months, to 2016-07-05" 2016-07-05
	# They are left out of memory, not unread: a bad one refuses the table.
	ev 1 2016-02-30 visit
	chk -n 2016-03-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "ald30-check: e.csv:7: date: not a date (YYYY-MM-DD)" ]
	sed -i '$d' e.csv
	ev 1 2016-02-03 supportive-kare
	chk -n 2016-03-01
	assert_failure 3
	[[ "${stderr_lines[0]}" == "ald30-check: e.csv:7: kind: "* ]]
}

@test "events after the as-of date are not known yet" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-06-01 ald-request $GP
	ev 1 2026-06-01 protocol-signed
	ev 1 2026-07-01 ald-granted
	chk -n 2026-06-30
	is 1 ok "request on 2026-06-01 and protocol on 2026-06-01: awaiting the decision"
	chk -n 2026-05-31
	is 1 no-request "no ALD request recorded"
}

@test "without -E no event is known" {
	pw 1 1960-01-01 C50.9 $GP
	run --separate-stderr ald30-check -n 2026-11-23 p.csv
	assert_failure 1
	assert_line --index 1 "$(pid 1),1960-01-01,C50.9,$GP,no-request,no ALD request recorded,"
}

@test "-p prints the problem rows only; with none, the header and status 0" {
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 C50.9 $GP
	pw 3 1960-01-01 C50.9 $GP
	pw 4 1960-01-01 D46.9 $GP
	ev 1 2024-01-10 ald-granted
	ev 2 2021-01-10 ald-granted
	ev 3 2026-01-01 death
	chk -n 2026-11-23 -p
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	[ "$(cut -f 1 <<< "${lines[1]}")" = "$(pid 2)" ]
	is 1 expired "exemption granted 2021-01-10 ended 2026-01-10" 2026-01-10
	is 2 to-verify "D46.9 is in D37-D48: check the CNAM mapping"
	sed -i '/,D46.9,/d; /0000-00000000000000000002/d' p.csv
	chk -n 2026-11-23 -p
	assert_success
	assert_output "$(printf 'pathway_id\tbirth_date\ticd10\tgp_rpps\tald30_status\tald30_reason\tald30_until')"
}

@test "events out of date order, pathways interleaved: by date, then file order" {
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 C50.9 $GP
	pw 3 1960-01-01 C50.9 $GP
	ev 1 2021-01-05 ald-granted
	ev 2 2024-01-10 ald-refused
	ev 3 2024-01-10 ald-granted
	ev 2 2024-01-10 ald-granted
	ev 1 2016-01-10 ald-granted
	ev 3 2024-01-10 ald-refused
	ev 2 2020-01-01 ald-request $GP
	ev 3 2020-01-01 ald-request $GP
	chk -n 2026-01-04
	assert_failure 1
	[ "${#lines[@]}" -eq 4 ]
	is 1 expiring "exemption granted 2021-01-05 ends 2026-01-05, in 1 day" 2026-01-05
	is 2 ok "exemption granted 2024-01-10 runs to 2029-01-10" 2029-01-10
	is 3 no-request "ALD refused on 2024-01-10, no request since"
}

@test "a corrected pathway is reported once, in its first place, as its latest row says" {
	pw 1 1960-01-01 D46.9 $GP
	pw 2 1960-01-01 C50.9 $GP
	pw 1 1960-01-01 C92.0 $GP
	ev 1 2024-01-10 ald-request $GP
	ev 1 2024-01-11 protocol-signed
	chk -n 2026-11-23
	[ "${#lines[@]}" -eq 3 ]
	[ "$(cut -f 1-3 <<< "${lines[1]}")" = "$(pid 1)	1960-01-01	C92.0" ]
	is 1 ok "request on 2024-01-10 and protocol on 2024-01-11: awaiting the decision"
	is 2 no-request "no ALD request recorded"
}

@test "run again on its own output: the columns are replaced in place" {
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 D46.9 $GP
	ev 1 2022-03-01 ald-granted
	ald30-check -E e.csv -n 2026-11-23 p.csv > once.csv || true
	ald30-check -E e.csv -n 2026-11-23 once.csv > twice.csv || true
	cmp once.csv twice.csv
	# at another date, the same columns change
	run --separate-stderr ald30-check -E e.csv -n 2027-03-02 once.csv
	[ "${lines[0]}" = "pathway_id,birth_date,icd10,gp_rpps,ald30_status,ald30_reason,ald30_until" ]
	[ "${lines[1]}" = "$(pid 1),1960-01-01,C50.9,$GP,expired,exemption granted 2022-03-01 ended 2027-03-01,2027-03-01" ]
	# columns after them stay in place
	printf 'pathway_id,ald30_until,birth_date,ald30_status,icd10,note,ald30_reason\n%s,x,1960-01-01,y,C50.9,keep,z\n' "$(pid 1)" > odd.csv
	run --separate-stderr ald30-check -E e.csv -n 2026-11-23 odd.csv
	assert_success
	assert_output "pathway_id,ald30_until,birth_date,ald30_status,icd10,note,ald30_reason
$(pid 1),2027-03-01,1960-01-01,ok,C50.9,keep,exemption granted 2022-03-01 runs to 2027-03-01"
}

@test "rows with a bad pathway_id, icd10, birth_date or gp_rpps are not judged: exit 3" {
	pw 1 1960-01-01 C50.9 $GP
	printf 'P2,1960-01-01,C50.9,\n' >> p.csv
	pw 3 1960-01-01 X1 ''
	pw 4 1960-13-01 C50.9 ''
	pw 5 1960-01-01 C50.9 12345
	pw 6 1960-01-01 '' ''
	run --separate-stderr ald30-check -E e.csv -n 2026-11-23 p.csv
	assert_failure 3
	[ "${stderr_lines[0]}" = 'ald30-check: p.csv:3: pathway_id: "P2" is not a pathway id (4 hex digits, -, then 20 lower-case hex digits)' ]
	[ "${stderr_lines[1]}" = 'ald30-check: p.csv:4: icd10: "X1" is not a CIM-10 code (a letter, 2 digits, then an optional dot and up to 3 characters)' ]
	[ "${stderr_lines[2]}" = 'ald30-check: p.csv:5: birth_date: not a date (YYYY-MM-DD)' ]
	[ "${stderr_lines[3]}" = 'ald30-check: p.csv:6: gp_rpps: has 5 digits, an RPPS number has 11' ]
	[ "${stderr_lines[4]}" = 'ald30-check: p.csv:7: icd10: empty' ]
	[ "${stderr_lines[5]}" = 'ald30-check: 6 read, 5 not judged' ]
	[ "${#stderr_lines[@]}" -eq 6 ]
	[[ "$stderr" != *1960-13-01* ]]
	# every row is written, those not judged with the columns empty
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[2]}" = "P2,1960-01-01,C50.9,,,," ]
	# -p leaves them out
	run --separate-stderr ald30-check -p -E e.csv -n 2026-11-23 p.csv
	assert_failure 3
	[ "${#lines[@]}" -eq 2 ]
}

@test "inputs refused whole: no needed column, a missing file, a bad event table" {
	printf 'pathway_id,icd10\n%s,C50.9\n' "$(pid 1)" > nobirth.csv
	run --separate-stderr ald30-check nobirth.csv
	assert_failure 3
	[ "$stderr" = "ald30-check: nobirth.csv:1: header: no column birth_date (is it a pathway table?)" ]
	run --separate-stderr ald30-check nosuch.csv
	assert_failure 4
	[ "$stderr" = "ald30-check: nosuch.csv: No such file or directory" ]
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2026-01-01 ald-asked
	run --separate-stderr ald30-check -E e.csv p.csv
	assert_failure 3
	[[ "$stderr" == "ald30-check: e.csv:2: kind: "* ]]
	run --separate-stderr ald30-check -E nosuch.csv p.csv
	assert_failure 4
}

@test "-o replaces a file atomically, mode 0600; a refused input leaves it as it was" {
	pw 1 1960-01-01 C50.9 $GP
	ev 1 2024-01-10 ald-granted
	run --separate-stderr ald30-check -E e.csv -n 2026-11-23 -o out.csv p.csv
	assert_success
	[ -z "$output" ]
	[ "$(stat -c %a out.csv)" = 600 ]
	[ "$(sed -n 2p out.csv)" = "$(pid 1),1960-01-01,C50.9,$GP,ok,exemption granted 2024-01-10 runs to 2029-01-10,2029-01-10" ]
	cp out.csv before.csv
	run --separate-stderr ald30-check -E e.csv -o out.csv p.csv nosuch.csv
	assert_failure 4
	[ "${stderr_lines[1]}" = "ald30-check: out.csv: left as it was: an input could not be read" ]
	cmp out.csv before.csv
}

@test "-R: a rule table versioned by decree date, and a code mapped one by one" {
	{ head -1 "$share/ald30-rules.csv"
	  echo 'code,D46.9,D46.9,covered,,,,CNAM mapping (test),,D'
	  grep '^code,' "$share/ald30-rules.csv"
	  grep -v '^code,' "$share/ald30-rules.csv" | sed 1d
	  echo 'exemption,,,,10,years,2017-04-06,a later decree (test),2017-04-03,U'
	} > rules.csv
	pw 1 1960-01-01 C50.9 $GP
	pw 2 1960-01-01 C50.9 $GP
	pw 3 1960-01-01 C50.9 $GP
	pw 4 1960-01-01 D46.9 $GP
	pw 5 1960-01-01 D46.2 $GP
	ev 1 2017-04-05 ald-granted
	ev 2 2017-04-06 ald-granted
	ev 3 2022-03-01 ald-granted
	chk -n 2026-11-23 -R rules.csv
	is 1 expired "exemption granted 2017-04-05 ended 2022-04-05" 2022-04-05
	is 2 ok "exemption granted 2017-04-06 runs to 2027-04-06" 2027-04-06
	is 3 ok "exemption granted 2022-03-01 runs to 2032-03-01" 2032-03-01
	is 4 no-request "no ALD request recorded"
	is 5 to-verify "D46.2 is in D37-D48: check the CNAM mapping"
}

@test "a bad rule table is a usage error naming its line" {
	sed 's/^exemption,,,,5,years/exemption,,,,5,decades/' "$share/ald30-rules.csv" > r1.csv
	run --separate-stderr ald30-check -R r1.csv p.csv
	assert_failure 2
	[ "$stderr" = "ald30-check: r1.csv:6: unit: days, months or years" ]
	sed 's/^code,C00,C97/code,C97,C00/' "$share/ald30-rules.csv" > r2.csv
	run --separate-stderr ald30-check -R r2.csv p.csv
	assert_failure 2
	[ "$stderr" = "ald30-check: r2.csv:2: to: C00 comes before from C97" ]
	grep -v '^gp-age' "$share/ald30-rules.csv" > r3.csv
	run --separate-stderr ald30-check -R r3.csv p.csv
	assert_failure 2
	[ "$stderr" = "ald30-check: r3.csv: no gp-age rule with an empty in_force (one must hold for any date)" ]
	sed 's/^short-term,/short-time,/' "$share/ald30-rules.csv" > r4.csv
	run --separate-stderr ald30-check -R r4.csv p.csv
	assert_failure 2
	[ "$stderr" = "ald30-check: r4.csv:7: rule: code, exemption, short-term or gp-age" ]
	run --separate-stderr ald30-check -R nosuch.csv p.csv
	assert_failure 2
}

@test "the shipped rule table: every row has a source, a confidence, and the durations of DOMAIN.md" {
	run --separate-stderr ald30-check -R "$share/ald30-rules.csv" /dev/null
	[ "$(grep -c '^exemption,,,,5,years,,.*décret 2011-726.*,2011-06-24,U$' "$share/ald30-rules.csv")" -eq 1 ]
	[ "$(grep -c '^short-term,,,,6,months,,' "$share/ald30-rules.csv")" -eq 1 ]
	[ "$(grep -c '^gp-age,,,,16,years,,' "$share/ald30-rules.csv")" -eq 1 ]
}

@test "the rows of pathway-new pass through, the columns appended after recorded_at" {
	pathway-new ins=255081416802538 family_name=Martin given_names=Jeanne \
	    birth_date=1955-08-02 sex=F icd10=C509 diagnosis_date=2026-10-12 \
	    gp_rpps=$GP > pathways.csv
	id=$(sed -n 2p pathways.csv | cut -d, -f1)
	printf '%s,2026-10-20,ald-request,,%s,,\n%s,2026-10-20,protocol-signed,,,,\n' "$id" $GP "$id" >> e.csv
	run --separate-stderr ald30-check -E e.csv pathways.csv
	assert_success
	[ "${lines[0]}" = "$(head -1 pathways.csv),ald30_status,ald30_reason,ald30_until" ]
	[ "${lines[1]}" = "$(sed -n 2p pathways.csv),ok,request on 2026-10-20 and protocol on 2026-10-20: awaiting the decision," ]
}

@test "standard input, TSV input, and inputs whose headers differ" {
	pw 1 1960-01-01 C50.9 $GP
	run --separate-stderr ald30-check -n 2026-11-23 < p.csv
	assert_failure 1
	assert_line --index 1 "$(pid 1),1960-01-01,C50.9,$GP,no-request,no ALD request recorded,"
	# a .tsv file is read as TSV: the same header
	tr , '\t' < p.csv > p.tsv
	run --separate-stderr ald30-check -n 2026-11-23 - p.tsv < p.csv
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[2]}" = "${lines[1]}" ]
	sed '1s/$/,note/; 2s/$/,x/' p.csv > q.csv
	run --separate-stderr ald30-check -n 2026-11-23 p.csv q.csv
	assert_failure 3
	[ "$stderr" = "ald30-check: q.csv:1: header: differs from the first input's" ]
}

@test "the EXAMPLES of ald30-check(1) run as written" {
	man_examples ald30-check.1 > examples.sh
	[ "$(grep -c '^ald30-check' examples.sh)" -eq 2 ]
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	assert_success
	[ "${#lines[@]}" -eq 8 ]
	[ "${lines[1]}" = "0000-00000000000000000001,1960-01-01,C50.9,19900000019,ok,exemption granted 2022-03-01 runs to 2027-03-01,2027-03-01" ]
	[ "${lines[2]}" = "0000-00000000000000000002,1960-01-01,D46.9,,to-verify,D46.9 is in D37-D48: check the CNAM mapping," ]
	[ "${lines[3]}" = '0000-00000000000000000003,1960-01-01,C34.1,19900000019,short-term,"request by a physician other than the GP on 2026-06-01: 6 months, to 2026-12-01",2026-12-01' ]
	[ "${lines[4]}" = "$(printf 'pathway_id\tald30_status\tald30_until')" ]
	[ "${lines[5]}" = "$(printf '0000-00000000000000000001\texpiring\t2027-03-01')" ]
	[ "${lines[7]}" = "$(printf '0000-00000000000000000003\tshort-term\t2026-12-01')" ]
}
