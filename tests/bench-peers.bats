#!/usr/bin/env bats
# The bench's Miller peers (tests/bench/ald30.mlr, followup.mlr) compute
# what ald30-check and followup-due compute, on tables made to reach
# every status: BENCHMARKS.md's ratios compare the same work only while
# this holds.  Their SQL twins need DuckDB from npm, which the suite does
# not install; they were checked by hand (BENCHMARKS.md).

bats_require_minimum_version 1.5.0
load helper

setup() {
	helper_setup
	if ! command -v mlr >/dev/null; then
		[ -z "${CI-}" ] || fail "mlr is missing, and CI is set"
		skip "no mlr (Debian package miller; make check installs it)"
	fi
	mlrput() {
		mlr --infer-none --icsv --ocsv put -q -s asof=2026-11-23 \
		    -f "$root/tests/bench/dates.mlr" -f "$root/tests/bench/$1" \
		    events.csv pathways.csv
	}
	# The columns both give, in order, for diff.
	cols() {
		mlr --icsv --ocsv cut -o -f "$1"
	}
}

@test "ald30.mlr: Miller's ald30 gives ald30-check's status and end date, every status" {
	# 1 ok (request by the GP), 2 to-verify (D00-D09), 3 not covered,
	# 4 no request, 5 a child's request by another physician (5 years),
	# 6 short term (an adult, no GP; 31 August + 6 months), 7 expiring,
	# 8 expired, its later request and its grant after the as-of date
	# not counted.
	cat > pathways.csv <<-'EOF'
	pathway_id,birth_date,icd10,diagnosis_date,gp_rpps
	4e0a-000000000000000000a1,1958-10-03,C50.9,2020-08-21,19983768359
	4e0a-000000000000000000a2,1935-02-01,D05.1,2019-12-11,
	4e0a-000000000000000000a3,2015-08-27,K50.1,2019-12-11,19943630897
	4e0a-000000000000000000a4,1950-03-14,C61,2019-12-11,19955122072
	4e0a-000000000000000000a5,2016-07-11,C34.1,2026-08-20,19943630897
	4e0a-000000000000000000a6,1945-05-31,C18.7,2026-08-01,
	4e0a-000000000000000000a7,1938-07-23,C73,2021-11-02,19957320591
	4e0a-000000000000000000a8,2015-03-02,C92.0,2020-08-01,
	EOF
	cat > events.csv <<-'EOF'
	pathway_id,date,kind,until,detail,source,recorded_at
	4e0a-000000000000000000a1,2024-01-10,ald-request,,19983768359,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a1,2024-02-01,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a3,2024-02-01,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a5,2026-09-01,ald-request,,19911111111,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a5,2026-09-10,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a6,2026-08-31,ald-request,,19911111111,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a6,2026-09-15,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a7,2021-12-01,ald-request,,19957320591,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a7,2021-12-31,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a8,2020-08-31,ald-request,,19911111111,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a8,2020-09-05,ald-granted,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a8,2021-01-01,ald-request,,19911111111,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000a8,2027-01-01,ald-granted,,,t,2026-11-23T00:00:00Z
	EOF
	run -1 --separate-stderr ald30-check -n 2026-11-23 -E events.csv pathways.csv
	printf '%s\n' "$output" | cols pathway_id,ald30_status,ald30_until \
	    > ours.csv
	run -0 diff - ours.csv <<-'EOF'
	pathway_id,ald30_status,ald30_until
	4e0a-000000000000000000a1,ok,2029-02-01
	4e0a-000000000000000000a2,to-verify,
	4e0a-000000000000000000a3,not-covered,
	4e0a-000000000000000000a4,no-request,
	4e0a-000000000000000000a5,ok,2031-09-10
	4e0a-000000000000000000a6,short-term,2027-02-28
	4e0a-000000000000000000a7,expiring,2026-12-31
	4e0a-000000000000000000a8,expired,2025-09-05
	EOF
	mlrput ald30.mlr | cols pathway_id,ald30_status,ald30_until > mlr.csv
	run -0 diff ours.csv mlr.csv
}

