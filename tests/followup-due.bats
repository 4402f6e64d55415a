#!/usr/bin/env bats
# followup-due: schedules as phases after the end of treatment, the
# statuses and their boundaries, age groups at diagnosis, the events that
# stop the clock, exposure-based echocardiography, exit statuses.

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	echo pathway_id,birth_date,diagnosis_date,icd10 > p.csv
	echo pathway_id,date,kind,until,detail,source,recorded_at > e.csv
	new=followup_next,followup_status,followup_late_days,followup_rule,echo_next,echo_status,echo_late_days,echo_every_years,echo_basis
}

# pw id birth_date diagnosis_date icd10
pw() { printf '%s,%s,%s,%s\n' "$@" >> p.csv; }
# ev id date kind [detail [until]]
ev() { printf '%s,%s,%s,%s,"%s",,\n' "$1" "$2" "$3" "${5-}" "${4-}" >> e.csv; }
# The added columns of output line $1 (1: the first row).
added() { cut -d, -f5- <<< "${lines[$1]}"; }
due() { run --separate-stderr followup-due -E e.csv "$@" p.csv; }

# A breast cancer treated until 2026-01-15: first visit 2026-05-15.
breast() {
	pw p1 1960-01-01 2025-11-01 C50.9
	ev p1 2025-11-20 treatment-start
	ev p1 2026-01-15 treatment-end
}

@test "--version names the tool and the suite" {
	run followup-due --version
	assert_success
	assert_output "followup-due (parcours) 0.1.0"
}

@test "--help starts with examples and exits 0" {
	run followup-due --help
	assert_success
	assert_line --index 0 "followup-due - follow-up and echocardiography due dates (parcours)"
	assert_line --index 1 "Examples:"
}

@test "an unknown option is a usage error with status 2" {
	run --separate-stderr followup-due -z
	assert_failure 2
	[[ "${stderr_lines[1]}" == "usage: followup-due [-pt] [-n date] [-w days]"* ]]
}

@test "a bad -n or -w is a usage error naming it" {
	run --separate-stderr followup-due -n 2026-02-30 p.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "followup-due: -n 2026-02-30: not a date (YYYY-MM-DD)" ]
	run --separate-stderr followup-due -w -3 p.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "followup-due: -w -3: a number of days, 0 to 3650" ]
}

@test "the columns are appended; without -E nothing has started" {
	breast
	run --separate-stderr followup-due -n 2026-11-23 p.csv
	assert_success
	[ "$stderr" = "" ]
	[ "${lines[0]}" = "pathway_id,birth_date,diagnosis_date,icd10,$new" ]
	[ "${lines[1]}" = "p1,1960-01-01,2025-11-01,C50.9,,not-started,,breast,,,,," ]
}

@test "pathway ids of any length find their own events, a prefix none" {
	# The event table keeps an id of 26 bytes or fewer in its slot, a
	# longer one aside (lib/events.c): both sides of the bound, ids
	# that differ in their last byte only, and a prefix of them.
	local i26=aaaaaaaaaaaaaaaaaaaaaaaaaa i27=aaaaaaaaaaaaaaaaaaaaaaaaaab
	local j27=aaaaaaaaaaaaaaaaaaaaaaaaaac
	local i40=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab
	local m
	[ "${#i26}" -eq 26 ] && [ "${#i27}" -eq 27 ] && [ "${#i40}" -eq 40 ]
	for m in 1:$i26 2:$i27 3:$j27 4:$i40; do
		pw "${m#*:}" 1960-01-01 2025-11-01 C50.9
		ev "${m#*:}" 2025-11-20 treatment-start
		ev "${m#*:}" "2026-0${m%%:*}-15" treatment-end
	done
	pw aaaaaaaaaaaaaaaaaaaaaaaaa 1960-01-01 2025-11-01 C50.9
	due -n 2026-04-20
	assert_success
	[ "$(cut -d, -f1,5,6 <<< "$output")" = "$(printf '%s\n' \
	    pathway_id,followup_next,followup_status \
	    $i26,2026-05-15,due $i27,2026-06-15,ok $j27,2026-07-15,ok \
	    $i40,2026-08-15,ok aaaaaaaaaaaaaaaaaaaaaaaaa,,not-started)" ]
}

