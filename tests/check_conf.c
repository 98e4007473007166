/* SPDX-License-Identifier: MIT */
/* natter.conf and the NATTER_* environment: every key, every bad value, one
 * warning per bad line with its number, durations, lists, the merge of the
 * layers, and where the file is looked for. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "pex.h"
#include "nerr.h"

/* Warnings collected by parse(). */
static char warned[8][512];
static size_t n_warned;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	if (n_warned < 8)
		snprintf(warned[n_warned], sizeof warned[0], "%s", msg);
	n_warned++;
}

static size_t parse(struct conf *c, const char *text)
{
	n_warned = 0;
	memset(warned, 0, sizeof warned);
	conf_defaults(c);
	size_t w = conf_parse(c, "natter.conf", text, strlen(text), collect, NULL);
	ck_assert_uint_eq(w, n_warned);
	return w;
}

static int has_warning(const char *needle)
{
	for (size_t i = 0; i < n_warned && i < 8; i++)
		if (strstr(warned[i], needle))
			return 1;
	return 0;
}

START_TEST(defaults_are_the_documented_ones)
{
	struct conf c;
	char group[INET_ADDRSTRLEN];
	conf_defaults(&c);
	ck_assert_uint_eq(c.set, 0);
	ck_assert_str_eq(c.nick, "");
	ck_assert_uint_eq(c.n_ifaces, 0);
	ck_assert_str_eq(inet_ntop(AF_INET, &c.group, group, sizeof group), "239.255.78.84");
	ck_assert_uint_eq(c.group_port, 7701);
	ck_assert_uint_eq(c.port, 7700);
	ck_assert_uint_eq(c.bind.s_addr, htonl(INADDR_ANY));
	ck_assert_uint_eq(c.n_peers, 0);
	ck_assert_int_eq(c.read_receipts, 1);
	ck_assert_int_eq(c.bell, 1);
	ck_assert_int_eq(c.color, CONF_COLOR_AUTO);
	ck_assert_int_eq(c.ttl_s, 0);
	ck_assert_int_eq(c.timeout_ms, 10000);
}
END_TEST

START_TEST(every_key_is_read_and_marked_set)
{
	struct conf c;
	char a[INET_ADDRSTRLEN];
	ck_assert_uint_eq(parse(&c, "nick = alice\n"
				    "iface = lo\n"
				    "group = 239.255.1.2:7800\n"
				    "port = 0\n"
				    "bind = 127.0.0.1\n"
				    "peer = 127.0.0.1:7702\n"
				    "alias bob = 06f02171\n"
				    "bell = off\n"
				    "read_receipts = no\n"
				    "color = never\n"
				    "ttl = 7d\n"
				    "timeout = 2.5\n"
				    "color_error = magenta\n"
				    "share_peers = static\n"),
			  0);
	ck_assert_uint_eq(c.set, (1u << CONF_NKEYS) - 1);
	ck_assert_str_eq(c.nick, "alice");
	ck_assert_uint_eq(c.n_ifaces, 1);
	ck_assert_str_eq(c.ifaces[0], "lo");
	ck_assert_str_eq(inet_ntop(AF_INET, &c.group, a, sizeof a), "239.255.1.2");
	ck_assert_uint_eq(c.group_port, 7800);
	ck_assert_uint_eq(c.port, 0);
	ck_assert_str_eq(inet_ntop(AF_INET, &c.bind, a, sizeof a), "127.0.0.1");
	ck_assert_uint_eq(c.n_peers, 1);
	ck_assert_str_eq(inet_ntop(AF_INET, &c.peers[0].sin_addr, a, sizeof a), "127.0.0.1");
	ck_assert_uint_eq(ntohs(c.peers[0].sin_port), 7702);
	ck_assert_int_eq(c.peers[0].sin_family, AF_INET);
	ck_assert_str_eq(conf_alias_target(&c, "bob"), "06f02171");
	ck_assert_int_eq(c.bell, 0);
	ck_assert_int_eq(c.read_receipts, 0);
	ck_assert_int_eq(c.color, CONF_COLOR_NEVER);
	ck_assert_int_eq(c.ttl_s, 7 * 86400);
	ck_assert_int_eq(c.timeout_ms, 2500);
	ck_assert_int_eq(c.element_fg[CONF_EL_ERROR], 5);
	ck_assert_int_eq(c.share_peers, PEX_STATIC);
}
END_TEST

