-- import.sql - DuckDB's equivalent of pathway-new -m dpi-cp1252 on UTF-8
-- input: split the ';' export, keep the rows whose NIR has 15 characters
-- (spaces dropped), whose CIM-10 code matches the PMSI forms and whose
-- dates read as dd/mm/yyyy; write them as CSV with ISO dates.  Rows that
-- cannot be split (a ';' typed unquoted) are dropped by ignore_errors.
-- It checks less than pathway-new: no NIR key, no FINESS or RPPS key, no
-- check across fields, no id.
COPY (
	SELECT
		IPP AS local_id,
		replace(NIR, ' ', '') AS ins,
		trim(NOM) AS family_name,
		trim(PRENOM) AS given_names,
		strftime(try_strptime(DATE_NAISSANCE, '%d/%m/%Y'), '%Y-%m-%d')
		    AS birth_date,
		CASE WHEN SEXE IN ('M', 'H', '1') THEN 'M'
		    WHEN SEXE IN ('F', '2') THEN 'F' END AS sex,
		upper(trim(CIM10)) AS icd10,
		TOPO_CIMO3 AS icdo3_topography,
		MORPHO_CIMO3 AS icdo3_morphology,
		strftime(try_strptime(DATE_DIAG, '%d/%m/%Y'), '%Y-%m-%d')
		    AS diagnosis_date,
		FINESS AS finess,
		RPPS_REFERENT AS referent_rpps,
		MEDECIN_REFERENT AS referent_name,
		TEL_REFERENT AS referent_contact,
		TEL_EQUIPE AS team_contact,
		RPPS_MT AS gp_rpps,
		MEDECIN_TRAITANT AS gp_name,
		TEL_MT AS gp_contact
	FROM read_csv('${in}', delim = ';', header = true, quote = '"',
	    escape = '"', auto_detect = false, ignore_errors = true,
	    columns = {
		'IPP': 'VARCHAR', 'NIR': 'VARCHAR', 'NOM': 'VARCHAR',
		'PRENOM': 'VARCHAR', 'DATE_NAISSANCE': 'VARCHAR',
		'SEXE': 'VARCHAR', 'CIM10': 'VARCHAR', 'TOPO_CIMO3': 'VARCHAR',
		'MORPHO_CIMO3': 'VARCHAR', 'DATE_DIAG': 'VARCHAR',
		'FINESS': 'VARCHAR', 'RPPS_REFERENT': 'VARCHAR',
		'MEDECIN_REFERENT': 'VARCHAR', 'TEL_REFERENT': 'VARCHAR',
		'TEL_EQUIPE': 'VARCHAR', 'RPPS_MT': 'VARCHAR',
		'MEDECIN_TRAITANT': 'VARCHAR', 'TEL_MT': 'VARCHAR',
		'ADRESSE': 'VARCHAR' })
	WHERE length(replace(NIR, ' ', '')) = 15
	  AND regexp_full_match(upper(trim(CIM10)),
	      '[A-Z][0-9]{2}(\.?[0-9A-Z+]{1,3})?')
	  AND try_strptime(DATE_NAISSANCE, '%d/%m/%Y') IS NOT NULL
	  AND try_strptime(DATE_DIAG, '%d/%m/%Y') IS NOT NULL
) TO '${out}' (HEADER, DELIMITER ',');
