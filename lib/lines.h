/* lines.h: the lines of an input, for the record reader.
 *
 * Read ahead in blocks of 64 KiB; a line keeps its end (LF, and with
 * cr_ends a lone CR or CRLF too).  Memory is bounded by CRM_LINE_MAX
 * whatever the line's length: past it the rest of the line is dropped
 * and the line is told as too long.  What is wrong with the lines read
 * since lines_clear() is kept for the reader to tell, with the record
 * they belong to: a NUL byte, invalid UTF-8, a line too long. */
#ifndef CRM_LINES_H
#define CRM_LINES_H

#include <stdio.h>
#include <sys/types.h>

#include "crm.h"
#include "input.h"

struct crm_lines {
	FILE *in;                    /* not owned */
	char *buf;                   /* read ahead from in */
	size_t bpos, bend;
	int eof;
	char *line;                  /* the last line, NUL-terminated */
	size_t cap;
	ssize_t len;
	char *rest;                  /* what followed a lone CR in the first
	                                line, served next */
	size_t restlen, restoff;
	long lineno;                 /* of the last line, from 1 */

	/* since lines_clear() */
	int nul;                     /* a NUL byte */
	long badline;                /* invalid UTF-8: on this line, */
	size_t badbyte;              /* at this byte (from 1) */
	long longline;               /* a line longer than CRM_LINE_MAX */
	int nonascii;                /* a byte >= 0x80: NFC may change it */
};

void lines_init(struct crm_lines *l, FILE *in);
void lines_free(struct crm_lines *l);
/* The next line into l->line; 0 at the end of input (or a read error,
 * which ferror(in) tells).  A UTF-8 byte order mark that starts line 1
 * is dropped. */
int lines_next(struct crm_lines *l, int cr_ends);
/* The first line was read with LF ends alone, before the input's format
 * was known; it turned out CSV or TSV: what follows a lone CR in it is
 * served as the next lines. */
void lines_split_first(struct crm_lines *l);
/* Drop the line's end. */
void lines_chomp(struct crm_lines *l);
/* Forget what was wrong with the lines read so far. */
void lines_clear(struct crm_lines *l);

#endif
