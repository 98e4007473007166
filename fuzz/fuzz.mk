# SPDX-License-Identifier: MIT
# libFuzzer targets, one per parser (fuzz/fuzz_<name>.c), each compiled with the
# net/ and src/ sources it exercises. Included from the top Makefile.
#   make fuzz-build               build them all into build/fuzz/
#   make fuzz [FUZZ_SECONDS=30]   run each on a copy of its seed corpus
#   make fuzz-smoke               run each for 5 s (for make check)
#   make fuzz-seeds               regenerate fuzz/corpus/ from fuzz/gen_seeds.c
# Without clang's libFuzzer runtime these say what to install and exit 0.

FUZZ_CC ?= clang
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 30
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_PC := libsodium sqlite3
FUZZ_TARGETS := beacon wire frame noise utf8 text conf logfmt
FUZZ_DIR := build/fuzz
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

# Debug builds: assertions stay (no NDEBUG), every sanitizer report is fatal.
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-Inet -Isrc -Ifuzz $(shell $(PKG_CONFIG) --cflags $(FUZZ_PC))
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs $(FUZZ_PC))

FUZZ_SRC_beacon := net/beacon.c net/nbuf.c net/ncrypto.c net/nerr.c net/utf8.c
FUZZ_SRC_wire := net/wire.c net/nbuf.c net/nerr.c net/utf8.c
FUZZ_SRC_frame := net/frame.c net/nbuf.c net/ncrypto.c net/nerr.c
FUZZ_SRC_noise := net/noise.c net/nbuf.c net/ncrypto.c net/nerr.c
FUZZ_SRC_utf8 := net/utf8.c net/nbuf.c net/nerr.c
FUZZ_SRC_text := src/text.c net/utf8.c net/nbuf.c net/nerr.c
FUZZ_SRC_conf := src/conf.c net/nerr.c
# (fuzz/corpus/logfmt is written by hand, not by gen_seeds.)
FUZZ_SRC_logfmt := src/logfmt.c src/text.c net/utf8.c net/nbuf.c net/nerr.c
FUZZ_SRC_gen := net/beacon.c net/wire.c net/frame.c net/noise.c net/nbuf.c net/ncrypto.c \
	net/nerr.c net/utf8.c
# conf.c checks nicks with net/utf8.c.
FUZZ_SRC_conf += net/utf8.c net/nbuf.c
# and share_peers with src/pex.c (which checks addresses with net/wire.c).
FUZZ_SRC_conf += src/pex.c net/wire.c

# Succeeds when FUZZ_CC can link a libFuzzer target with the sanitizers and
# pkg-config knows the libraries.
FUZZ_PROBE = mkdir -p $(FUZZ_DIR) && command -v $(FUZZ_CC) >/dev/null 2>&1 && \
	$(PKG_CONFIG) --exists $(FUZZ_PC) 2>/dev/null && \
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' | \
	$(FUZZ_CC) $(FUZZ_SAN) -x c - -o $(FUZZ_DIR)/.probe >/dev/null 2>&1
FUZZ_SKIP = { echo "fuzz: need clang with the libFuzzer and sanitizer runtimes, and libsodium and sqlite3 for pkg-config."; \
	echo "fuzz: Debian/Ubuntu: apt-get install clang libclang-rt-dev pkg-config libsodium-dev libsqlite3-dev"; \
	echo "fuzz:   (the same on Debian 12 by version: clang-14 libclang-rt-14-dev)"; \
	echo "fuzz: Fedora: dnf install clang compiler-rt; Arch: pacman -S clang compiler-rt"; \
	echo "fuzz: skipped"; }

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-seeds fuzz-bins fuzz-regress

define FUZZ_RULE
$(FUZZ_DIR)/fuzz_$(1): fuzz/fuzz_$(1).c fuzz/fuzz.h $$(FUZZ_SRC_$(1)) $$(wildcard net/*.h src/*.h)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ fuzz/fuzz_$(1).c $$(FUZZ_SRC_$(1)) $$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULE,$(t))))

fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	@if $(FUZZ_PROBE); then $(MAKE) --no-print-directory fuzz-bins; else $(FUZZ_SKIP); fi

fuzz:
	@if $(FUZZ_PROBE); then $(MAKE) --no-print-directory fuzz-bins && \
		sh fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS); else $(FUZZ_SKIP); fi

fuzz-smoke:
	@if $(FUZZ_PROBE); then $(MAKE) --no-print-directory fuzz-bins && \
		sh fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS); else $(FUZZ_SKIP); fi

# The generator needs no fuzzer runtime: any C compiler with libsodium.
$(FUZZ_DIR)/gen_seeds: fuzz/gen_seeds.c fuzz/fuzz.h $(FUZZ_SRC_gen) $(wildcard net/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Inet -Isrc -Ifuzz \
		$(shell $(PKG_CONFIG) --cflags libsodium) -o $@ fuzz/gen_seeds.c $(FUZZ_SRC_gen) \
		$(shell $(PKG_CONFIG) --libs libsodium)

fuzz-seeds: $(FUZZ_DIR)/gen_seeds
	rm -rf fuzz/corpus/beacon fuzz/corpus/wire fuzz/corpus/frame fuzz/corpus/noise \
		fuzz/corpus/utf8 fuzz/corpus/text fuzz/corpus/conf
	$(FUZZ_DIR)/gen_seeds fuzz/corpus

# Regression: every seed once, deterministic (no mutation): part of make check.
fuzz-regress:
	@if $(FUZZ_PROBE); then $(MAKE) --no-print-directory fuzz-bins && \
		for t in $(FUZZ_TARGETS); do \
			$(FUZZ_DIR)/fuzz_$$t -runs=0 fuzz/corpus/$$t >$(FUZZ_DIR)/$$t.regress.log 2>&1 || \
			{ echo "fuzz: $$t failed on its seeds; see $(FUZZ_DIR)/$$t.regress.log"; exit 1; }; \
		done && echo "fuzz: every target ran its seed corpus cleanly"; else $(FUZZ_SKIP); fi
