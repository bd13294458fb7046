# crm: `make` builds ./crm; `make check` runs every test; `make demo` runs the
# end-to-end scenario on a scratch database; `make fuzz` runs the libFuzzer
# targets of tests/fuzz/ for a while each.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

BUILD   ?= build
OUT     ?= crm
OPT     ?= -O2 -g
CFLAGS  ?=
WARN    = -Wall -Wextra -Werror -std=c11 -D_POSIX_C_SOURCE=200809L
PKGS    = sqlite3 yaml-0.1 libutf8proc libcrypto xlsxwriter

# A missing library names the Debian package that brings it.
ifeq ($(filter clean help deps demo uninstall,$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --version 2>/dev/null),)
$(foreach p,sqlite3:libsqlite3-dev yaml-0.1:libyaml-dev libutf8proc:libutf8proc-dev libcrypto:libssl-dev xlsxwriter:libxlsxwriter-dev libcurl:libcurl4-openssl-dev,\
  $(if $(shell pkg-config --exists $(word 1,$(subst :, ,$(p))) && echo y),,\
    $(error missing library $(word 1,$(subst :, ,$(p))): install the Debian package $(word 2,$(subst :, ,$(p))) (or run .ci/deps))))
else
$(error pkg-config not found: install the Debian package pkg-config (or run .ci/deps))
endif
ifeq ($(wildcard /usr/include/csv.h /usr/local/include/csv.h),)
$(error missing library libcsv: install the Debian package libcsv-dev (or run .ci/deps))
endif
ifeq ($(wildcard /usr/include/phonenumbers/phonenumberutil.h /usr/local/include/phonenumbers/phonenumberutil.h),)
$(error missing library libphonenumber: install the Debian package libphonenumber-dev (or run .ci/deps))
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libutf8proc is linked from its archive (libutf8proc-dev ships it): one
# shared object less to map and relocate at every start, and `crm
# --version` starts as fast as it did without it (make bench)
PKG_LIBS   := $(shell pkg-config --libs sqlite3 yaml-0.1 2>/dev/null) \
              -Wl,-Bstatic $(shell pkg-config --libs libutf8proc 2>/dev/null) -Wl,-Bdynamic \
              -lcsv -lm
# OpenSSL's libcrypto (HMAC-SHA256 and RAND_bytes for do-not-contact, the
# webhook's signature) is loaded by lib/crypto.c with dlopen, by the file name its libssl-dev links
# to, when a hash is first needed: linked, or from its archive, its
# relocations cost every process 1 to 2 ms at start (make bench).
CRYPTO_SO := $(notdir $(realpath $(shell pkg-config --variable=libdir libcrypto 2>/dev/null)/libcrypto.so))
$(BUILD)/lib/crypto.o: ALL_CFLAGS += -DCRM_LIBCRYPTO='"$(or $(CRYPTO_SO),libcrypto.so.3)"'
# libcurl (crm sync push) likewise, by lib/push.c, only when a push sends.
# (by its SONAME: libcurl.so names a file of the minor version)
CURL_SO := $(shell objdump -p $(shell pkg-config --variable=libdir libcurl 2>/dev/null)/libcurl.so \
	2>/dev/null | sed -n 's/^ *SONAME *//p')
$(BUILD)/lib/push.o: ALL_CFLAGS += -DCRM_LIBCURL='"$(or $(CURL_SO),libcurl.so.4)"' \
	$(shell pkg-config --cflags libcurl 2>/dev/null)
# libxlsxwriter (crm export xlsx) likewise, by lib/print_xlsx.c: linked, it
# and zlib cost every process about a millisecond at start (bench/export.sh
# says how it was measured).
XLSX_SO := $(notdir $(realpath $(shell pkg-config --variable=libdir xlsxwriter 2>/dev/null)/libxlsxwriter.so))
$(BUILD)/lib/print_xlsx.o: ALL_CFLAGS += -DCRM_LIBXLSXWRITER='"$(or $(XLSX_SO),libxlsxwriter.so.4)"'

