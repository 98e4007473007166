# SPDX-License-Identifier: MIT
# The network lab (tests/lab/README.md), included by the top Makefile.
#   make lab          every scenario, with a table (about 4 minutes; root)
#   make lab-short    the short set that `make check` may run (under a minute)
#   make lab LAB_ARGS="--only d-new-address --keep"
#   make lab LAB_NATTER=natter    the release build instead of the sanitizer one
# Needs root (network namespaces), iproute2 and iptables; lab-deps installs
# iptables when missing (apt-get, as root) or says what to install.

LAB_NATTER ?= build/san/natter
LAB_ARGS ?=

.PHONY: lab lab-short lab-deps

lab: deps lab-deps
	@$(MAKE) --no-print-directory $(LAB_NATTER)
	@NATTER=$(CURDIR)/$(LAB_NATTER) bash tests/lab/run.sh $(LAB_ARGS)

lab-short: deps lab-deps
	@$(MAKE) --no-print-directory $(LAB_NATTER)
	@NATTER=$(CURDIR)/$(LAB_NATTER) sh tests/lab/check-short.sh

lab-deps:
	@sh tests/lab/deps.sh