START_TEST(share_peers_is_off_by_default_and_takes_off_static_all_only)
{
	struct conf c;
	char why[256] = "";
	conf_defaults(&c);
	ck_assert_int_eq(c.share_peers, PEX_OFF);
	ck_assert_int_eq(conf_set(&c, "share_peers", NULL, "ALL", why, sizeof why), 0);
	ck_assert_int_eq(c.share_peers, PEX_ALL);
	ck_assert_int_eq(conf_set(&c, "share_peers", NULL, "off", why, sizeof why), 0);
	ck_assert_int_eq(c.share_peers, PEX_OFF);
	c.share_peers = PEX_STATIC;
	ck_assert_int_eq(conf_set(&c, "share_peers", NULL, "yes", why, sizeof why), NERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(why, "expected off, static or all"));
	ck_assert_int_eq(c.share_peers, PEX_STATIC);
}
END_TEST

START_TEST(element_colours_take_names_numbers_and_a_background)
{
	struct conf c;
	conf_defaults(&c);
	for (int i = 0; i < CONF_NELEMENTS; i++)
		ck_assert(c.element_fg[i] == CONF_COLOR_OWN && c.element_bg[i] == CONF_COLOR_OWN);
	ck_assert_uint_eq(parse(&c, "color_bar = White on 17\ncolor_activity = 208\n"
				    "color_info = default\ncolor_mark = green  on  default\n"),
			  0);
	ck_assert_int_eq(c.element_fg[CONF_EL_BAR], 7);
	ck_assert_int_eq(c.element_bg[CONF_EL_BAR], 17);
	ck_assert_int_eq(c.element_fg[CONF_EL_ACTIVITY], 208);
	ck_assert_int_eq(c.element_bg[CONF_EL_ACTIVITY], CONF_COLOR_OWN); /* fg alone */
	ck_assert_int_eq(c.element_fg[CONF_EL_INFO], CONF_COLOR_TERM);
	ck_assert_int_eq(c.element_fg[CONF_EL_MARK], 2);
	ck_assert_int_eq(c.element_bg[CONF_EL_MARK], CONF_COLOR_TERM);
	ck_assert_int_eq(c.element_fg[CONF_EL_ERROR], CONF_COLOR_OWN);
}
END_TEST

START_TEST(booleans_and_colors_take_their_spellings)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "bell = No\nread_receipts = TRUE\ncolor = Always\n"), 0);
	ck_assert_int_eq(c.bell, 0);
	ck_assert_int_eq(c.read_receipts, 1);
	ck_assert_int_eq(c.color, CONF_COLOR_ALWAYS);
	ck_assert_uint_eq(parse(&c, "bell = 0\nbell = yes\ncolor = auto\n"), 0);
	ck_assert_int_eq(c.bell, 1); /* the later line wins */
	ck_assert_int_eq(c.color, CONF_COLOR_AUTO);
}
END_TEST

/* Each bad value: one warning on its line, the key left at its default and
 * not marked set. */