ALL_CFLAGS = $(WARN) $(OPT) $(PKG_CFLAGS) -Ilib -MMD -MP $(CFLAGS)

PHONE_SO = $(BUILD)/crm-phone.so
LIB_SRC = $(sort $(wildcard lib/*.c))
CMD_SRC = $(sort $(wildcard cmd/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/schema.o
CMD_OBJ = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)

MAN_PAGES = $(sort $(wildcard man/*.1 man/*.5))

# Fuzzing: one target per tests/fuzz/*.c, built with clang into build-fuzz/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_FLAGS   ?=
FUZZ_ALL     = $(sort $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all check test unit bats sanitize lint demo bench install uninstall clean deps
.PHONY: fuzz fuzz-build

all: $(OUT) $(PHONE_SO)

$(OUT): $(CMD_OBJ) $(BUILD)/libcrm.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libcrm.a $(PKG_LIBS) $(LDFLAGS)

# Phones are parsed by Google's libphonenumber (C++) in a shared object
# of its own, which crm loads with dlopen the first time it needs it
# (lib/phone.c says where it looks): linking the library would cost every
# process the start-up of ICU and protobuf.
$(BUILD)/lib/phone.o: ALL_CFLAGS += -DCRM_LIBDIR='"$(PREFIX)/lib/crm"'
$(PHONE_SO): lib/phonenumber.cc
	@mkdir -p $(dir $@)
	$(CXX) -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -lphonenumber

$(BUILD)/libcrm.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# schema.sql is compiled into the binary, so crm works from any folder.
$(BUILD)/schema.c: schema.sql
	@mkdir -p $(dir $@)
	{ echo '/* generated from schema.sql by make; do not edit */'; \
	  echo 'const char crm_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' schema.sql; \
	  echo ';'; } > $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libcrm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcrm.a $(PKG_LIBS) $(LDFLAGS)

unit: $(UNIT_BIN) $(PHONE_SO)
	@for t in $(UNIT_BIN); do echo "unit: $$t"; $$t || exit 1; done

# every bats file at once, one a core (tests/run-bats); BATS_FILES picks some
BATS_FILES ?=
bats: $(OUT) $(PHONE_SO)
	CRM_BIN_DIR=$(CURDIR)/$(dir $(OUT)) tests/run-bats $(BATS_FILES)

lint:
	mandoc -Tlint -Wwarning $(MAN_PAGES)
	bash -n completions/crm.bash

# The whole suite, then again under AddressSanitizer and UBSan; each stage
# says how long it took.
check: all
	@start=$$(date +%s); \
	tests/stage unit $(MAKE) --no-print-directory unit && \
	tests/stage lint $(MAKE) --no-print-directory lint && \
	tests/stage bats $(MAKE) --no-print-directory bats && \
	tests/stage sanitize $(MAKE) --no-print-directory sanitize && \
	tests/stage demo sh -c 'tests/demo.sh ./crm >/dev/null' && \
	echo "== check: every stage passed in $$(( $$(date +%s) - start )) s"

# LeakSanitizer scans no thread's TLS (use_tls=0): scanning the dynamic
# TLS of crm-phone.so's C++ libraries, loaded with dlopen, crashes its
# tracer (signal 11) under bats.  crm keeps no heap pointer in TLS.
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:exitcode=86 \
	LSAN_OPTIONS=use_tls=0:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87

sanitize:
	$(MAKE) BUILD=build-san OUT=build-san/crm OPT="-O1 -g -fno-omit-frame-pointer" \
	  CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" build-san/crm build-san/crm-phone.so
	$(SAN_ENV) $(MAKE) BUILD=build-san OUT=build-san/crm OPT="-O1 -g -fno-omit-frame-pointer" \
	  CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" unit
	$(SAN_ENV) CRM_BIN_DIR=$(CURDIR)/build-san tests/run-bats $(BATS_FILES)

test: check

# The library with coverage hooks; each target links libFuzzer's main.
fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "missing $(FUZZ_CC): install the Debian packages clang and libclang-rt-14-dev" >&2; exit 1; }
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -g -fno-omit-frame-pointer" \
	  CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  LDFLAGS="-fsanitize=fuzzer $(FUZZ_SAN)" \
	  build-fuzz/crm-phone.so $(addprefix build-fuzz/fuzz/,$(FUZZ_TARGETS))

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/libcrm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libcrm.a $(PKG_LIBS) $(LDFLAGS)

# Each target for FUZZ_SECONDS on a scratch copy of its seeds (the
# committed corpus does not fill with generated inputs), FUZZ_JOBS at a
# time; then one line per target, and a failure if any crashed.  The
# targets' scratch files go to build-fuzz/tmp, where a crash leaves them.
fuzz: fuzz-build
	@rm -rf build-fuzz/run build-fuzz/tmp
	-@$(MAKE) -s -k -j$(FUZZ_JOBS) $(addprefix fuzz-run-,$(FUZZ_TARGETS))
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  cat build-fuzz/run/$$t.summary 2>/dev/null || { echo "$$t: did not run"; fail=1; }; \
	  grep -q ', crash' build-fuzz/run/$$t.summary 2>/dev/null && fail=1; \
	done; exit $$fail

fuzz-run-%: build-fuzz/fuzz/%
	@rm -rf build-fuzz/corpus/$* build-fuzz/artifacts/$*
	@mkdir -p build-fuzz/corpus/$* build-fuzz/artifacts/$* build-fuzz/run build-fuzz/tmp
	@if [ -d tests/fuzz/corpus/$* ]; then cp tests/fuzz/corpus/$*/* build-fuzz/corpus/$*/; fi
	@echo "fuzz: $* for $(FUZZ_SECONDS)s"
	@TMPDIR=$(CURDIR)/build-fuzz/tmp UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1} \
	  build-fuzz/fuzz/$* \
	  -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -artifact_prefix=build-fuzz/artifacts/$*/ \
	  $(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) $(FUZZ_FLAGS) \
	  build-fuzz/corpus/$* > build-fuzz/run/$*.log 2>&1; \
	rc=$$?; \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/run/$*.log | tail -1); \
	rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' build-fuzz/run/$*.log | tail -1); \
	art=$$(ls build-fuzz/artifacts/$* | grep -v '^slow-unit-' | head -1); \
	if [ -n "$$art" ]; then what="crash: build-fuzz/artifacts/$*/$$art (log: build-fuzz/run/$*.log)"; \
	elif [ $$rc -ne 0 ]; then what="crash: exit $$rc, no artifact (log: build-fuzz/run/$*.log)"; \
	else what="no crash"; fi; \
	echo "$*: $${execs:-0} execs, $${rate:-0} exec/s, $$what" > build-fuzz/run/$*.summary

deps:
	.ci/deps

demo: deps
	$(MAKE) all
	tests/demo.sh ./crm

bench: all
	bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(OUT) $(DESTDIR)$(BINDIR)/crm
	install -d $(DESTDIR)$(PREFIX)/lib/crm
	install -m 0644 $(PHONE_SO) $(DESTDIR)$(PREFIX)/lib/crm/crm-phone.so
	install -m 0644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 completions/crm.bash $(DESTDIR)$(BASHCOMPDIR)/crm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/crm $(DESTDIR)$(BASHCOMPDIR)/crm
	rm -f $(DESTDIR)$(PREFIX)/lib/crm/crm-phone.so
	-rmdir $(DESTDIR)$(PREFIX)/lib/crm 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(wildcard man/*.5)))

clean:
	rm -rf build build-san build-fuzz crm

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