@test "no treatment end yet: not-started" {
	pw p1 1960-01-01 2025-11-01 C50.9
	ev p1 2025-11-20 treatment-start
	due -n 2026-11-23
	assert_success
	[ "$(added 1)" = ",not-started,,breast,,,,," ]
}

@test "due and overdue boundaries: the day before, of and after each date" {
	breast
	# next 2026-05-15, lead 30 days: due from 2026-04-15
	due -n 2026-04-14; assert_success; [ "$(added 1)" = "2026-05-15,ok,0,breast,,,,," ]
	due -n 2026-04-15; assert_success; [ "$(added 1)" = "2026-05-15,due,0,breast,,,,," ]
	due -n 2026-05-14; assert_success; [ "$(added 1)" = "2026-05-15,due,0,breast,,,,," ]
	due -n 2026-05-15; assert_success; [ "$(added 1)" = "2026-05-15,due,0,breast,,,,," ]
	due -n 2026-05-16; assert_success; [ "$(added 1)" = "2026-05-15,due,1,breast,,,,," ]
	# tolerance 30 days: overdue from 2026-06-15
	due -n 2026-06-14; assert_success; [ "$(added 1)" = "2026-05-15,due,30,breast,,,,," ]
	due -n 2026-06-15; assert_failure 1; [ "$(added 1)" = "2026-05-15,overdue,31,breast,,,,," ]
	[ "$stderr" = "" ]
}

@test "-w sets the lead time" {
	breast
	due -w 0 -n 2026-05-14; [ "$(added 1)" = "2026-05-15,ok,0,breast,,,,," ]
	due -w 0 -n 2026-05-15; [ "$(added 1)" = "2026-05-15,due,0,breast,,,,," ]
	due -w 90 -n 2026-02-14; [ "$(added 1)" = "2026-05-15,due,0,breast,,,,," ]
	due -w 90 -n 2026-02-13; [ "$(added 1)" = "2026-05-15,ok,0,breast,,,,," ]
}

@test "a visit restarts the clock with the interval of the phase it falls in" {
	breast
	ev p1 2026-05-20 visit
	due -n 2026-06-20; [ "$(added 1)" = "2026-09-20,ok,0,breast,,,,," ]
	# month 23 after the end of treatment: still every 4 months
	ev p1 2027-12-20 visit
	due -n 2028-01-01; [ "$(added 1)" = "2028-04-20,ok,0,breast,,,,," ]
	# month 24: the second phase, every 6 months
	ev p1 2028-01-15 visit
	due -n 2028-02-01; [ "$(added 1)" = "2028-07-15,ok,0,breast,,,,," ]
	# month 60 and after: yearly, for life
	ev p1 2031-01-15 visit
	due -n 2031-02-01; [ "$(added 1)" = "2032-01-15,ok,0,breast,,,,," ]
	ev p1 2045-03-01 visit
	due -n 2045-03-01; [ "$(added 1)" = "2046-03-01,ok,0,breast,,,,," ]
}

@test "a visit after the as-of date does not count, nor does a visit before the end of treatment" {
	breast
	ev p1 2026-01-10 visit
	ev p1 2026-07-01 visit
	due -n 2026-06-20
	assert_failure 1
	[ "$(added 1)" = "2026-05-15,overdue,36,breast,,,,," ]
}

@test "colon: every 3 months for 3 years, every 6 to 5 years, then over" {
	pw c1 1950-03-03 2019-10-01 C18.7
	ev c1 2020-01-10 treatment-end
	due -n 2020-02-01; [ "$(added 1)" = "2020-04-10,ok,0,colon-ii-iii,,,,," ]
	ev c1 2022-12-20 visit	# month 35: next at 3 months
	due -n 2023-01-01; [ "$(added 1)" = "2023-03-20,ok,0,colon-ii-iii,,,,," ]
	ev c1 2023-01-10 visit	# month 36: next at 6 months
	due -n 2023-02-01; [ "$(added 1)" = "2023-07-10,ok,0,colon-ii-iii,,,,," ]
	ev c1 2024-07-10 visit	# month 54: the last visit, at 60 months
	due -n 2024-08-01; [ "$(added 1)" = "2025-01-10,ok,0,colon-ii-iii,,,,," ]
	ev c1 2024-12-20 visit	# month 59: a next at 65 is past the end
	due -n 2026-11-23
	assert_success
	[ "$(added 1)" = ",ok,0,colon-ii-iii,,,,," ]
}

