/* report.h: crm report: the evaluation panel as one self-contained HTML
 * page (see crm-report(1)). */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdio.h>

#include "crm.h"

struct crm_client_filter;

struct crm_report_opts {
	const struct crm_client_filter *flt;   /* the clients */
	const char *since, *until;   /* the period (canonical; NULL: open) */
	int weeks;                   /* the trend: this many weeks up to its end */
	const char *filters;         /* the filters as typed, for the header */
};

/* Write the page to out: the figures of crm stats for the period, the
 * funnel, contacts and replies a week, reply rate a channel (inline SVG
 * and tables), then the clients due and overdue and the unread
 * notifications.  Looking for the clients due writes the overdue
 * notifications, as crm automation due does. */
int crm_report_write(struct crm *crm, const struct crm_report_opts *o, FILE *out);

#endif
