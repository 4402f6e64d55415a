/* schema.c - the three record tables of parcours(5) */
#include <string.h>

#include "parcours.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

static const struct pc_column pathway_cols[] = {
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_DERIVED },
	{ "ins",		PC_T_INS,		PC_COL_REQUIRED },
	{ "local_id",		PC_T_CODE,		0 },
	{ "family_name",	PC_T_NAME,		PC_COL_REQUIRED },
	{ "given_names",	PC_T_NAME,		PC_COL_REQUIRED },
	{ "birth_date",		PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE |
						PC_COL_PERSONAL },
	{ "sex",		PC_T_SEX,		PC_COL_REQUIRED },
	{ "icd10",		PC_T_ICD10,		PC_COL_REQUIRED },
	{ "icdo3_topography",	PC_T_ICDO_TOPO,		0 },
	{ "icdo3_morphology",	PC_T_ICDO_MORPH,	0 },
	{ "diagnosis_date",	PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE },
	{ "finess",		PC_T_FINESS,		0 },
	{ "referent_rpps",	PC_T_RPPS,		0 },
	{ "referent_name",	PC_T_NAME,		0 },
	{ "referent_contact",	PC_T_CONTACT,		0 },
	{ "team_contact",	PC_T_CONTACT,		0 },
	{ "gp_rpps",		PC_T_RPPS,		0 },
	{ "gp_name",		PC_T_NAME,		0 },
	{ "gp_contact",		PC_T_CONTACT,		0 },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED },
};

static const struct pc_column rcp_cols[] = {
	{ "rcp_id",		PC_T_CODE,		PC_COL_DERIVED },
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_REQUIRED },
	{ "meeting_date",	PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE },
	{ "meeting_kind",	PC_T_CODE,		PC_COL_REQUIRED },
	{ "mode",		PC_T_CODE,		PC_COL_REQUIRED },
	{ "motive",		PC_T_CODE,		PC_COL_REQUIRED },
	{ "specialties",	PC_T_LINE,		PC_COL_REQUIRED },
	{ "proposal",		PC_T_LINE,		PC_COL_REQUIRED },
	{ "trial_id",		PC_T_CODE,		0 },
	{ "guideline",		PC_T_LINE,		0 },
	{ "guideline_conform",	PC_T_CODE,		0 },
	{ "consent_by",		PC_T_CODE,		0 },
	{ "patient_decision",	PC_T_CODE,		0 },
	{ "decision_date",	PC_T_DATE,		PC_COL_DATE },
	{ "notes",		PC_T_TEXT,		0 },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED },
};

static const struct pc_column event_cols[] = {
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_REQUIRED },
	{ "date",		PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE },
	{ "kind",		PC_T_CODE,		PC_COL_REQUIRED },
	{ "until",		PC_T_DATE,		PC_COL_DATE },
	{ "detail",		PC_T_LINE,		0 },
	{ "source",		PC_T_LINE,		0 },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED },
};

const struct pc_table pc_pathway_table = {
	"pathway", pathway_cols, N(pathway_cols)
};
const struct pc_table pc_rcp_table = { "rcp", rcp_cols, N(rcp_cols) };
const struct pc_table pc_event_table = { "event", event_cols, N(event_cols) };

long
pc_table_col(const struct pc_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (long)i;
	return -1;
}

const char **
pc_table_names(const struct pc_table *t)
{
	const char **v = pc_xcalloc(t->ncols + 1, sizeof *v);
	size_t i;

	for (i = 0; i < t->ncols; i++)
		v[i] = t->cols[i].name;
	return v;
}