@test "C20 (rectum) is on the colon rule; another adult cancer on the generic one" {
	pw r1 1950-03-03 2024-10-01 C20
	pw g1 1950-03-03 2024-10-01 C61
	ev r1 2025-01-10 treatment-end
	ev g1 2025-01-10 treatment-end
	due -n 2025-02-01
	[ "$(added 1)" = "2025-04-10,ok,0,colon-ii-iii,,,,," ]
	[ "$(added 2)" = "2025-04-10,ok,0,generic-adult,,,,," ]
}

@test "an event table out of date order is read by date within each pathway" {
	pw p1 1960-01-01 2025-11-01 C50.9
	pw p2 1960-01-01 2025-11-01 C50.9
	ev p1 2026-03-01 visit
	ev p2 2026-01-15 treatment-end
	ev p1 2026-01-15 treatment-end
	ev p1 2025-06-01 treatment-end
	ev p2 2025-11-20 treatment-start
	ev p1 2025-05-20 treatment-start
	due -n 2026-04-01
	assert_success
	# p1: the latest end anchors, the visit after it restarts the clock
	[ "$(added 1)" = "2026-07-01,ok,0,breast,,,,," ]
	[ "$(added 2)" = "2026-05-15,ok,0,breast,,,,," ]
}

@test "month ends and leap years: the last day of a shorter month" {
	pw g1 1950-01-01 2023-09-01 C61
	ev g1 2023-11-30 treatment-end		# 3 months: 29 February 2024
	pw k1 2015-01-01 2023-01-01 C91.0
	ev k1 2024-02-29 treatment-end		# a year: 28 February 2025
	pw b1 1960-01-01 2025-05-01 C50.9
	ev b1 2025-10-31 treatment-end		# 4 months: 28 February 2026
	due -n 2023-12-01
	[ "$(added 1)" = "2024-02-29,ok,0,generic-adult,,,,," ]
	due -n 2024-03-01
	[ "$(added 2)" = "2025-02-28,ok,0,ltfu-child,,,,," ]
	due -n 2026-03-01
	[ "$(added 3)" = "2026-02-28,due,1,breast,,,,," ]
}

@test "a child diagnosed the day before turning 18 stays a childhood cancer survivor for life" {
	pw before 2005-06-01 2023-05-31 C50.9
	pw on 2005-06-01 2023-06-01 C50.9
	pw aya24 2000-06-01 2025-05-31 C50.9
	pw adult25 2000-06-01 2025-06-01 C50.9
	for id in before on aya24 adult25; do ev $id 2025-09-01 treatment-end; done
	ev before 2040-09-05 visit
	due -n 2026-01-01
	[ "$(added 1)" = "2026-09-01,ok,0,ltfu-child,,,,," ]
	[ "$(added 2)" = "2026-09-01,ok,0,ltfu-aya,,,,," ]
	[ "$(added 3)" = "2026-09-01,ok,0,ltfu-aya,,,,," ]
	[ "$(added 4)" = "2026-01-01,due,0,breast,,,,," ]
	# at 53, still on the yearly childhood rule
	due -n 2040-10-01
	[ "$(added 1)" = "2041-09-05,ok,0,ltfu-child,,,,," ]
}

@test "death, transfer and closure stop the clock; one after the as-of date does not" {
	breast
	pw p2 1960-01-01 2025-11-01 C50.9
	pw p3 1960-01-01 2025-11-01 C50.9
	pw p4 1960-01-01 2025-11-01 C50.9
	for id in p2 p3 p4; do ev $id 2026-01-15 treatment-end; done
	ev p1 2026-03-01 death
	ev p2 2026-03-01 transfer
	ev p3 2026-03-01 closed
	ev p4 2027-01-01 death
	due -n 2026-11-23
	assert_failure 1
	[ "$(added 1)" = ",closed,,breast,,,,," ]
	[ "$(added 2)" = ",closed,,breast,,,,," ]
	[ "$(added 3)" = ",closed,,breast,,,,," ]
	[ "$(added 4)" = "2026-05-15,overdue,192,breast,,,,," ]
}

