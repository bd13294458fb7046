/* json.c: a strict parser of one JSON object per line, in place.
 *
 * Strings are unescaped into the line's own bytes (an escape never grows),
 * nested objects and arrays are validated and kept as their raw text, and
 * nothing is allocated but the caller's reused arrays.  A key twice in
 * one object is an error, found in n log n time however wide the object
 * (crm_find_dup). */
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* a key of an object being read: its text, unescaped; own when that
 * took a copy */
struct json_key {
	const char *s;
	size_t n;
	char *own;
	char *at;       /* where it is in the line, for the column */
};

struct jp {
	char *start, *p;
	struct json_obj *o;
	char *err;
	size_t errlen;
};

static int fail_at(struct jp *j, const char *at, const char *what)
{
	snprintf(j->err, j->errlen, "invalid JSON at column %ld: %s",
	         (long)(at - j->start) + 1, what);
	return -1;
}

static int fail(struct jp *j, const char *what)
{
	return fail_at(j, j->p, what);
}

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/* A string at j->p (on its opening quote).  With unescape, its text is
 * written back from the opening quote on, and out and len say where; else it
 * is only checked. */
static int string(struct jp *j, int unescape, char **out, size_t *len)
{
	char *w = j->p, *begin = w;
	unsigned cp, lo;

	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"')
			break;
		if (c == '\0')
			return fail(j, "unterminated string");
		if (c < 0x20)
			return fail(j, "control character in a string");
		if (c != '\\') {
			if (unescape)
				*w = (char)c;
			w++;
			j->p++;
			continue;
		}
		j->p++;
		char e = 0;
		switch (*j->p) {
		case '"': e = '"'; break;
		case '\\': e = '\\'; break;
		case '/': e = '/'; break;
		case 'b': e = '\b'; break;
		case 'f': e = '\f'; break;
		case 'n': e = '\n'; break;
		case 'r': e = '\r'; break;
		case 't': e = '\t'; break;
		case 'u':
			if (hex4(j->p + 1, &cp))
				return fail(j, "bad \\u escape");
			j->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(j, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->p[1] != '\\' || j->p[2] != 'u' || hex4(j->p + 3, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(j, "lone high surrogate");
				j->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				return fail(j, "\\u0000 in a string");
			if (unescape)
				w = put_utf8(w, cp);
			break;
		default:
			return fail(j, "bad escape");
		}
		if (e && unescape)
			*w++ = e;
		j->p++;
	}
	j->p++;
	if (unescape) {
		*out = begin;
		*len = (size_t)(w - begin);
	}
	return 0;
}

static int digits(struct jp *j)
{
	if (*j->p < '0' || *j->p > '9')
		return fail(j, "expected a digit");
	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return 0;
}

static int number(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (digits(j))
		return -1;
	if (*j->p == '.') {
		j->p++;
		if (digits(j))
			return -1;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (digits(j))
			return -1;
	}
	return 0;
}

static int literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(j->p, word, n))
		return fail(j, "expected a value");
	j->p += n;
	return 0;
}

/* One more key for the object being read (at: its opening quote, which
 * string() has passed); one with an escape is unescaped into a copy. */
static int push_key(struct jp *j, char *at, const char *s, size_t n, int escaped)
{
	struct json_obj *o = j->o;
	struct json_key *k;

	if (++o->total > JSON_MAX_KEYS)
		return fail_at(j, at, "more than 4096 keys in one record");
	if (o->nkeys == o->keycap) {
		o->keycap = o->keycap ? o->keycap * 2 : 32;
		o->keys = xrealloc(o->keys, (size_t)o->keycap * sizeof *o->keys);
	}
	k = &o->keys[o->nkeys++];
	k->s = s;
	k->n = n;
	k->own = NULL;
	k->at = at;
	if (escaped && memchr(s, '\\', n)) {
		struct jp copy = { NULL, NULL, o, j->err, j->errlen };
		char *c = xmalloc(n + 3), *out;
		size_t len;
		c[0] = '"';
		memcpy(c + 1, s, n);
		c[n + 1] = '"';
		c[n + 2] = '\0';
		copy.start = copy.p = c;
		string(&copy, 1, &out, &len);   /* checked already: cannot fail */
		k->s = k->own = c;
		k->n = len;
	}
	return 0;
}

/* Drop the keys of an object from key `from` on (its own). */
static int drop_keys(struct jp *j, int from)
{
	for (int i = from; i < j->o->nkeys; i++)
		free(j->o->keys[i].own);
	j->o->nkeys = from;
	return -1;
}

/* The keys of the object from key `from` on (its own) are all different;
 * then they are dropped. */
static int end_object(struct jp *j, int from)
{
	struct json_obj *o = j->o;
	struct crm_span one[16], *v = o->nkeys - from <= 16 ? one :
		xmalloc((size_t)(o->nkeys - from) * sizeof *v);
	int n = o->nkeys - from, dup, rc = 0;

	for (int i = 0; i < n; i++)
		v[i] = (struct crm_span){ o->keys[from + i].s, o->keys[from + i].n };
	if ((dup = crm_find_dup(v, n)) >= 0) {
		const struct json_key *k = &o->keys[from + dup];
		char what[128];
		snprintf(what, sizeof what, "key '%.*s' is there twice",
		         k->n > 64 ? 64 : (int)k->n, k->s);
		rc = fail_at(j, k->at, what);
	}
	if (v != one)
		free(v);
	drop_keys(j, from);
	return rc;
}