static const struct {
	const char *line;
	enum conf_key key;
	const char *says;
} bad_values[] = {
    {"nick =", CONF_NICK, "bad nick \"\": expected 1 to 32 bytes"},
    {"nick = 123456789012345678901234567890123", CONF_NICK, "bad nick"},
    {"nick = a\x01"
     "b",
     CONF_NICK, "bad nick"},
    {"nick = \xff\xfe", CONF_NICK, "bad nick"},
    {"iface = lo,,eth0", CONF_IFACE, "bad iface \"lo,,eth0\": expected an interface"},
    {"iface = lo, eth 0", CONF_IFACE, "\"eth 0\" is not an interface name"},
    {"iface = ,", CONF_IFACE, "bad iface"},
    {"group = 10.0.0.1:7701", CONF_GROUP, "expected a multicast IPv4 ADDR:PORT"},
    {"group = 239.255.1.2", CONF_GROUP, "bad group"},
    {"group = 239.255.1.2:0", CONF_GROUP, "bad group"},
    {"group = 239.255.1.2:65536", CONF_GROUP, "bad group"},
    {"port = 65536", CONF_PORT, "bad port \"65536\": expected 0..65535"},
    {"port = -1", CONF_PORT, "bad port"},
    {"port = 7700x", CONF_PORT, "bad port"},
    {"port = ", CONF_PORT, "bad port"},
    {"bind = ::1", CONF_BIND, "bad bind \"::1\": expected an IPv4 address"},
    {"bind = 1.2.3", CONF_BIND, "bad bind"},
    {"peer = 127.0.0.1", CONF_PEER, "is not IPv4-ADDRESS:PORT"},
    {"peer = host:1", CONF_PEER, "bad peer"},
    {"peer = 127.0.0.1:7700, 127.0.0.1:0", CONF_PEER, "\"127.0.0.1:0\" is not"},
    {"alias = bob", CONF_ALIAS, "expected alias NAME = PEER"},
    {"alias bob =", CONF_ALIAS, "expected a nick or a fingerprint prefix"},
    {"alias bob = 06f02171 but longer than thirty-two bytes", CONF_ALIAS, "bad alias bob"},
    {"bell = maybe", CONF_BELL, "bad bell \"maybe\": expected on or off; ignored"},
    {"read_receipts = 2", CONF_READ_RECEIPTS, "bad read_receipts"},
    {"color = blue", CONF_COLOR, "expected auto, always or never"},
    {"color_bar = purple", CONF_ELEMENT_COLORS, "bad color_bar \"purple\": expected a colour"},
    {"color_bar = white on", CONF_ELEMENT_COLORS, "bad color_bar"},
    {"color_info = 256", CONF_ELEMENT_COLORS, "bad color_info"},
    {"color_mark = red over blue", CONF_ELEMENT_COLORS, "bad color_mark"},
    {"color_error = red on blue on", CONF_ELEMENT_COLORS, "bad color_error"},
    {"color_activity =", CONF_ELEMENT_COLORS, "bad color_activity"},
    {"ttl = 7y", CONF_TTL, "bad ttl \"7y\": expected a duration"},
    {"ttl = 0.5s", CONF_TTL, "at least 1s"},
    {"ttl = 11000d", CONF_TTL, "bad ttl"},
    {"ttl = -1d", CONF_TTL, "bad ttl"},
    {"timeout = -1", CONF_TIMEOUT, "bad timeout \"-1\": expected seconds"},
    {"timeout = 10 s", CONF_TIMEOUT, "bad timeout"},
    {"timeout = 366d", CONF_TIMEOUT, "bad timeout"},
};

START_TEST(a_bad_value_warns_once_on_its_line_and_keeps_the_default)
{
	struct conf c, d;
	char text[256];
	/* a good line after it, of another key, still applies */
	const char *next = bad_values[_i].key == CONF_BELL ? "port = 1\n" : "bell = off\n";
	snprintf(text, sizeof text, "# line 1\n\n%s\n%s", bad_values[_i].line, next);
	ck_assert_uint_eq(parse(&c, text), 1);
	ck_assert_msg(strncmp(warned[0], "natter.conf:3: ", 15) == 0, "%s", warned[0]);
	ck_assert_msg(strstr(warned[0], bad_values[_i].says), "%s: %s", bad_values[_i].line,
		      warned[0]);
	ck_assert_uint_eq(c.set & CONF_BIT(bad_values[_i].key), 0);
	ck_assert_uint_eq(parse(&d, next), 0);
	ck_assert_msg(memcmp(&c, &d, sizeof c) == 0, "%s changed a setting", bad_values[_i].line);
}
END_TEST