@test "a treatment started after the latest end: not-started again, the latest end anchors" {
	breast
	ev p1 2026-09-01 treatment-start
	due -n 2026-11-23
	assert_success
	[ "$(added 1)" = ",not-started,,breast,,,,," ]
	ev p1 2026-10-20 treatment-end
	due -n 2026-11-23
	[ "$(added 1)" = "2027-02-20,ok,0,breast,,,,," ]
}

@test "-p prints due and overdue rows only, exit 1 only when one is overdue" {
	breast
	ev p1 2026-07-01 visit			# next 2026-11-01
	pw p2 1960-01-01 2025-11-01 C50.9
	pw p3 1960-01-01 2025-11-01 C50.9
	ev p2 2026-05-01 treatment-end		# next 2026-09-01
	ev p3 2026-09-10 treatment-end		# next 2027-01-10
	due -p -n 2026-09-01
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "p2,1960-01-01,2025-11-01,C50.9,2026-09-01,due,0,breast,,,,," ]
	due -p -n 2026-10-05
	assert_failure 1
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "p1,1960-01-01,2025-11-01,C50.9,2026-11-01,due,0,breast,,,,," ]
	[ "${lines[2]}" = "p2,1960-01-01,2025-11-01,C50.9,2026-09-01,overdue,34,breast,,,,," ]
}

@test "a corrected pathway is reported once, as its latest row says, at its first place" {
	pw p1 1960-01-01 2025-11-01 C80.9
	pw p2 1960-01-01 2025-11-01 C61
	pw p1 1960-01-01 2025-11-01 C50.9
	ev p1 2026-01-15 treatment-end
	due -n 2026-02-01
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "p1,1960-01-01,2025-11-01,C50.9,2026-05-15,ok,0,breast,,,,," ]
	[ "${lines[2]}" = "p2,1960-01-01,2025-11-01,C61,,not-started,,generic-adult,,,,," ]
}

@test "fields of 254, 255, 256 and 70,000 bytes pass through whole, a correction longer or shorter than the row it replaces too" {
	a254=$(printf '%254s' '' | tr ' ' a)
	b255=$(printf '%255s' '' | tr ' ' b)
	c256=$(printf '%256s' '' | tr ' ' c)
	d70k=$(printf '%70000s' '' | tr ' ' d)
	{
		echo pathway_id,note,birth_date,diagnosis_date,icd10
		echo "p1,$a254,1960-01-01,2025-11-01,C50.9"
		echo "p2,$b255,1960-01-01,2025-11-01,C61"
		echo "p3,short,1960-01-01,2025-11-01,C61"
		echo "p4,$d70k,1960-01-01,2025-11-01,C61"
		# p3 corrected longer, p4 shorter: one moves, one stays put
		echo "p3,$c256,1960-01-01,2025-11-01,C61"
		echo "p4,$a254$b255,1960-01-01,2025-11-01,C61"
	} > long.csv
	run --separate-stderr followup-due -E e.csv -n 2026-02-01 long.csv
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[1]}" = "p1,$a254,1960-01-01,2025-11-01,C50.9,,not-started,,breast,,,,," ]
	[ "${lines[2]}" = "p2,$b255,1960-01-01,2025-11-01,C61,,not-started,,generic-adult,,,,," ]
	[ "${lines[3]}" = "p3,$c256,1960-01-01,2025-11-01,C61,,not-started,,generic-adult,,,,," ]
	[ "${lines[4]}" = "p4,$a254$b255,1960-01-01,2025-11-01,C61,,not-started,,generic-adult,,,,," ]
}

@test "run again on its own output: the columns are replaced in place" {
	breast
	followup-due -E e.csv -n 2026-02-01 p.csv > once.csv
	run --separate-stderr followup-due -E e.csv -n 2026-06-20 once.csv
	assert_failure 1
	[ "${lines[0]}" = "pathway_id,birth_date,diagnosis_date,icd10,$new" ]
	[ "$(added 1)" = "2026-05-15,overdue,36,breast,,,,," ]
	# a column between them stays where it is
	printf 'followup_status,note,pathway_id,birth_date,diagnosis_date,icd10\nold,keep me,p1,1960-01-01,2025-11-01,C50.9\n' > mixed.csv
	run --separate-stderr followup-due -E e.csv -n 2026-06-20 mixed.csv
	[ "${lines[0]}" = "followup_status,note,pathway_id,birth_date,diagnosis_date,icd10,followup_next,followup_late_days,followup_rule,echo_next,echo_status,echo_late_days,echo_every_years,echo_basis" ]
	[ "${lines[1]}" = "overdue,keep me,p1,1960-01-01,2025-11-01,C50.9,2026-05-15,36,breast,,,,," ]
}

