-- followup.sql - DuckDB's equivalent of followup-due -E events pathways:
-- the latest treatment-end is the anchor, the latest visit after it (or
-- the anchor) the base; the phase of the bundled schedule table the base
-- falls in, in whole months after the anchor, gives the interval and the
-- tolerance; next = base + interval (a day the month lacks becomes its
-- last); overdue past next + tolerance, due from next - 30 days.  The
-- rules are those of share/parcours/followup-schedules.csv written out as
-- SQL (first match in table order).  Left out: the latest row per
-- pathway (the bench table has one row each), closing events (it has
-- none) and echocardiography.
COPY (
WITH p AS (
	SELECT * FROM read_csv('${pathways}', header = true,
	    all_varchar = true, auto_detect = true)
), e AS (
	SELECT pathway_id, CAST(date AS DATE) AS date, kind
	FROM read_csv('${events}', header = true, all_varchar = true,
	    auto_detect = true)
	WHERE CAST(date AS DATE) <= DATE '${asof}'
), a AS (
	SELECT pathway_id,
	    max(date) FILTER (kind = 'treatment-end') AS anchor,
	    max(date) FILTER (kind = 'treatment-start') AS start
	FROM e GROUP BY pathway_id
), v AS (
	SELECT e.pathway_id, max(e.date) AS visit
	FROM e JOIN a USING (pathway_id)
	WHERE e.kind = 'visit' AND e.date > a.anchor
	GROUP BY e.pathway_id
), j AS (
	SELECT p.*, a.anchor, a.start,
	    coalesce(v.visit, a.anchor) AS base,
	    CAST(p.birth_date AS DATE) AS bd,
	    CAST(p.diagnosis_date AS DATE) AS dd
	FROM p LEFT JOIN a USING (pathway_id) LEFT JOIN v USING (pathway_id)
), g AS (
	SELECT *,
	    year(dd) - year(bd) - CASE WHEN strftime(dd, '%m%d') <
	        strftime(bd, '%m%d') THEN 1 ELSE 0 END AS age,
	    date_diff('month', anchor, base) AS m0
	FROM j
), r AS (
	SELECT *,
	    m0 - CASE WHEN anchor + to_months(m0) > base THEN 1 ELSE 0 END
	        AS m,
	    CASE WHEN age < 18 THEN 'ltfu-child'
	        WHEN age <= 24 THEN 'ltfu-aya'
	        WHEN regexp_full_match(icd10, 'C1[89].*|C20.*')
	            THEN 'colon-ii-iii'
	        WHEN regexp_full_match(icd10, 'C50.*') THEN 'breast'
	        ELSE 'generic-adult' END AS rule
	FROM g
), ph AS (
	SELECT *,
	    CASE WHEN rule IN ('ltfu-child', 'ltfu-aya') THEN 12
	        WHEN rule = 'colon-ii-iii' THEN
	            CASE WHEN m < 36 THEN 3 WHEN m < 60 THEN 6 END
	        WHEN rule = 'breast' THEN
	            CASE WHEN m < 24 THEN 4 WHEN m < 60 THEN 6 ELSE 12 END
	        ELSE CASE WHEN m < 24 THEN 3 WHEN m < 60 THEN 6 ELSE 12 END
	    END AS every,
	    CASE WHEN rule IN ('ltfu-child', 'ltfu-aya') THEN 90
	        WHEN rule = 'colon-ii-iii' THEN
	            CASE WHEN m < 36 THEN 30 WHEN m < 60 THEN 60 END
	        WHEN rule = 'breast' THEN
	            CASE WHEN m < 24 THEN 30 WHEN m < 60 THEN 60 ELSE 90 END
	        ELSE CASE WHEN m < 24 THEN 30 WHEN m < 60 THEN 60 ELSE 90 END
	    END AS tol
	FROM r
), n AS (
	SELECT *,
	    CASE WHEN anchor IS NULL OR start > anchor OR every IS NULL
	        OR (rule = 'colon-ii-iii' AND
	            base + to_months(every) > anchor + to_months(60))
	        THEN NULL ELSE CAST(base + to_months(every) AS DATE) END
	        AS nxt
	FROM ph
)
SELECT * EXCLUDE (anchor, start, base, bd, dd, age, m0, m, rule, every,
    tol, nxt),
    nxt AS followup_next,
    CASE WHEN anchor IS NULL OR start > anchor THEN 'not-started'
        WHEN nxt IS NULL THEN 'ok'
        WHEN DATE '${asof}' > nxt + tol THEN 'overdue'
        WHEN DATE '${asof}' >= nxt - 30 THEN 'due'
        ELSE 'ok' END AS followup_status,
    CASE WHEN anchor IS NULL OR start > anchor THEN NULL
        WHEN nxt IS NOT NULL AND DATE '${asof}' > nxt
        THEN DATE '${asof}' - nxt ELSE 0 END AS followup_late_days,
    rule AS followup_rule
FROM n
) TO '${out}' (HEADER, DELIMITER ',');