START_TEST(a_bad_list_item_leaves_the_earlier_lines_list_whole)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "iface = lo\niface = eth0, \n"), 1);
	ck_assert_uint_eq(c.n_ifaces, 1);
	ck_assert_str_eq(c.ifaces[0], "lo");
}
END_TEST

START_TEST(unknown_keys_warn_with_a_suggestion_when_one_is_close)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "colour = never\nbelll = off\nread-receipts = off\n"
				    "volume = 11\nnick name = x\nalias\tbob carol = x\nNICK = a\n"),
			  7);
	ck_assert_str_eq(warned[0],
			 "natter.conf:1: unknown key \"colour\" (did you mean \"color\"?)");
	ck_assert_str_eq(warned[1],
			 "natter.conf:2: unknown key \"belll\" (did you mean \"bell\"?)");
	ck_assert_str_eq(warned[2], "natter.conf:3: unknown key \"read-receipts\" (did you mean "
				    "\"read_receipts\"?)");
	ck_assert_str_eq(warned[3], "natter.conf:4: unknown key \"volume\"");
	ck_assert_str_eq(warned[4], "natter.conf:5: unknown key \"nick name\"");
	ck_assert(has_warning("natter.conf:6: bad alias bob carol"));
	ck_assert_str_eq(warned[6], "natter.conf:7: unknown key \"NICK\" (did you mean \"nick\"?)");
	ck_assert_uint_eq(c.set, 0);
	ck_assert_int_eq(c.color, CONF_COLOR_AUTO);
}
END_TEST

START_TEST(line_numbers_count_comments_blank_lines_and_crlf)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "# settings\r\n\r\n  bell = off  # quiet\r\n\n"
				    "no equals here\r\n= on\n\t\tport = x"),
			  3);
	ck_assert_str_eq(warned[0], "natter.conf:5: expected key = value");
	ck_assert_str_eq(warned[1], "natter.conf:6: expected key = value");
	ck_assert(strncmp(warned[2], "natter.conf:7: bad port \"x\"", 27) == 0);
	ck_assert_int_eq(c.bell, 0);
}
END_TEST

START_TEST(a_hash_starts_a_comment_only_at_the_start_or_after_a_space)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "nick = a#b # the nick\n#port = 1\n"), 0);
	ck_assert_str_eq(c.nick, "a#b");
	ck_assert_uint_eq(c.set, CONF_BIT(CONF_NICK));
}
END_TEST

START_TEST(double_quotes_keep_spaces_in_a_value)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "nick = \" al ice \"\n"), 0);
	ck_assert_str_eq(c.nick, " al ice ");
}
END_TEST

START_TEST(an_overlong_line_or_a_nul_byte_is_skipped_with_a_warning)
{
	struct conf c;
	char text[CONF_LINE_MAX + 64];
	memset(text, ' ', sizeof text);
	memcpy(text, "nick = x", 8);
	memcpy(text + CONF_LINE_MAX + 1, "\nbell = off\n", 13);
	ck_assert_uint_eq(parse(&c, text), 1);
	ck_assert_str_eq(warned[0], "natter.conf:1: line too long; ignored");
	ck_assert_uint_eq(c.set, CONF_BIT(CONF_BELL));

	n_warned = 0;
	conf_defaults(&c);
	ck_assert_uint_eq(conf_parse(&c, "f", "nick = a\0b\nbell = off", 21, collect, NULL), 1);
	ck_assert_str_eq(warned[0], "f:1: a NUL byte; line ignored");
	ck_assert_uint_eq(c.set, CONF_BIT(CONF_BELL));
}
END_TEST

