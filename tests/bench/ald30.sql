-- ald30.sql - DuckDB's equivalent of ald30-check -E events pathways for
-- the bench's tables: the code ranges of share/parcours/ald30-rules.csv
-- (C00-C97 covered, D00-D09 and D37-D48 to verify, the rest not
-- covered), the latest ald-granted, the latest ald-request on or before
-- it, 5 years from the grant, or 6 months from a request not made by the
-- GP for a patient 16 or over at the request; expired, short-term,
-- expiring within 90 days, ok.  Left out, since the tables have none:
-- refusals, protocols, closing events, until dates, the latest row per
-- pathway; the reason is shorter than ald30-check's sentence.
COPY (
WITH p AS (
	SELECT * FROM read_csv('${pathways}', header = true,
	    all_varchar = true, auto_detect = true)
), e AS (
	SELECT pathway_id, CAST(date AS DATE) AS date, kind, detail
	FROM read_csv('${events}', header = true, all_varchar = true,
	    auto_detect = true)
	WHERE CAST(date AS DATE) <= DATE '${asof}'
), g AS (
	SELECT pathway_id, max(date) AS granted
	FROM e WHERE kind = 'ald-granted' GROUP BY pathway_id
), r AS (
	SELECT e.pathway_id, arg_max(e.detail, e.date) AS requester,
	    max(e.date) AS requested
	FROM e JOIN g USING (pathway_id)
	WHERE e.kind = 'ald-request' AND e.date <= g.granted
	GROUP BY e.pathway_id
), j AS (
	SELECT p.*, g.granted, r.requested, r.requester,
	    CASE WHEN upper(substr(icd10, 1, 3)) BETWEEN 'C00' AND 'C97'
	        THEN 'covered'
	        WHEN upper(substr(icd10, 1, 3)) BETWEEN 'D00' AND 'D09'
	            OR upper(substr(icd10, 1, 3)) BETWEEN 'D37' AND 'D48'
	        THEN 'to-verify' ELSE 'not-covered' END AS cover,
	    CAST(birth_date AS DATE) AS bd
	FROM p LEFT JOIN g USING (pathway_id) LEFT JOIN r USING (pathway_id)
), s AS (
	SELECT *,
	    requested IS NOT NULL
	        AND coalesce(requester, '') <> coalesce(gp_rpps, '')
	        AND year(requested) - year(bd) - CASE WHEN
	            strftime(requested, '%m%d') < strftime(bd, '%m%d')
	            THEN 1 ELSE 0 END >= 16 AS short,
	    CASE WHEN granted IS NULL THEN NULL
	        WHEN requested IS NOT NULL
	            AND coalesce(requester, '') <> coalesce(gp_rpps, '')
	            AND year(requested) - year(bd) - CASE WHEN
	                strftime(requested, '%m%d') < strftime(bd, '%m%d')
	                THEN 1 ELSE 0 END >= 16
	        THEN CAST(requested + INTERVAL 6 MONTH AS DATE)
	        ELSE CAST(granted + INTERVAL 5 YEAR AS DATE) END AS ends
	FROM j
)
SELECT * EXCLUDE (granted, requested, requester, cover, bd, short, ends),
    CASE WHEN cover = 'not-covered' THEN 'not-covered'
        WHEN ends IS NULL AND cover = 'to-verify' THEN 'to-verify'
        WHEN ends IS NULL THEN 'no-request'
        WHEN DATE '${asof}' > ends THEN 'expired'
        WHEN short THEN 'short-term'
        WHEN ends - DATE '${asof}' <= 90 THEN 'expiring'
        ELSE 'ok' END AS ald30_status,
    CASE WHEN cover = 'not-covered' THEN icd10 || ' is not covered'
        WHEN ends IS NULL THEN 'no grant'
        WHEN short THEN 'request by another physician on ' ||
            strftime(requested, '%Y-%m-%d') || ': 6 months'
        ELSE 'exemption granted ' || strftime(granted, '%Y-%m-%d')
        END AS ald30_reason,
    CASE WHEN cover = 'not-covered' THEN NULL ELSE ends END AS ald30_until
FROM s
) TO '${out}' (HEADER, DELIMITER ',');
