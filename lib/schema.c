/* schema.c - the three record tables of parcours(5) */
#include <stdio.h>
#include <string.h>

#include "parcours.h"

#define N(a)	(sizeof (a) / sizeof (a)[0])

static const struct pc_column pathway_cols[] = {
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_DERIVED, NULL },
	{ "ins",		PC_T_INS,		PC_COL_REQUIRED, NULL },
	{ "local_id",		PC_T_CODE,		0, NULL },
	{ "family_name",	PC_T_NAME,		PC_COL_REQUIRED, NULL },
	{ "given_names",	PC_T_NAME,		PC_COL_REQUIRED, NULL },
	{ "birth_date",		PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE |
						PC_COL_PERSONAL, NULL },
	{ "sex",		PC_T_SEX,		PC_COL_REQUIRED, NULL },
	{ "icd10",		PC_T_ICD10,		PC_COL_REQUIRED, NULL },
	{ "icdo3_topography",	PC_T_ICDO_TOPO,		0, NULL },
	{ "icdo3_morphology",	PC_T_ICDO_MORPH,	0, NULL },
	{ "diagnosis_date",	PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE, NULL },
	{ "finess",		PC_T_FINESS,		0, NULL },
	{ "referent_rpps",	PC_T_RPPS,		0, NULL },
	{ "referent_name",	PC_T_NAME,		0, NULL },
	{ "referent_contact",	PC_T_CONTACT,		0, NULL },
	{ "team_contact",	PC_T_CONTACT,		0, NULL },
	{ "gp_rpps",		PC_T_RPPS,		0, NULL },
	{ "gp_name",		PC_T_NAME,		0, NULL },
	{ "gp_contact",		PC_T_CONTACT,		0, NULL },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED, NULL },
};

static const struct pc_column rcp_cols[] = {
	{ "rcp_id",		PC_T_CODE,		PC_COL_DERIVED, NULL },
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_REQUIRED, NULL },
	{ "meeting_date",	PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE, NULL },
	{ "meeting_kind",	PC_T_WORD,	PC_COL_REQUIRED, "meeting_kind" },
	{ "mode",		PC_T_WORD,	PC_COL_REQUIRED, "mode" },
	{ "motive",		PC_T_WORD,	PC_COL_REQUIRED, "motive" },
	{ "specialties",	PC_T_WORDS,	PC_COL_REQUIRED, "specialties" },
	{ "proposal",		PC_T_WORDS,	PC_COL_REQUIRED, "proposal" },
	{ "trial_id",		PC_T_CODE,		0, NULL },
	{ "guideline",		PC_T_LINE,		0, NULL },
	{ "guideline_conform",	PC_T_WORD,	0, "guideline_conform" },
	{ "consent_by",		PC_T_WORD,	0, "consent_by" },
	{ "patient_decision",	PC_T_WORD,	0, "patient_decision" },
	{ "decision_date",	PC_T_DATE,		PC_COL_DATE, NULL },
	{ "notes",		PC_T_TEXT,		0, NULL },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED, NULL },
};

static const struct pc_column event_cols[] = {
	{ "pathway_id",		PC_T_PATHWAY_ID,	PC_COL_REQUIRED, NULL },
	{ "date",		PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE, NULL },
	{ "kind",		PC_T_WORD,	PC_COL_REQUIRED, "event_kind" },
	{ "until",		PC_T_DATE,		PC_COL_DATE, NULL },
	{ "detail",		PC_T_LINE,		0, NULL },
	{ "source",		PC_T_LINE,		0, NULL },
	{ "recorded_at",	PC_T_DATETIME,		PC_COL_DERIVED, NULL },
};

const struct pc_table pc_pathway_table = {
	"pathway", pathway_cols, N(pathway_cols)
};
const struct pc_table pc_rcp_table = { "rcp", rcp_cols, N(rcp_cols) };
const struct pc_table pc_event_table = {
	"event", event_cols, N(event_cols)
};

long
pc_table_col(const struct pc_table *t, const char *name)
{
	size_t i;

	/*
	 * The tools ask by name for each row (pc_import_canon): the first
	 * two bytes spare most of the strcmp calls, which showed in a
	 * profile (date and detail share the first).
	 */
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].name[0] == name[0] && (name[0] == '\0' ||
		    t->cols[i].name[1] == name[1]) &&
		    strcmp(t->cols[i].name, name) == 0)
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

int
pc_check_column(const struct pc_column *c, const struct pc_vocab *v,
    const char *s, size_t n, struct pc_buf *out, char *why, size_t whysz,
    int decoded)
{
	if (c->type == PC_T_WORD || c->type == PC_T_WORDS) {
		if (v == NULL) {
			snprintf(why, whysz, "no vocabulary loaded for %s",
			    c->vocab);
			return PC_CHECK_BAD;
		}
		return pc_vocab_check(v, c->vocab, c->type == PC_T_WORDS, s, n,
		    out, why, whysz);
	}
	if (decoded)
		return pc_check_decoded(c->type, s, n, out, why, whysz);
	return pc_check(c->type, s, n, out, why, whysz);
}