START_TEST(lists_take_commas_and_repeated_lines_add_up)
{
	struct conf c;
	char a[INET_ADDRSTRLEN];
	ck_assert_uint_eq(parse(&c, "iface = lo, 127.0.0.1\niface=eth0\n"
				    "peer = 127.0.0.1:1,localhost:2\npeer = 10.0.0.2:3\n"),
			  0);
	ck_assert_uint_eq(c.n_ifaces, 3);
	ck_assert_str_eq(c.ifaces[0], "lo");
	ck_assert_str_eq(c.ifaces[1], "127.0.0.1");
	ck_assert_str_eq(c.ifaces[2], "eth0");
	ck_assert_uint_eq(c.n_peers, 3);
	ck_assert_str_eq(inet_ntop(AF_INET, &c.peers[1].sin_addr, a, sizeof a), "127.0.0.1");
	ck_assert_uint_eq(ntohs(c.peers[1].sin_port), 2);
	ck_assert_uint_eq(ntohs(c.peers[2].sin_port), 3);
}
END_TEST

START_TEST(a_list_over_its_limit_is_refused_whole)
{
	struct conf c;
	char text[512] = "iface = ";
	for (int i = 0; i < CONF_IFACES_MAX; i++)
		strcat(text, i ? ",i" : "i");
	strcat(text, "\niface = one_more\n");
	ck_assert_uint_eq(parse(&c, text), 1);
	ck_assert(has_warning("natter.conf:2: bad iface \"one_more\": too many"));
	ck_assert_uint_eq(c.n_ifaces, CONF_IFACES_MAX);
}
END_TEST

START_TEST(an_alias_named_twice_takes_the_later_target)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "alias bob = robert\nalias ops = 0123456789abcdef0123\n"
				    "alias bob = bobby\n"),
			  0);
	ck_assert_uint_eq(c.n_aliases, 2);
	ck_assert_str_eq(conf_alias_target(&c, "bob"), "bobby");
	ck_assert_str_eq(conf_alias_target(&c, "ops"), "0123456789abcdef0123");
	ck_assert_ptr_null(conf_alias_target(&c, "Bob"));
	ck_assert_ptr_null(conf_alias_target(&c, "bobby"));
}
END_TEST

static const struct {
	const char *s;
	int64_t ms; /* -1: refused */
} durations[] = {
    {"0", 0},
    {"10", 10000},
    {"2.5", 2500},
    {"0.001", 1},
    {"45s", 45000},
    {"90m", 5400000},
    {"12h", 43200000},
    {"7d", 604800000},
    {"2w", 1209600000},
    {"1h30m", 5400000},
    {"1d12h", 129600000},
    {"1.5h", 5400000},
    {"", -1},
    {"s", -1},
    {"10x", -1},
    {"1h30", -1},
    {"h1", -1},
    {"-5", -1},
    {"+5", -1},
    {"1 h", -1},
    {" 1h", -1},
    {"1..5", -1},
    {".5", 500},
    {"5.", 5000},
    {"1e3", -1},
    {"9999999999999999", -1},
    {"400d", -1}, /* over the limit the test passes */
};

START_TEST(durations_take_seconds_or_number_unit_pairs)
{
	int64_t ms = 42;
	int r = conf_parse_duration(durations[_i].s, 365LL * 86400 * 1000, &ms);
	if (durations[_i].ms < 0) {
		ck_assert_msg(r == -1, "\"%s\" accepted", durations[_i].s);
		ck_assert_int_eq(ms, 42);
	} else {
		ck_assert_msg(r == 0, "\"%s\" refused", durations[_i].s);
		ck_assert_int_eq(ms, durations[_i].ms);
	}
}
END_TEST

START_TEST(ttl_never_or_off_means_no_expiry)
{
	struct conf c;
	ck_assert_uint_eq(parse(&c, "ttl = 1d\nttl = never\n"), 0);
	ck_assert_int_eq(c.ttl_s, 0);
	ck_assert(c.set & CONF_BIT(CONF_TTL));
	ck_assert_uint_eq(parse(&c, "ttl = 36h\n"), 0);
	ck_assert_int_eq(c.ttl_s, 36 * 3600);
	ck_assert_uint_eq(parse(&c, "ttl = off\n"), 0);
	ck_assert_int_eq(c.ttl_s, 0);
}
END_TEST