/* any value, only checked (inside a nested object or array) */
static int value(struct jp *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return fail(j, "nested too deep");
	switch (*j->p) {
	case '"':
		return string(j, 0, NULL, NULL);
	case '{':
	case '[': {
		char close = *j->p == '{' ? '}' : ']';
		int from = j->o->nkeys;
		j->p++;
		ws(j);
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				char *at = j->p;
				if (*j->p != '"')
					return drop_keys(j, from), fail(j, "expected a key");
				if (string(j, 0, NULL, NULL) ||
				    push_key(j, at, at + 1, (size_t)(j->p - at - 2), 1))
					return drop_keys(j, from);
				ws(j);
				if (*j->p != ':')
					return drop_keys(j, from), fail(j, "expected ':'");
				j->p++;
				ws(j);
			}
			if (value(j, depth + 1))
				return drop_keys(j, from);
			ws(j);
			if (*j->p == ',') {
				j->p++;
				ws(j);
				continue;
			}
			if (*j->p == close) {
				j->p++;
				return end_object(j, from);
			}
			drop_keys(j, from);
			return fail(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	case 't':
		return literal(j, "true");
	case 'f':
		return literal(j, "false");
	case 'n':
		return literal(j, "null");
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j);
		return fail(j, "expected a value");
	}
}

void json_free(struct json_obj *o)
{
	for (int i = 0; i < o->nkeys; i++)
		free(o->keys[i].own);
	free(o->keys);
	free(o->fields);
	memset(o, 0, sizeof *o);
}

int json_parse_object(char *line, struct json_obj *o, char *err, size_t errlen)
{
	struct jp j = { line, line, o, err, errlen };
	int n = 0;

	o->n = 0;
	o->nkeys = 0;
	o->total = 0;
	ws(&j);
	if (*j.p != '{')
		return fail(&j, "expected a JSON object");
	j.p++;
	ws(&j);
	if (*j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		struct json_field f;
		char *vstart, *at = j.p;

		if (*j.p != '"')
			return drop_keys(&j, 0), fail(&j, "expected a key");
		if (string(&j, 1, &f.key, &f.keylen) || push_key(&j, at, f.key, f.keylen, 0))
			return drop_keys(&j, 0);
		ws(&j);
		if (*j.p != ':')
			return drop_keys(&j, 0), fail(&j, "expected ':'");
		j.p++;
		ws(&j);
		vstart = j.p;
		switch (*j.p) {
		case '"':
			f.type = JSON_STRING;
			if (string(&j, 1, &f.val, &f.vallen))
				return drop_keys(&j, 0);
			break;
		case '{':
		case '[':
			f.type = JSON_RAW;
			if (value(&j, 1))
				return drop_keys(&j, 0);
			break;
		case 't':
		case 'f':
			f.type = JSON_BOOL;
			if (literal(&j, *j.p == 't' ? "true" : "false"))
				return drop_keys(&j, 0);
			break;
		case 'n':
			f.type = JSON_NULL;
			if (literal(&j, "null"))
				return drop_keys(&j, 0);
			break;
		default:
			f.type = JSON_NUMBER;
			if (*j.p != '-' && (*j.p < '0' || *j.p > '9'))
				return drop_keys(&j, 0), fail(&j, "expected a value");
			if (number(&j))
				return drop_keys(&j, 0);
		}
		if (f.type != JSON_STRING) {
			f.val = vstart;
			f.vallen = (size_t)(j.p - vstart);
		}
		if (n == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 16;
			o->fields = xrealloc(o->fields, (size_t)o->cap * sizeof *o->fields);
		}
		o->fields[n++] = f;
		ws(&j);
		if (*j.p == ',') {
			j.p++;
			ws(&j);
			continue;
		}
		if (*j.p == '}') {
			j.p++;
			break;
		}
		return drop_keys(&j, 0), fail(&j, "expected ',' or '}'");
	}
end:
	ws(&j);
	if (*j.p)
		return drop_keys(&j, 0), fail(&j, "text after the object");
	/* a key twice, the last winning, would lose a value unseen */
	if (end_object(&j, 0))
		return -1;
	/* every delimiter is behind us: end each key and value in place */
	for (int k = 0; k < n; k++) {
		o->fields[k].key[o->fields[k].keylen] = '\0';
		o->fields[k].val[o->fields[k].vallen] = '\0';
	}
	o->n = n;
	return 0;
}

int json_check(const char *text, struct json_obj *o, enum json_type *type,
               char *err, size_t errlen)
{
	/* value() only reads: the text is not changed */
	struct jp j = { (char *)text, (char *)text, o, err, errlen };

	o->nkeys = 0;
	o->total = 0;
	ws(&j);
	*type = *j.p == '"' ? JSON_STRING : *j.p == '{' || *j.p == '[' ? JSON_RAW :
	        *j.p == 't' || *j.p == 'f' ? JSON_BOOL : *j.p == 'n' ? JSON_NULL : JSON_NUMBER;
	if (value(&j, 1))
		return -1;
	ws(&j);
	if (*j.p)
		return fail(&j, "text after the value");
	return 0;
}
