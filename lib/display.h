/* display.h: text for a person's terminal (see display.c). */
#ifndef CRM_DISPLAY_H
#define CRM_DISPLAY_H

#include <stdio.h>

/* the length of the valid UTF-8 sequence at s, 0 when it is not one */
int crm_utf8_len(const unsigned char *s);
/* The terminal columns of s, counting at most max, and in *bytes (may be
 * NULL) the length of the part that fits in max.  A control character
 * or a byte that is not UTF-8 takes one column (crm_put_display shows it
 * as one). */
size_t crm_display_width(const char *s, size_t max, size_t *bytes);
/* The first n bytes of s as a terminal should get them: no control or
 * bidirectional character, nor a byte that is not UTF-8 (each is
 * U+FFFD).  A tab is a space; a line end is a space, or with indent >= 0
 * a new line indented by that much. */
void crm_put_display(FILE *out, const char *s, size_t n, int indent);

/* A stored time for a person: how far from now (relative: "in 2h") or
 * local time of display.timezone; NULL when v is no time, to be shown as
 * it is (owned). */
char *crm_person_time(const char *v, int relative);

/* s for a person's terminal, as the table writes it: crm_put_display
 * with every line end a space.  For messages that quote input. */
void crm_put_text(FILE *out, const char *s);

#endif
