/* events.h: the benchmark's contact events, the same for the JSONL
 * generator and the bare insert: event i is a function of i alone. */
#ifndef BENCH_EVENTS_H
#define BENCH_EVENTS_H

#include <stdio.h>

struct bench_event {
	long long client_id;
	const char *channel, *direction, *kind, *status;
	char subject[64], body[160], at[32], external_id[32];
};

static const char *const bench_words[] = {
	"hello", "saw", "your", "listing", "flat", "house", "near", "the",
	"beach", "price", "visit", "buyer", "interested", "rooms", "garden",
	"terrace", "week", "call", "agency", "owner",
};

static void bench_event(long long i, long long nclients, struct bench_event *e)
{
	static const char *const channels[] = { "email", "form", "fb" };
	static const char *const kinds[] = { "email_sent", "form_submitted", "fb_message_sent" };
	unsigned long long h = (unsigned long long)i * 2654435761ULL + 12345;
	long long secs = (long long)(h % (90ULL * 86400));
	int c = (int)(i % 3), in = i % 10 == 0;
	size_t o = 0;

	e->client_id = 1 + (long long)((unsigned long long)i * 7919ULL % (unsigned long long)nclients);
	e->channel = channels[c];
	e->direction = in ? "in" : "out";
	e->kind = in ? (c == 0 ? "email" : c == 1 ? "form" : "fb_message") : kinds[c];
	e->status = in ? "received" : "sent";
	snprintf(e->subject, sizeof e->subject, "Your listing ID-%lld", 10000 + i % 90000);
	for (int w = 0; o < 100; w++) {
		const char *word = bench_words[(h >> (w % 40)) % 20 + 0 * w];
		o += (size_t)snprintf(e->body + o, sizeof e->body - o, "%s%s", w ? " " : "", word);
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
	}
	snprintf(e->at, sizeof e->at, "2026-%02lld-%02lldT%02lld:%02lld:%02lldZ",
	         8 + secs / (30 * 86400), 1 + secs / 86400 % 30, secs / 3600 % 24,
	         secs / 60 % 60, secs % 60);
	snprintf(e->external_id, sizeof e->external_id, "bench-%lld", i);
}

#endif
