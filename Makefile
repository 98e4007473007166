# SPDX-License-Identifier: MIT
# natter — build, test, install. `make run` and `make check` install missing
# build dependencies first (contrib/install-deps) when pkg-config cannot find them.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=
# The version lives in one place, the VERSION file; only main.o is built with it.
VERSION := $(shell cat VERSION 2>/dev/null)
ifeq ($(VERSION),)
$(error natter: the VERSION file is missing or empty)
endif
CC ?= cc
PKG_CONFIG ?= pkg-config

LIBS_PC := ncursesw libsodium sqlite3
TEST_PC := check

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers
DEFS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT ?= -O2 -g
# Recursive (=) so pkg-config runs only when a recipe needs it, after `deps`.
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
PC_LIBS = $(shell $(PKG_CONFIG) --libs $(LIBS_PC))
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PC))
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs $(TEST_PC))
ALL_CFLAGS = $(WARN) $(DEFS) -Inet -Isrc -Iui -Ibuild $(PC_CFLAGS) $(CFLAGS)
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

NET_SRC := $(wildcard net/*.c)
CORE_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
UI_SRC := $(wildcard ui/*.c)
LIB_SRC := $(NET_SRC) $(CORE_SRC) $(UI_SRC)
TEST_SRC := $(wildcard tests/check_*.c)
HDRS := $(wildcard net/*.h src/*.h ui/*.h)

OBJ := $(LIB_SRC:%.c=build/rel/%.o)
SAN_OBJ := $(LIB_SRC:%.c=build/san/%.o)
SAN_TEST_OBJ := $(TEST_SRC:%.c=build/san/%.o)

.PHONY: all check check-run run deps install uninstall clean format unit integration layers \
	dist distcheck

all: natter

build/rel/src/main.o build/san/src/main.o: VERSION
build/rel/src/main.o build/san/src/main.o: ALL_CFLAGS += -DNATTER_VERSION='"$(VERSION)"'

natter: build/rel/src/main.o $(OBJ)
	$(CC) $(ALL_CFLAGS) $(OPT) -o $@ $^ $(PC_LIBS) $(LDFLAGS)

build/rel/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(OPT) -c -o $@ $<

build/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 -g $(SAN) -c -o $@ $<

build/san/tests/%.o: tests/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -O1 -g $(SAN) -c -o $@ $<

build/san/natter: build/san/src/main.o $(SAN_OBJ)
	$(CC) $(SAN) -o $@ $^ $(PC_LIBS) $(LDFLAGS)

# One Check runner for every tests/check_<module>.c, each exporting <module>_suite().
build/suites.h: $(TEST_SRC)
	@mkdir -p build
	@for f in $(TEST_SRC); do m=$${f#tests/check_}; m=$${m%.c}; \
		[ "$$m" = main ] || echo "SUITE($$m)"; done > $@.tmp && mv $@.tmp $@

build/san/tests/check_main.o: build/suites.h

build/san/check_all: $(SAN_TEST_OBJ) $(SAN_OBJ)
	$(CC) $(SAN) -o $@ $^ $(CHECK_LIBS) $(PC_LIBS) $(LDFLAGS)

deps:
	@if ! command -v $(PKG_CONFIG) >/dev/null 2>&1 || \
	    ! $(PKG_CONFIG) --exists $(LIBS_PC) $(TEST_PC) || ! command -v $(CC) >/dev/null 2>&1 || \
	    ! command -v tmux >/dev/null 2>&1; then \
		echo "natter: missing build dependencies; running contrib/install-deps" >&2; \
		contrib/install-deps || { echo "natter: install them with: $$(contrib/install-deps --print | tr '\n' ';')" >&2; exit 1; }; \
	fi

run: deps
	@$(MAKE) --no-print-directory natter
	./natter $(ARGS)

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: layers unit integration bench-smoke fuzz-regress lab-check

layers:
	@sh tests/check-layers.sh

unit: build/san/check_all
	cd tests && ASAN_OPTIONS=detect_leaks=1 ../build/san/check_all

# A tool that speaks natter's own formats links the net/ layer.
build/tools/beaconsim: tests/tools/beaconsim.c $(NET_SRC:%.c=build/san/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 -g $(SAN) -o $@ $^ $(PC_LIBS) $(LDFLAGS)

build/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) -O1 -g -o $@ $<

# The network lab's short set, when root can make namespaces (CI does);
# it says "lab: skipped (...)" otherwise.
lab-check: build/san/natter
	@NATTER=$(CURDIR)/build/san/natter sh tests/lab/check-short.sh

integration: build/san/natter build/tools/tcpflood build/tools/beaconsim
	@NATTER=$(CURDIR)/build/san/natter TOOLS=$(CURDIR)/build/tools sh tests/integration/run.sh

# Section 5 pages (natter.conf.5) are installed when they exist.
MAN1 := $(wildcard man/*.1)
MAN5 := $(wildcard man/*.5)
INSTALLED := $(BINDIR)/natter $(MAN1:man/%=$(MANDIR)/man1/%) $(MAN5:man/%=$(MANDIR)/man5/%) \
	$(USERUNITDIR)/natter.service $(BASHCOMPDIR)/natter $(ZSHCOMPDIR)/_natter

install: natter
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(USERUNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 natter $(DESTDIR)$(BINDIR)/natter
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(MAN5),install -d $(DESTDIR)$(MANDIR)/man5 && install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	sed 's|^ExecStart=/usr/local/bin/|ExecStart=$(BINDIR)/|' contrib/natter.service >$(DESTDIR)$(USERUNITDIR)/natter.service.tmp
	chmod 0644 $(DESTDIR)$(USERUNITDIR)/natter.service.tmp
	mv $(DESTDIR)$(USERUNITDIR)/natter.service.tmp $(DESTDIR)$(USERUNITDIR)/natter.service
	install -m 0644 contrib/completion/natter.bash $(DESTDIR)$(BASHCOMPDIR)/natter
	install -m 0644 contrib/completion/_natter $(DESTDIR)$(ZSHCOMPDIR)/_natter

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# A source tarball of every file git tracks, under natter-VERSION/; outside a
# git checkout (an unpacked tarball), every file but build outputs.
DISTDIR ?= .
DIST_NAME := natter-$(VERSION)

dist:
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/natter-dist.XXXXXX"); trap 'rm -rf "$$tmp"' EXIT; \
	if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
		git ls-files; \
	else \
		find . -type f ! -path './build/*' ! -path './.git/*' ! -path ./natter \
			! -name '*.o' ! -name 'natter-*.tar.gz' ! -path ./bench/results.json | \
			sed 's|^\./||' | LC_ALL=C sort; \
	fi | while IFS= read -r f; do [ ! -f "$$f" ] || printf '%s\n' "$$f"; done >"$$tmp/files"; \
	[ -s "$$tmp/files" ] || { echo "dist: no files to pack" >&2; exit 1; }; \
	mkdir "$$tmp/$(DIST_NAME)"; \
	tar -cf - -T "$$tmp/files" | tar -xf - -C "$$tmp/$(DIST_NAME)"; \
	tar -C "$$tmp" -cf - $(DIST_NAME) | gzip -9n >"$(DISTDIR)/$(DIST_NAME).tar.gz.tmp"; \
	mv "$(DISTDIR)/$(DIST_NAME).tar.gz.tmp" "$(DISTDIR)/$(DIST_NAME).tar.gz"; \
	echo "dist: $(DISTDIR)/$(DIST_NAME).tar.gz ($$(wc -l <"$$tmp/files") files)"

# The tarball builds on its own: unpack it in a temporary folder and build
# natter there; DISTCHECK_FULL=1 runs make check there too.
distcheck:
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/natter-distcheck.XXXXXX"); \
	trap 'chmod -R u+w "$$tmp"; rm -rf "$$tmp"' EXIT; \
	$(MAKE) --no-print-directory dist DISTDIR="$$tmp"; \
	gzip -dc "$$tmp/$(DIST_NAME).tar.gz" | tar -xf - -C "$$tmp"; \
	$(MAKE) --no-print-directory -C "$$tmp/$(DIST_NAME)" natter; \
	[ "$$("$$tmp/$(DIST_NAME)/natter" --version)" = "natter $(VERSION)" ]; \
	if [ -n "$(DISTCHECK_FULL)" ]; then $(MAKE) --no-print-directory -C "$$tmp/$(DIST_NAME)" check; fi; \
	echo "distcheck: $(DIST_NAME).tar.gz builds$(if $(DISTCHECK_FULL), and passes make check,)"

format:
	clang-format -i net/*.[ch] src/*.[ch] $(wildcard ui/*.[ch]) tests/*.c

clean:
	rm -rf build natter

# Benchmarks (make bench) and the network lab (make lab) keep their rules in
# their own folders.
-include bench/bench.mk
-include tests/lab/lab.mk
-include fuzz/fuzz.mk
