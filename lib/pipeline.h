/* pipeline.h: the pipeline board (crm pipeline): how many clients each
 * stage has, and each stage's best clients by viability. */
#ifndef CRM_PIPELINE_H
#define CRM_PIPELINE_H

#include "client.h"
#include "print.h"

/* The stages' counts through pr, a row a stage: stage, clients,
 * terminal (0/1), configured (0/1), viability_avg (of those that have
 * one, to a tenth; null when none has).  The configured stages come
 * first, in pipeline.stages order, with zero counts; then the stages
 * the clients have that the config no longer names, by name.  The
 * clients counted are those flt selects (its sort, limit and offset
 * aside); 65 for a stage or channel the config does not have. */
int crm_pipeline_counts(struct crm *crm, const struct crm_client_filter *flt,
                        struct printer *pr);

struct crm_board_client {
	long long id;
	char *name;             /* owned by the board */
	long long viability;    /* -1: none */
};

struct crm_board_stage {
	char *stage;            /* owned by the board */
	long long clients;
	int terminal, configured;
	struct crm_board_client *top;   /* ntop of them, best first */
	int ntop;
};

struct crm_board {
	struct crm_board_stage *stages;
	int n;
};

/* The board into b (caller-owned; crm_board_free releases what it
 * holds): the stages as crm_pipeline_counts gives them, each with its
 * top clients (at most top) by viability, highest first, ties by id;
 * a client without a viability comes after those with one. */
int crm_pipeline_board(struct crm *crm, const struct crm_client_filter *flt,
                       long long top, struct crm_board *b);
void crm_board_free(struct crm_board *b);

#endif