/* A fake environment. */
static const char *const *fake_env;

static const char *fake_get(const char *name)
{
	for (size_t i = 0; fake_env[i]; i += 2)
		if (strcmp(fake_env[i], name) == 0)
			return fake_env[i + 1];
	return NULL;
}

START_TEST(the_environment_sets_the_same_keys)
{
	static const char *const env[] = {"NATTER_NICK",
					  "envnick",
					  "NATTER_IFACE",
					  "lo,127.0.0.1",
					  "NATTER_GROUP",
					  "239.255.9.9:9999",
					  "NATTER_PORT",
					  "0",
					  "NATTER_BIND",
					  "127.0.0.1",
					  "NATTER_PEERS",
					  "127.0.0.1:1, 127.0.0.1:2",
					  "NATTER_TTL",
					  "2d",
					  "NATTER_TIMEOUT",
					  "3",
					  "NATTER_SHARE_PEERS",
					  "all",
					  "NATTER_HOME",
					  "/ignored",
					  NULL};
	struct conf c;
	char why[256] = "";
	fake_env = env;
	conf_defaults(&c);
	ck_assert_int_eq(conf_from_env(&c, fake_get, why, sizeof why), 0);
	ck_assert_uint_eq(c.set, CONF_BIT(CONF_NICK) | CONF_BIT(CONF_IFACE) | CONF_BIT(CONF_GROUP) |
				     CONF_BIT(CONF_PORT) | CONF_BIT(CONF_BIND) |
				     CONF_BIT(CONF_PEER) | CONF_BIT(CONF_TTL) |
				     CONF_BIT(CONF_TIMEOUT) | CONF_BIT(CONF_SHARE_PEERS));
	ck_assert_str_eq(c.nick, "envnick");
	ck_assert_uint_eq(c.n_ifaces, 2);
	ck_assert_uint_eq(c.group_port, 9999);
	ck_assert_uint_eq(c.port, 0);
	ck_assert_uint_eq(c.n_peers, 2);
	ck_assert_int_eq(c.ttl_s, 2 * 86400);
	ck_assert_int_eq(c.timeout_ms, 3000);
	ck_assert_int_eq(c.share_peers, PEX_ALL);
}
END_TEST

START_TEST(an_empty_environment_variable_is_unset)
{
	static const char *const env[] = {"NATTER_NICK", "", "NATTER_PORT", "", NULL};
	struct conf c;
	char why[256] = "";
	fake_env = env;
	conf_defaults(&c);
	ck_assert_int_eq(conf_from_env(&c, fake_get, why, sizeof why), 0);
	ck_assert_uint_eq(c.set, 0);
}
END_TEST

START_TEST(a_bad_environment_value_is_an_error_naming_the_variable)
{
	static const char *const env[] = {"NATTER_NICK", "ok", "NATTER_PORT", "99999", NULL};
	static const char *const env2[] = {"NATTER_PEERS", "127.0.0.1:1,,", NULL};
	struct conf c;
	char why[256] = "";
	fake_env = env;
	conf_defaults(&c);
	ck_assert_int_eq(conf_from_env(&c, fake_get, why, sizeof why), NERR_FORMAT);
	ck_assert_str_eq(why, "bad NATTER_PORT \"99999\": expected 0..65535");
	fake_env = env2;
	ck_assert_int_eq(conf_from_env(&c, fake_get, why, sizeof why), NERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(why, "bad NATTER_PEERS \"127.0.0.1:1,,\""));
}
END_TEST