@test "-t writes TSV; -o replaces a file, mode 0600" {
	breast
	due -t -n 2026-02-01
	[ "${lines[1]}" = "$(printf 'p1\t1960-01-01\t2025-11-01\tC50.9\t2026-05-15\tok\t0\tbreast\t\t\t\t\t')" ]
	echo old > out.csv
	run --separate-stderr followup-due -E e.csv -n 2026-02-01 -o out.csv p.csv
	assert_success
	assert_output ""
	[ "$(sed -n 2p out.csv)" = "p1,1960-01-01,2025-11-01,C50.9,2026-05-15,ok,0,breast,,,,," ]
	[ "$(stat -c %a out.csv)" = 600 ]
}

# Echocardiography after anthracyclines and heart radiation.
kid() {	# kid id detail [kind]
	pw "$1" 2012-04-01 2016-03-01 C91.0
	ev "$1" 2016-03-10 treatment-start
	ev "$1" 2017-01-10 "${3-treatment-end}" "$2"
}

@test "echo: the interval from doxorubicin equivalents and heart dose, bounds included" {
	kid a1 "anthracycline=daunorubicin:300"			# 180: 5 y
	kid a2 "anthracycline=epirubicin:312.5"			# 250: 2 y
	kid a3 "anthracycline=doxorubicin:249.9"		# 5 y
	kid a4 "anthracycline=doxorubicin:99"			# below
	kid a5 "anthracycline=idarubicin:20; anthracycline=mitoxantrone:5"	# 100+50
	kid r1 "heart-rt=30"					# 2 y
	kid r2 "heart-rt=29.9"					# 5 y
	kid r3 "heart-rt=14.9"					# below
	kid c1 "anthracycline=doxorubicin:100 heart-rt=15"	# both: 2 y
	kid n1 ""						# no exposure
	due -n 2017-02-01
	assert_success
	[ "$(added 1)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,5,doxorubicin-eq 180 mg/m2" ]
	[ "$(added 2)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,2,doxorubicin-eq 250 mg/m2" ]
	[ "$(added 3)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,5,doxorubicin-eq 249.9 mg/m2" ]
	[ "$(added 4)" = "2018-01-10,ok,0,ltfu-child,,,,,doxorubicin-eq 99 mg/m2" ]
	[ "$(added 5)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,5,doxorubicin-eq 150 mg/m2" ]
	[ "$(added 6)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,2,heart RT 30 Gy" ]
	[ "$(added 7)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,5,heart RT 29.9 Gy" ]
	[ "$(added 8)" = "2018-01-10,ok,0,ltfu-child,,,,,heart RT 14.9 Gy" ]
	[ "$(added 9)" = "2018-01-10,ok,0,ltfu-child,2019-01-10,ok,0,2,doxorubicin-eq 100 mg/m2; heart RT 15 Gy" ]
	[ "$(added 10)" = "2018-01-10,ok,0,ltfu-child,,,,," ]
}