@test "followup.mlr: Miller's follow-up gives followup-due's next date, status, late days and rule" {
	# f1 a child, due; f2 a young adult, overdue; f3 colon, overdue in
	# its sixth-monthly years; f4 colon, its five years over; f5 breast,
	# due in the 4-monthly years; f6 the generic rule, ok; f7 started,
	# not ended; f8 started again after its end; f9 yearly after five
	# years, a visit before the end not counted; fa its end after the
	# as-of date.
	cat > pathways.csv <<-'EOF'
	pathway_id,birth_date,icd10,diagnosis_date,gp_rpps
	4e0a-000000000000000000f1,2015-03-02,C92.0,2020-06-01,
	4e0a-000000000000000000f2,2004-05-05,C81.1,2023-06-01,19983768359
	4e0a-000000000000000000f3,1950-02-11,C18.7,2018-01-01,
	4e0a-000000000000000000f4,1950-02-11,C20,2019-11-02,
	4e0a-000000000000000000f5,1961-12-31,C50.9,2025-01-20,19983768359
	4e0a-000000000000000000f6,1970-07-07,C34.1,2026-07-01,
	4e0a-000000000000000000f7,1970-07-07,C61,2026-08-01,
	4e0a-000000000000000000f8,1948-01-01,C73,2023-05-01,
	4e0a-000000000000000000f9,1948-01-01,C64,2018-09-30,
	4e0a-000000000000000000fa,1990-10-10,C71.9,2025-11-02,
	EOF
	cat > events.csv <<-'EOF'
	pathway_id,date,kind,until,detail,source,recorded_at
	4e0a-000000000000000000f1,2020-06-10,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f1,2021-01-15,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f1,2025-10-01,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f2,2023-06-20,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f2,2024-03-01,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f3,2018-02-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f3,2018-06-01,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f3,2022-08-01,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f4,2019-11-20,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f4,2020-01-15,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f4,2024-12-01,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f5,2025-02-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f5,2025-06-01,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f5,2026-08-01,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f6,2026-07-10,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f6,2026-10-15,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f7,2026-10-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f8,2023-06-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f8,2024-01-01,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f8,2025-01-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f9,2018-10-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f9,2019-01-01,treatment-end,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f9,2018-12-01,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000f9,2025-12-15,visit,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000fa,2026-01-01,treatment-start,,,t,2026-11-23T00:00:00Z
	4e0a-000000000000000000fa,2026-12-01,treatment-end,,,t,2026-11-23T00:00:00Z
	EOF
	run -1 --separate-stderr followup-due -n 2026-11-23 -E events.csv pathways.csv
	f=pathway_id,followup_next,followup_status,followup_late_days,followup_rule
	printf '%s\n' "$output" | cols "$f" > ours.csv
	run -0 diff - ours.csv <<-'EOF'
	pathway_id,followup_next,followup_status,followup_late_days,followup_rule
	4e0a-000000000000000000f1,2026-10-01,due,53,ltfu-child
	4e0a-000000000000000000f2,2025-03-01,overdue,632,ltfu-aya
	4e0a-000000000000000000f3,2023-02-01,overdue,1391,colon-ii-iii
	4e0a-000000000000000000f4,,ok,0,colon-ii-iii
	4e0a-000000000000000000f5,2026-12-01,due,0,breast
	4e0a-000000000000000000f6,2027-01-15,ok,0,generic-adult
	4e0a-000000000000000000f7,,not-started,,generic-adult
	4e0a-000000000000000000f8,,not-started,,generic-adult
	4e0a-000000000000000000f9,2026-12-15,due,0,generic-adult
	4e0a-000000000000000000fa,,not-started,,generic-adult
	EOF
	mlrput followup.mlr | cols "$f" > mlr.csv
	run -0 diff ours.csv mlr.csv
}