START_TEST(overlay_takes_what_the_upper_layer_set_and_lists_whole)
{
	struct conf file, env;
	ck_assert_uint_eq(parse(&file, "nick = filenick\niface = eth0, eth1\nport = 7000\n"
				       "bell = off\n"),
			  0);
	conf_defaults(&env);
	ck_assert_int_eq(conf_set(&env, "iface", NULL, "lo", NULL, 0), 0);
	ck_assert_int_eq(conf_set(&env, "nick", NULL, "envnick", NULL, 0), 0);
	conf_overlay(&file, &env);
	ck_assert_str_eq(file.nick, "envnick");
	ck_assert_uint_eq(file.n_ifaces, 1); /* replaced, not appended */
	ck_assert_str_eq(file.ifaces[0], "lo");
	ck_assert_uint_eq(file.port, 7000); /* the environment did not set it */
	ck_assert_int_eq(file.bell, 0);
	ck_assert_uint_eq(file.set, CONF_BIT(CONF_NICK) | CONF_BIT(CONF_IFACE) |
					CONF_BIT(CONF_PORT) | CONF_BIT(CONF_BELL));
}
END_TEST

START_TEST(three_layers_merge_command_line_over_environment_over_file)
{
	struct conf merged, env, cmdline;
	parse(&merged, "nick = f\nport = 1\ntimeout = 1\nttl = 1d\n");
	conf_defaults(&env);
	ck_assert_int_eq(conf_set(&env, "nick", NULL, "e", NULL, 0), 0);
	ck_assert_int_eq(conf_set(&env, "port", NULL, "2", NULL, 0), 0);
	conf_defaults(&cmdline);
	ck_assert_int_eq(conf_set(&cmdline, "nick", NULL, "c", NULL, 0), 0);
	conf_overlay(&merged, &env);
	conf_overlay(&merged, &cmdline);
	ck_assert_str_eq(merged.nick, "c");	   /* all three: the command line */
	ck_assert_uint_eq(merged.port, 2);	   /* file and environment */
	ck_assert_int_eq(merged.timeout_ms, 1000); /* file only */
	ck_assert_int_eq(merged.ttl_s, 86400);
	ck_assert_int_eq(merged.bell, 1); /* nobody: the default */
}
END_TEST

START_TEST(overlay_of_an_empty_layer_changes_nothing)
{
	struct conf file, before, env;
	parse(&file, "nick = n\npeer = 127.0.0.1:5\nttl = 1h\n");
	before = file;
	conf_defaults(&env);
	conf_overlay(&file, &env);
	ck_assert_int_eq(memcmp(&file, &before, sizeof file), 0);
}
END_TEST

START_TEST(conf_set_names_an_unknown_key_and_changes_nothing)
{
	struct conf c, d;
	char why[128];
	conf_defaults(&c);
	d = c;
	ck_assert_int_eq(conf_set(&c, "colour", NULL, "never", why, sizeof why), NERR_NOTFOUND);
	ck_assert_str_eq(why, "unknown key \"colour\" (did you mean \"color\"?)");
	ck_assert_int_eq(conf_set(&c, "port", "x", "1", why, sizeof why), NERR_NOTFOUND);
	ck_assert_str_eq(why, "unknown key \"port x\"");
	ck_assert_int_eq(memcmp(&c, &d, sizeof c), 0);
}
END_TEST

START_TEST(the_file_is_looked_for_in_the_home_or_the_xdg_config_dir)
{
	static const char *const xdg[] = {"XDG_CONFIG_HOME", "/x/cfg", "HOME", "/h", NULL};
	static const char *const rel[] = {"XDG_CONFIG_HOME", "cfg", "HOME", "/h", NULL};
	static const char *const none[] = {NULL};
	char p[256];
	fake_env = xdg;
	ck_assert_int_eq(conf_path_default(p, sizeof p, "/home/dir", 1, fake_get), 0);
	ck_assert_str_eq(p, "/home/dir/natter.conf");
	ck_assert_int_eq(conf_path_default(p, sizeof p, "/home/dir", 0, fake_get), 0);
	ck_assert_str_eq(p, "/x/cfg/natter/natter.conf");
	fake_env = rel; /* a relative XDG_CONFIG_HOME is ignored, as the spec says */
	ck_assert_int_eq(conf_path_default(p, sizeof p, "/home/dir", 0, fake_get), 0);
	ck_assert_str_eq(p, "/h/.config/natter/natter.conf");
	fake_env = none;
	ck_assert_int_eq(conf_path_default(p, sizeof p, "/home/dir", 0, fake_get), -1);
	fake_env = xdg;
	ck_assert_int_eq(conf_path_default(p, 10, "/home/dir", 0, fake_get), -1);
}
END_TEST

