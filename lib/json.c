/* json.c: a strict parser of one flat JSON object per line, in place.
 *
 * Strings are unescaped into the line's own bytes (an escape never grows),
 * nested objects and arrays are validated and kept as their raw text, and
 * nothing is allocated but the caller's reused field array. */
#include <string.h>

#include "json.h"

struct jp {
	char *start, *p;
	char *err;
	size_t errlen;
};

static int fail(struct jp *j, const char *what)
{
	snprintf(j->err, j->errlen, "invalid JSON at column %ld: %s",
	         (long)(j->p - j->start) + 1, what);
	return -1;
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
		j->p++;
		ws(j);
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if (*j->p != '"')
					return fail(j, "expected a key");
				if (string(j, 0, NULL, NULL))
					return -1;
				ws(j);
				if (*j->p != ':')
					return fail(j, "expected ':'");
				j->p++;
				ws(j);
			}
			if (value(j, depth + 1))
				return -1;
			ws(j);
			if (*j->p == ',') {
				j->p++;
				ws(j);
				continue;
			}
			if (*j->p == close) {
				j->p++;
				return 0;
			}
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

int json_parse_object(char *line, struct json_field **fields, int *nfields,
                      int *cap, char *err, size_t errlen)
{
	struct jp j = { line, line, err, errlen };
	int n = 0;

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
		char *vstart;

		if (*j.p != '"')
			return fail(&j, "expected a key");
		if (string(&j, 1, &f.key, &f.keylen))
			return -1;
		ws(&j);
		if (*j.p != ':')
			return fail(&j, "expected ':'");
		j.p++;
		ws(&j);
		vstart = j.p;
		switch (*j.p) {
		case '"':
			f.type = JSON_STRING;
			if (string(&j, 1, &f.val, &f.vallen))
				return -1;
			break;
		case '{':
		case '[':
			f.type = JSON_RAW;
			if (value(&j, 1))
				return -1;
			break;
		case 't':
		case 'f':
			f.type = JSON_BOOL;
			if (literal(&j, *j.p == 't' ? "true" : "false"))
				return -1;
			break;
		case 'n':
			f.type = JSON_NULL;
			if (literal(&j, "null"))
				return -1;
			break;
		default:
			f.type = JSON_NUMBER;
			if (*j.p != '-' && (*j.p < '0' || *j.p > '9'))
				return fail(&j, "expected a value");
			if (number(&j))
				return -1;
		}
		if (f.type != JSON_STRING) {
			f.val = vstart;
			f.vallen = (size_t)(j.p - vstart);
		}
		/* the last of duplicate keys wins */
		int k;
		for (k = 0; k < n; k++)
			if ((*fields)[k].keylen == f.keylen &&
			    !memcmp((*fields)[k].key, f.key, f.keylen))
				break;
		if (k == n) {
			if (n == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				*fields = xrealloc(*fields, (size_t)*cap * sizeof **fields);
			}
			n++;
		}
		(*fields)[k] = f;
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
		return fail(&j, "expected ',' or '}'");
	}
end:
	ws(&j);
	if (*j.p)
		return fail(&j, "text after the object");
	/* every delimiter is behind us: end each key and value in place */
	for (int k = 0; k < n; k++) {
		(*fields)[k].key[(*fields)[k].keylen] = '\0';
		(*fields)[k].val[(*fields)[k].vallen] = '\0';
	}
	*nfields = n;
	return 0;
}
