/* gen_events: print N contact events as JSON Lines for `crm comm log -`.
 * usage: gen_events N NCLIENTS */
#include <stdlib.h>

#include "events.h"

int main(int argc, char **argv)
{
	long long n = argc > 1 ? atoll(argv[1]) : 1000000;
	long long nclients = argc > 2 ? atoll(argv[2]) : 100000;
	struct bench_event e;

	for (long long i = 0; i < n; i++) {
		bench_event(i, nclients, &e);
		printf("{\"client_id\":%lld,\"channel\":\"%s\",\"direction\":\"%s\","
		       "\"kind\":\"%s\",\"status\":\"%s\",\"subject\":\"%s\","
		       "\"body\":\"%s\",\"at\":\"%s\",\"external_id\":\"%s\"}\n",
		       e.client_id, e.channel, e.direction, e.kind, e.status,
		       e.subject, e.body, e.at, e.external_id);
	}
	return 0;
}