START_TEST(conf_load_reads_a_file_and_names_it_as_shown)
{
	char dir[] = "/tmp/natter-conf-XXXXXX", path[64];
	struct conf c;
	char why[256];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, CONF_FILE);
	conf_defaults(&c);
	ck_assert_int_eq(conf_load(&c, path, "~/shown", collect, NULL, why, sizeof why),
			 NERR_NOTFOUND);
	ck_assert_uint_eq(c.set, 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("nick = filed\nbel = on\n", f);
	fclose(f);
	n_warned = 0;
	ck_assert_int_eq(conf_load(&c, path, "~/shown", collect, NULL, why, sizeof why), 0);
	ck_assert_str_eq(c.nick, "filed");
	ck_assert_uint_eq(n_warned, 1);
	ck_assert_str_eq(warned[0], "~/shown:2: unknown key \"bel\" (did you mean \"bell\"?)");
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *conf_suite(void);
Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("keys");
	tcase_add_test(tc, defaults_are_the_documented_ones);
	tcase_add_test(tc, every_key_is_read_and_marked_set);
	tcase_add_test(tc, booleans_and_colors_take_their_spellings);
	tcase_add_test(tc, element_colours_take_names_numbers_and_a_background);
	tcase_add_test(tc, an_alias_named_twice_takes_the_later_target);
	tcase_add_test(tc, ttl_never_or_off_means_no_expiry);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad values");
	tcase_add_loop_test(tc, a_bad_value_warns_once_on_its_line_and_keeps_the_default, 0,
			    (int)(sizeof bad_values / sizeof bad_values[0]));
	tcase_add_test(tc, a_bad_list_item_leaves_the_earlier_lines_list_whole);
	tcase_add_test(tc, conf_set_names_an_unknown_key_and_changes_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("syntax");
	tcase_add_test(tc, unknown_keys_warn_with_a_suggestion_when_one_is_close);
	tcase_add_test(tc, line_numbers_count_comments_blank_lines_and_crlf);
	tcase_add_test(tc, a_hash_starts_a_comment_only_at_the_start_or_after_a_space);
	tcase_add_test(tc, double_quotes_keep_spaces_in_a_value);
	tcase_add_test(tc, an_overlong_line_or_a_nul_byte_is_skipped_with_a_warning);
	suite_add_tcase(s, tc);
	tc = tcase_create("lists");
	tcase_add_test(tc, lists_take_commas_and_repeated_lines_add_up);
	tcase_add_test(tc, a_list_over_its_limit_is_refused_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("durations");
	tcase_add_loop_test(tc, durations_take_seconds_or_number_unit_pairs, 0,
			    (int)(sizeof durations / sizeof durations[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("layers");
	tcase_add_test(tc, the_environment_sets_the_same_keys);
	tcase_add_test(tc, share_peers_is_off_by_default_and_takes_off_static_all_only);
	tcase_add_test(tc, an_empty_environment_variable_is_unset);
	tcase_add_test(tc, a_bad_environment_value_is_an_error_naming_the_variable);
	tcase_add_test(tc, overlay_takes_what_the_upper_layer_set_and_lists_whole);
	tcase_add_test(tc, three_layers_merge_command_line_over_environment_over_file);
	tcase_add_test(tc, overlay_of_an_empty_layer_changes_nothing);
	tcase_add_test(tc, the_file_is_looked_for_in_the_home_or_the_xdg_config_dir);
	tcase_add_test(tc, conf_load_reads_a_file_and_names_it_as_shown);
	suite_add_tcase(s, tc);
	return s;
}