@test "echo: first within 2 years, then the interval after the last echo; overdue after 90 days" {
	kid a1 "anthracycline=daunorubicin:300"
	ev a1 2018-01-05 visit
	due -n 2018-12-10; assert_success
	[ "$(added 1)" = "2019-01-05,due,0,ltfu-child,2019-01-10,ok,0,5,doxorubicin-eq 180 mg/m2" ]
	due -n 2018-12-11; assert_success
	[ "$(added 1)" = "2019-01-05,due,0,ltfu-child,2019-01-10,due,0,5,doxorubicin-eq 180 mg/m2" ]
	due -n 2019-04-10; assert_failure 1
	[ "$(added 1)" = "2019-01-05,overdue,95,ltfu-child,2019-01-10,due,90,5,doxorubicin-eq 180 mg/m2" ]
	due -n 2019-04-11; assert_failure 1
	[ "$(added 1)" = "2019-01-05,overdue,96,ltfu-child,2019-01-10,overdue,91,5,doxorubicin-eq 180 mg/m2" ]
	# a visit that is not an echo leaves the echo overdue: exit 1 still
	ev a1 2019-04-11 visit "blood count"
	due -n 2019-04-11; assert_failure 1
	[ "$(added 1)" = "2020-04-11,ok,0,ltfu-child,2019-01-10,overdue,91,5,doxorubicin-eq 180 mg/m2" ]
	ev a1 2019-05-02 visit "Echocardiography;LVEF 61%"
	due -n 2019-06-01; assert_success
	[ "$(added 1)" = "2020-05-02,ok,0,ltfu-child,2024-05-02,ok,0,5,doxorubicin-eq 180 mg/m2" ]
}

@test "echo: doses of several courses add up; a course still running is not-started" {
	pw k1 2012-04-01 2016-03-01 C91.0
	ev k1 2016-03-10 treatment-start "anthracycline=doxorubicin:120"
	ev k1 2016-08-10 treatment-end
	ev k1 2017-03-10 treatment-start "anthracycline=daunorubicin:250"
	due -n 2017-04-01
	[ "$(added 1)" = ",not-started,,ltfu-child,,not-started,,2,doxorubicin-eq 270 mg/m2" ]
	ev k1 2017-06-20 treatment-end
	due -n 2017-07-01
	[ "$(added 1)" = "2018-06-20,ok,0,ltfu-child,2019-06-20,ok,0,2,doxorubicin-eq 270 mg/m2" ]
}

@test "echo: an until date ends the exposure; closed stops it; adults over 24 are not judged" {
	pw k1 2012-04-01 2016-03-01 C91.0
	ev k1 2016-03-10 treatment-start "heart-rt=36" 2016-04-20
	pw k2 2012-04-01 2016-03-01 C91.0
	ev k2 2016-03-10 treatment-end "heart-rt=36"
	ev k2 2016-05-10 death
	pw o1 1990-04-01 2016-03-01 C81.9
	ev o1 2016-03-10 treatment-end "heart-rt=36"
	due -n 2016-05-01
	[ "$(added 1)" = ",not-started,,ltfu-child,2018-04-20,ok,0,2,heart RT 36 Gy" ]
	due -n 2016-06-01
	[ "$(added 2)" = ",closed,,ltfu-child,,closed,,2,heart RT 36 Gy" ]
	[ "$(added 3)" = "2016-06-10,due,0,generic-adult,,,,," ]
}

@test "echo: an unknown anthracycline names the event line; the row is still written, status 3" {
	kid a1 "anthracycline=doxo:120 heart-rt=x"
	due -n 2017-02-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "followup-due: e.csv:3: detail: unknown anthracycline \"doxo:120\"" ]
	[ "${stderr_lines[1]}" = "followup-due: e.csv:3: detail: not a heart radiation dose in Gy \"x\"" ]
	[ "${stderr_lines[2]}" = "followup-due: 1 read, 1 not judged" ]
	[ "$(added 1)" = "2018-01-10,ok,0,ltfu-child,,,,," ]
}

@test "echo: an event is named by its line after details over several lines, whatever its date's order" {
	# The event table keeps a line per record aside only where records
	# span lines (lib/events.c): lines 2-3, 4, 5-7, 8 and 9 here.
	pw a1 2012-04-01 2016-03-01 C91.0
	pw b1 2012-04-01 2016-03-01 C91.0
	ev a1 2016-03-10 treatment-start "course one
ward 4"
	ev a1 2017-01-10 treatment-end "anthracycline=doxo:120"
	ev b1 2016-03-10 treatment-start "course one
ward 4
bed 2"
	ev b1 2017-02-10 treatment-end "heart-rt=x"
	ev b1 2017-01-10 treatment-end "heart-rt=y"
	due -n 2017-03-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "followup-due: e.csv:4: detail: unknown anthracycline \"doxo:120\"" ]
	[ "${stderr_lines[1]}" = "followup-due: e.csv:9: detail: not a heart radiation dose in Gy \"y\"" ]
	[ "${stderr_lines[2]}" = "followup-due: e.csv:8: detail: not a heart radiation dose in Gy \"x\"" ]
	[ "${stderr_lines[3]}" = "followup-due: 2 read, 2 not judged" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
}

