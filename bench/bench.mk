# SPDX-License-Identifier: MIT
# make bench [QUICK=1]: natter's figures beside the limits of this machine
# (see docs/performance.md). Included by the top Makefile.
#
#   make bench               full run (a few minutes), table + bench/results.json
#   make bench QUICK=1       short run, under a minute
#   make bench-peers         install mosquitto and libmosquitto-dev (apt-get) for
#                            the peer column; without them it says "skipped"
#   make bench-tools         only build the measuring programs (build/bench/)
#   make bench-smoke         one run of tiny counts, in make check: every figure
#                            must still come out (tests/check-bench.sh)
#   make bench BENCH_NATTER=/path/to/natter   measure another build
#
# Only bench-smoke runs in `make check`, and it times nothing: a benchmark is
# not a timed test.

BENCH_DIR := build/bench
BENCH_NATTER ?= $(CURDIR)/natter
BENCH_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# Recursive, like the top Makefile's: pkg-config runs only when a recipe needs it.
BENCH_PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags libsodium sqlite3)
BENCH_PC_LIBS = $(shell $(PKG_CONFIG) --libs libsodium sqlite3)
BENCH_TOOLS := $(BENCH_DIR)/nb_ctl $(BENCH_DIR)/nb_tcp $(BENCH_DIR)/nb_crypto \
	$(BENCH_DIR)/nb_sqlite $(BENCH_DIR)/nb_fsync $(BENCH_DIR)/nb_beacons
# Build ./natter first unless another binary is named.
BENCH_NATTER_DEP := $(if $(filter $(CURDIR)/natter,$(BENCH_NATTER)),natter)

.PHONY: bench bench-tools bench-peers bench-smoke

$(BENCH_DIR)/nb_%: bench/nb_%.c bench/nb_common.h
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) $(BENCH_PC_CFLAGS) -o $@ $< $(BENCH_PC_LIBS)

# nb_sqlite makes its files with natter's own store (src/store.c), so that
# they always have the schema natter migrates to.
$(BENCH_DIR)/nb_sqlite: bench/nb_sqlite.c bench/nb_common.h src/store.c src/store.h net/nerr.c \
		net/nerr.h
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -Isrc -Inet $(BENCH_PC_CFLAGS) -o $@ bench/nb_sqlite.c src/store.c \
		net/nerr.c $(BENCH_PC_LIBS)

$(BENCH_DIR)/nb_mqtt: bench/nb_mqtt.c bench/nb_common.h
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -pthread $(BENCH_PC_CFLAGS) $(shell $(PKG_CONFIG) --cflags libmosquitto) \
		-o $@ $< $(shell $(PKG_CONFIG) --libs libmosquitto) -pthread

# The peer client only where libmosquitto is installed.
bench-tools: $(BENCH_TOOLS)
	@if $(PKG_CONFIG) --exists libmosquitto; then \
		$(MAKE) --no-print-directory $(BENCH_DIR)/nb_mqtt; else rm -f $(BENCH_DIR)/nb_mqtt; fi

bench: $(BENCH_NATTER_DEP) bench-tools
	@NATTER=$(BENCH_NATTER) BENCH_BIN=$(CURDIR)/$(BENCH_DIR) QUICK=$(QUICK) \
		BENCH_JSON=$(CURDIR)/bench/results.json bash bench/bench.sh

# In make check: one run of tiny counts gives every figure (tests/check-bench.sh).
bench-smoke: build/san/natter bench-tools
	@sh tests/check-bench.sh $(CURDIR)/build/san/natter $(CURDIR)/$(BENCH_DIR)

bench-peers:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y mosquitto libmosquitto-dev && \
	echo "bench-peers: done; make bench now measures mosquitto too, with a broker of its own" \
		"on 127.0.0.1 (a system mosquitto service, if any, is left as it is)"
