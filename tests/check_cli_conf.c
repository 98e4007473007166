/* SPDX-License-Identifier: MIT */
/* cli_conf_apply: the command line beats the environment, which beats the
 * file, for every setting it hands to the node; aliases rename PEER. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "pex.h"

static char dir[64], path[128];
static const char *const vars[] = {
    "NATTER_NICK",  "NATTER_IFACE", "NATTER_GROUP",   "NATTER_PORT",   "NATTER_BIND",
    "NATTER_PEERS", "NATTER_TTL",   "NATTER_TIMEOUT", "NATTER_CONFIG", "NATTER_SHARE_PEERS"};

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/natter-cliconf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, CONF_FILE);
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
}

static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A struct cli as main() leaves it: defaults, and what the command line gave. */
static void cli_init(struct cli *cli)
{
	memset(cli, 0, sizeof *cli);
	cli->timeout_ms = 10000;
	cli->node.home = dir;
	cli->node.port = 7700;
}

START_TEST(command_line_beats_environment_beats_file)
{
	static const char *const cli_ifaces[] = {"lo"};
	static struct cli_conf cc;
	struct cli cli;
	char a[INET_ADDRSTRLEN];
	write_conf("nick = filenick\nport = 7001\niface = eth0, eth1\nbind = 127.0.0.2\n"
		   "timeout = 3\npeer = 127.0.0.1:9\nttl = 1h\nread_receipts = off\n");
	setenv("NATTER_PORT", "7002", 1);
	setenv("NATTER_BIND", "127.0.0.3", 1);
	setenv("NATTER_TTL", "2h", 1);
	cli_init(&cli);
	cli.node.ifaces = cli_ifaces; /* --iface lo */
	cli.node.n_ifaces = 1;
	cli.node.bind.s_addr = htonl(0x7f000001); /* --bind 127.0.0.1 */
	ck_assert_int_eq(
	    cli_conf_apply(&cli, &cc, CONF_BIT(CONF_IFACE) | CONF_BIT(CONF_BIND), NULL, 0, 1), 0);
	ck_assert_str_eq(cli.node.nick, "filenick");   /* file only */
	ck_assert_uint_eq(cli.node.port, 7002);	       /* environment over file */
	ck_assert_ptr_eq(cli.node.ifaces, cli_ifaces); /* command line over file, whole */
	ck_assert_uint_eq(cli.node.n_ifaces, 1);
	ck_assert_str_eq(inet_ntop(AF_INET, &cli.node.bind, a, sizeof a), "127.0.0.1");
	ck_assert_int_eq(cli.timeout_ms, 3000);
	ck_assert_uint_eq(cli.node.n_static_peers, 1);
	ck_assert_uint_eq(ntohs(cli.node.static_peers[0].sin_port), 9);
	ck_assert_int_eq(cli.node.msg_ttl_s, 7200);
	ck_assert_int_eq(cli.node.no_read_receipts, 1);
	ck_assert_ptr_eq(cli.conf, &cc.conf);
}
END_TEST

START_TEST(share_peers_is_off_unless_set_and_the_command_line_wins)
{
	static struct cli_conf cc;
	struct cli cli;
	write_conf("nick = x\n");
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_int_eq(cli.node.share_peers, PEX_OFF);
	write_conf("share_peers = all\n");
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_int_eq(cli.node.share_peers, PEX_ALL);
	setenv("NATTER_SHARE_PEERS", "static", 1);
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_int_eq(cli.node.share_peers, PEX_STATIC);
	cli_init(&cli);
	cli.node.share_peers = PEX_OFF; /* --share-peers=off */
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, CONF_BIT(CONF_SHARE_PEERS), NULL, 0, 1), 0);
	ck_assert_int_eq(cli.node.share_peers, PEX_OFF);
}
END_TEST

START_TEST(the_files_list_reaches_the_node_when_the_command_line_has_none)
{
	static struct cli_conf cc;
	struct cli cli;
	write_conf("iface = lo, 127.0.0.1\n");
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_uint_eq(cli.node.n_ifaces, 2);
	ck_assert_str_eq(cli.node.ifaces[0], "lo");
	ck_assert_str_eq(cli.node.ifaces[1], "127.0.0.1");
}
END_TEST

START_TEST(an_alias_renames_the_peer_of_the_command_line)
{
	static struct cli_conf cc;
	struct cli cli;
	write_conf("alias bob = 06f02171\n");
	cli_init(&cli);
	cli.peer = "bob";
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_str_eq(cli.peer, "06f02171");
	cli_init(&cli);
	cli.peer = "carol";
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), 0);
	ck_assert_str_eq(cli.peer, "carol");
}
END_TEST

START_TEST(a_bad_environment_value_is_a_usage_error)
{
	static struct cli_conf cc;
	struct cli cli;
	setenv("NATTER_GROUP", "10.0.0.1:7701", 1);
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), EX_USAGE_);
}
END_TEST

START_TEST(no_config_skips_the_file_but_not_the_environment)
{
	static struct cli_conf cc;
	struct cli cli;
	write_conf("nick = filenick\n");
	setenv("NATTER_TIMEOUT", "1m", 1);
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 1, 1), 0);
	ck_assert_ptr_null(cli.node.nick);
	ck_assert_int_eq(cli.timeout_ms, 60000);
}
END_TEST

START_TEST(a_named_file_that_is_missing_is_a_usage_error)
{
	static struct cli_conf cc;
	struct cli cli;
	char missing[160];
	snprintf(missing, sizeof missing, "%s/none.conf", dir);
	cli_init(&cli);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, missing, 0, 1), EX_USAGE_);
	setenv("NATTER_CONFIG", missing, 1);
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, NULL, 0, 1), EX_USAGE_);
	/* --config wins over NATTER_CONFIG */
	write_conf("nick = named\n");
	ck_assert_int_eq(cli_conf_apply(&cli, &cc, 0, path, 0, 1), 0);
	ck_assert_str_eq(cli.node.nick, "named");
}
END_TEST

Suite *cli_conf_suite(void);
Suite *cli_conf_suite(void)
{
	Suite *s = suite_create("cli_conf");
	TCase *tc = tcase_create("layers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, command_line_beats_environment_beats_file);
	tcase_add_test(tc, share_peers_is_off_unless_set_and_the_command_line_wins);
	tcase_add_test(tc, the_files_list_reaches_the_node_when_the_command_line_has_none);
	tcase_add_test(tc, an_alias_renames_the_peer_of_the_command_line);
	tcase_add_test(tc, a_bad_environment_value_is_a_usage_error);
	tcase_add_test(tc, no_config_skips_the_file_but_not_the_environment);
	tcase_add_test(tc, a_named_file_that_is_missing_is_a_usage_error);
	suite_add_tcase(s, tc);
	return s;
}
