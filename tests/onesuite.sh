#!/bin/sh
# SPDX-License-Identifier: MIT
# Build and run one Check suite alone under ASan/UBSan, without the rest of the
# tree: tests/onesuite.sh MODULE SOURCE.c...   (e.g. tests/onesuite.sh noise net/noise.c)
# Handy while other modules are mid-edit; `make check` runs everything.
set -eu
cd "$(dirname "$0")/.."
m=$1; shift
out=build/one/$m
mkdir -p "$out"
echo "SUITE($m)" > "$out/suites.h"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Inet -Isrc -Iui -I"$out" -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	$(pkg-config --cflags check libsodium sqlite3) \
	-o "$out/run" tests/check_main.c "tests/check_$m.c" net/nbuf.c net/nerr.c net/ncrypto.c "$@" \
	$(pkg-config --libs check libsodium sqlite3)
cd tests && "../$out/run"
