#!/bin/sh
# bench/export.sh: crm export against floors measured in the same run
# (DESIGN.md sec. 10), on BENCH_EXPORT clients (1000000) made as bench/run
# makes them.  bench/run calls it last; it runs alone as well (after
# make).  Not a test: nothing here fails on a slow figure.
#   xlsx: `crm export xlsx --what clients -o F` against bench/bare_xlsx, the
#         same query's cells written by libxlsxwriter alone: time and peak
#         memory (targets: within 1.2x, under 24 MiB)
#   csv:  `crm export csv > F` against `sqlite3 -csv` running the same
#         query on the same file (target: at most 0.9x its time)
#   start: `crm --version` as built (libxlsxwriter loaded with dlopen)
#         against the same objects linked with libxlsxwriter
set -eu
cd "$(dirname "$0")/.."
top=$PWD
crm=$top/crm
data=$top/bench/data
n=${BENCH_EXPORT:-1000000}
runs=${BENCH_RUNS:-500}
mkdir -p "$data"

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
sec() { awk -v n="$1" 'BEGIN { printf "%.2f s", n / 1e9 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# "NS KIB": the time and the peak resident memory of a command
measure() {
	t0=$(now)
	/usr/bin/time -f %M -o "$data/rss" "$@"
	t1=$(now)
	echo "$((t1 - t0)) $(cat "$data/rss")"
}

# the floor, unless bench/run has just built it
if [ ! -x "$data/bare_xlsx" ] || [ bench/bare_xlsx.c -nt "$data/bare_xlsx" ]; then
	cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$data/bare_xlsx" bench/bare_xlsx.c \
		$(pkg-config --cflags --libs sqlite3 xlsxwriter)
fi

db=$data/export.db
rm -f "$db" "$db"-*
. bench/clients.sh
make_clients "$db" "$n"
echo "crm export bench: $n clients, $(nproc) cores"

# the query crm runs for `export --what clients` with no filter: every
# column of the catalog, archived and forgotten clients aside, in
# client list's order
q="SELECT c.id, c.operator_id, c.name, c.email, c.phone,
 CASE WHEN c.phone_norm GLOB '+*' THEN c.phone_norm END, c.stage, c.status, c.channel,
 c.source_type, c.source_url, c.listing_ref, c.viability, c.automation_enabled,
 c.automation_paused_until, c.ai_mode,
 (SELECT json_group_array(tag) FROM client_tags t WHERE t.client_id = c.id), c.custom,
 c.notes, c.lost_reason, c.next_action_at, c.last_contacted_at, c.last_interaction_at,
 c.created_at, c.updated_at,
 CASE WHEN c.phone IS NOT NULL AND c.phone_norm NOT GLOB '+*'
  THEN 'phone not parsed (kept and matched as typed)' END
 FROM clients c WHERE c.status NOT IN ('archived', 'forgotten')
 ORDER BY c.last_contacted_at NULLS LAST, c.id"

# --- xlsx
rm -f "$data/crm.xlsx" "$data/bare.xlsx"
set -- $(measure "$data/bare_xlsx" "$db" "$data/bare.xlsx" "$q")
t_bare=$1 rss_bare=$2
set -- $(measure "$crm" --db "$db" export xlsx --what clients -o "$data/crm.xlsx")
t_crm=$1 rss_crm=$2
echo "export xlsx of $n clients: crm $(sec "$t_crm") $(mib "$rss_crm"), bare libxlsxwriter $(sec "$t_bare") $(mib "$rss_bare"): $(ratio "$t_crm" "$t_bare")x the bare writer (target <= 1.2x, peak < 24 MiB); files $(wc -c < "$data/crm.xlsx") and $(wc -c < "$data/bare.xlsx") bytes"

# --- csv, the faster of two runs each
best_s=0 best_c=0
for turn in 1 2; do
	t0=$(now); sqlite3 -csv "$db" "$q" > "$data/sqlite3.csv"; t1=$(now)
	t=$((t1 - t0)); { [ "$best_s" = 0 ] || [ "$t" -lt "$best_s" ]; } && best_s=$t
	t0=$(now); "$crm" --db "$db" export csv > "$data/crm.csv"; t1=$(now)
	t=$((t1 - t0)); { [ "$best_c" = 0 ] || [ "$t" -lt "$best_c" ]; } && best_c=$t
done
set -- $(measure "$crm" --db "$db" export csv -o "$data/crm_o.csv")
echo "export csv of $n clients: crm $(sec "$best_c"), sqlite3 -csv $(sec "$best_s"): $(ratio "$best_c" "$best_s")x sqlite3 (target <= 0.9x); -o FILE.csv (--safe-csv) $(sec "$1") $(mib "$2")"

# --- start-up: what linking libxlsxwriter would cost every process
cc -o "$data/crm-linked" build/cmd/*.o build/libcrm.a \
	$(pkg-config --libs sqlite3 yaml-0.1) -Wl,-Bstatic -lutf8proc -Wl,-Bdynamic -lcsv -lm \
	-Wl,--no-as-needed $(pkg-config --libs xlsxwriter)
loop() {   # ns per run of "$@"
	t0=$(now)
	i=0
	while [ $i -lt "$runs" ]; do "$@" >/dev/null; i=$((i + 1)); done
	t1=$(now)
	echo $(((t1 - t0) / runs))
}
for args in --version help; do
	best_d=0 best_l=0
	for turn in 1 2 3; do
		t=$(loop "$crm" $args); { [ "$best_d" = 0 ] || [ "$t" -lt "$best_d" ]; } && best_d=$t
		t=$(loop "$data/crm-linked" $args); { [ "$best_l" = 0 ] || [ "$t" -lt "$best_l" ]; } && best_l=$t
	done
	echo "crm $args, $runs runs, the best of 3: as built (dlopen) $(awk -v n="$best_d" 'BEGIN { printf "%.3f ms", n / 1e6 }'), linked with libxlsxwriter $(awk -v n="$best_l" 'BEGIN { printf "%.3f ms", n / 1e6 }'): $(ratio "$best_l" "$best_d")x; linking would cost $(awk -v a="$best_l" -v b="$best_d" 'BEGIN { printf "%.3f ms", (a - b) / 1e6 }') a process"
done
rm -f "$data/crm-linked"