@test "echo: an event is named by its line among events of kinds followup-due does not read" {
	# Those are checked, then left out of memory (lib/events.c): the
	# lines of the others must still be the file's.
	pw a1 2012-04-01 2016-03-01 C91.0
	ev a1 2016-03-01 ald-request 19900000019
	ev a1 2016-03-02 announcement "first
consultation"
	ev a1 2016-03-10 treatment-start "anthracycline=doxo:120"
	ev a1 2016-04-01 ald-granted
	ev a1 2016-05-01 relapse
	ev a1 2017-01-10 treatment-end "heart-rt=x"
	due -n 2017-03-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "followup-due: e.csv:5: detail: unknown anthracycline \"doxo:120\"" ]
	[ "${stderr_lines[1]}" = "followup-due: e.csv:8: detail: not a heart radiation dose in Gy \"x\"" ]
	[ "${stderr_lines[2]}" = "followup-due: 1 read, 1 not judged" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
}

@test "echo: kinds anthracycline, heart-radiation and echocardiography when the vocabulary has them" {
	mkdir share
	cp "$share"/*.csv share/
	cat >> share/vocabularies.csv <<-'V'
	event_kind,anthracycline,anthracycline,anthracycline,test
	event_kind,heart-radiation,radiothérapie cardiaque,heart radiation,test
	event_kind,echocardiography,échocardiographie,echocardiography,test
	V
	pw k1 2012-04-01 2016-03-01 C91.0
	ev k1 2016-08-10 anthracycline "daunorubicin:450"
	ev k1 2016-08-10 heart-radiation "12"
	ev k1 2016-08-10 treatment-end
	ev k1 2018-01-10 echocardiography
	PARCOURS_SHARE=$PWD/share due -n 2018-02-01
	assert_failure 1	# an echocardiogram is not a follow-up visit
	[ "$(added 1)" = "2017-08-10,overdue,175,ltfu-child,2020-01-10,ok,0,2,doxorubicin-eq 270 mg/m2; heart RT 12 Gy" ]
	# without them in the vocabulary, the event table is refused
	due -n 2018-02-01
	assert_failure 3
	[[ "${stderr_lines[0]}" == "followup-due: e.csv:2: kind: "* ]]
}

@test "a row that cannot be judged is written with empty columns, status 3" {
	pw p1 1960-01-01 2025-13-01 C50.9
	pw p2 1960-01-01 2025-11-01 Z85.3X
	pw p3 1960-01-01 2025-11-01 C50.9
	due -n 2026-02-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "followup-due: p.csv:2: diagnosis_date: not a date (YYYY-MM-DD)" ]
	[[ "${stderr_lines[1]}" == "followup-due: p.csv:3: icd10: "* ]]
	[ "${stderr_lines[2]}" = "followup-due: 3 read, 2 not judged" ]
	[ "${lines[1]}" = "p1,1960-01-01,2025-13-01,C50.9,,,,,,,,," ]
	[ "$(added 3)" = ",not-started,,breast,,,,," ]
}

@test "-S: a table without a rule for a row; a bad table is a usage error naming its line" {
	printf '%s\n' rule,icd10_pattern,age_group,anchor,from_month,to_month,every_months,tolerance_days \
	    breast,C50.*,adult,treatment-end,0,,6,30 > s.csv
	pw p1 1960-01-01 2025-11-01 C61
	due -S s.csv -n 2026-02-01
	assert_failure 3
	[ "${stderr_lines[0]}" = "followup-due: p.csv:2: icd10: no schedule rule for \"C61\" at age 65 at diagnosis" ]
	echo 'x,C5(0,adult,treatment-end,0,,6,30' >> s.csv
	due -S s.csv
	assert_failure 2
	[[ "${stderr_lines[0]}" == "followup-due: s.csv:3: icd10_pattern: missing closing parenthesis at offset 4" ]]
	sed -i '$d' s.csv
	echo 'breast,C50.*,adult,treatment-end,12,,6,30' >> s.csv
	due -S s.csv
	assert_failure 2
	[ "${stderr_lines[0]}" = "followup-due: s.csv:3: from_month: 12, where the phase before ends (it is life-long)" ]
}

@test "I/O and rejected inputs: a missing file is 4, a bad event table or header 3" {
	run --separate-stderr followup-due -n 2026-02-01 nosuch.csv
	assert_failure 4
	[ "$stderr" = "followup-due: nosuch.csv: No such file or directory" ]
	run --separate-stderr followup-due -E nosuch.csv p.csv
	assert_failure 4
	printf 'pathway_id,date,kind\np1,2026-02-30,visit\n' > bad.csv
	run --separate-stderr followup-due -E bad.csv p.csv
	assert_failure 3
	[ "$stderr" = "followup-due: bad.csv:2: date: not a date (YYYY-MM-DD)" ]
	printf 'pathway_id,icd10\np1,C50.9\n' > nob.csv
	run --separate-stderr followup-due nob.csv
	assert_failure 3
	[ "$stderr" = "followup-due: nob.csv:1: header: no column birth_date (is it a pathway table?)" ]
	# An event keeps its kind and source as one of 65536 pairs
	# (lib/events.c): the pair past them refuses the table, by its line.
	awk 'BEGIN { print "pathway_id,date,kind,until,detail,source"
		for (i = 0; i <= 65536; i++)
			printf "p1,2026-01-01,visit,,,s%d\n", i }' > many.csv
	pw p1 1960-01-01 2025-11-01 C50.9
	run --separate-stderr followup-due -E many.csv p.csv
	assert_failure 3
	[ "$stderr" = "followup-due: many.csv:65538: source: more than 65536 pairs of kind and source" ]
	assert_output ""
	sed '$d' many.csv > fewer.csv
	run --separate-stderr followup-due -n 2026-02-01 -E fewer.csv p.csv
	assert_success
	[ "${#lines[@]}" -eq 2 ]
}

@test "several inputs must share a header; -o is left alone when one is refused" {
	breast
	printf 'pathway_id,birth_date,diagnosis_date,icd10,x\n' > other.csv
	echo keep > out.csv
	run --separate-stderr followup-due -n 2026-02-01 -o out.csv p.csv other.csv
	assert_failure 3
	[ "$stderr" = "followup-due: other.csv:1: header: differs from the first input's
followup-due: out.csv: left as it was: an input could not be read" ]
	[ "$(cat out.csv)" = keep ]
}

@test "the EXAMPLES of followup-due(1) run as written" {
	man_examples followup-due.1 > examples.sh
	[ "$(grep -c followup-due examples.sh)" -eq 2 ]
	unset PARCOURS_KEY
	run --separate-stderr bash -c 'set -u; . ./examples.sh'
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == *",2025-01-10,,,,,,,,,2026-11-23T00:00:00Z,2025-10-02,overdue,417,breast,,,,," ]]
	[ "${lines[2]}" = "overdue 1" ]
}

@test "every option of --help is in the man page and the completions" {
	opts=$(followup-due --help | sed -n 's/^  \(-[a-zA-Z]\) .*/\1/p')
	[ "$(echo $opts)" = "-C -E -n -o -p -S -t -w" ]
	for o in $opts; do
		grep -q "^\.It Fl ${o#-}" "$root/man/followup-due.1"
		grep -q -- "$o" "$root/completions/bash/followup-due"
		grep -q -- "'${o}[+[]" "$root/completions/zsh/_followup-due"
		grep -q -- "-s ${o#-} " "$root/completions/fish/followup-due.fish"
	done
	run bash -c "source '$root/completions/bash/followup-due'
		COMP_WORDS=(followup-due -w ''); COMP_CWORD=2
		_followup_due followup-due '' -w; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_line 30
}

@test "the bundled tables load and their rules are tagged with a source" {
	run --separate-stderr followup-due p.csv
	assert_success
	[ "$(cut -d, -f1 "$share/followup-schedules.csv" | sed 1d | uniq | tr '\n' ' ')" = "ltfu-child ltfu-aya colon-ii-iii breast generic-adult " ]
	! awk -F, 'FNR > 1 && $NF !~ /^[CPUD]$/' "$share/followup-schedules.csv" "$share/cardiac-surveillance.csv" | grep .
}
