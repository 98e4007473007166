/* SPDX-License-Identifier: MIT */
/* The slash commands: the table says name, arguments and help; each handler
 * gets the rest of the line and prints into the current window. */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "sanitize.h"
#include "ui.h"

#define CMD_WORD_MAX 256 /* bytes of a PEER argument */

struct cmd_entry {
	const char *name;
	const char *args;
	const char *help;
	void (*fn)(struct ui *ui, const char *args);
};

static void cmd_msg(struct ui *ui, const char *args);
static void cmd_query(struct ui *ui, const char *args);
static void cmd_close(struct ui *ui, const char *args);
static void cmd_peers(struct ui *ui, const char *args);
static void cmd_nick(struct ui *ui, const char *args);
static void cmd_away(struct ui *ui, const char *args);
static void cmd_back(struct ui *ui, const char *args);
static void cmd_me(struct ui *ui, const char *args);
static void cmd_verify(struct ui *ui, const char *args);
static void cmd_trust(struct ui *ui, const char *args);
static void cmd_alias(struct ui *ui, const char *args);
static void cmd_history(struct ui *ui, const char *args);
static void cmd_outbox(struct ui *ui, const char *args);
static void cmd_cancel(struct ui *ui, const char *args);
static void cmd_clear(struct ui *ui, const char *args);
static void cmd_help(struct ui *ui, const char *args);
static void cmd_quit(struct ui *ui, const char *args);

static const struct cmd_entry cmd_table[] = {
    {"msg", "PEER TEXT", "send TEXT to PEER (opens its window, stays here)", cmd_msg},
    {"query", "PEER", "open the conversation window with PEER and go there", cmd_query},
    {"close", "", "close the current conversation window", cmd_close},
    {"peers", "", "list known peers with presence", cmd_peers},
    {"nick", "NAME", "change your nick (announced to peers)", cmd_nick},
    {"away", "[REASON]", "mark yourself away, with an optional reason", cmd_away},
    {"back", "", "you are back", cmd_back},
    {"me", "ACTION", "send an action (\"* you ACTION\") to this window's peer", cmd_me},
    {"verify", "[PEER]", "show the safety number to compare with PEER", cmd_verify},
    {"trust", "[PEER]", "mark PEER's key verified once the numbers match", cmd_trust},
    {"alias", "PEER [NAME]", "name PEER locally as NAME (no NAME: remove the alias)", cmd_alias},
    {"history", "[N]", "reload the last N messages (default 200) into this window", cmd_history},
    {"outbox", "", "list your messages not yet delivered, with their ids", cmd_outbox},
    {"cancel", "ID", "withdraw a message not yet delivered (ID: 8+ hex digits from /outbox)",
     cmd_cancel},
    {"clear", "", "empty this window", cmd_clear},
    {"help", "[COMMAND]", "list commands and keys, or explain one command", cmd_help},
    {"quit", "", "leave natter", cmd_quit},
};

#define CMD_N (sizeof cmd_table / sizeof cmd_table[0])

size_t cmd_count(void)
{
	return CMD_N;
}

const char *cmd_name(size_t i)
{
	return i < CMD_N ? cmd_table[i].name : "";
}

static const char *cmd_skip_space(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* Split the first word off s into word (cap bytes); the rest, spaces
 * skipped. NULL when the word does not fit. */
static const char *cmd_word(const char *s, char *word, size_t cap)
{
	s = cmd_skip_space(s);
	size_t n = strcspn(s, " ");
	if (n >= cap)
		return NULL;
	memcpy(word, s, n);
	word[n] = '\0';
	return cmd_skip_space(s + n);
}

static const struct cmd_entry *cmd_find(const char *name, size_t len)
{
	for (size_t i = 0; i < CMD_N; i++)
		if (strlen(cmd_table[i].name) == len &&
		    strncasecmp(cmd_table[i].name, name, len) == 0)
			return &cmd_table[i];
	return NULL;
}

static void cmd_usage(struct ui *ui, const struct cmd_entry *c)
{
	ui_error(ui, NULL, "usage: /%s%s%s", c->name, c->args[0] ? " " : "", c->args);
}

void cmd_run(struct ui *ui, const char *line)
{
	size_t n = strcspn(line, " ");
	const struct cmd_entry *c = cmd_find(line, n);
	if (!c) {
		char safe[64];
		sanitize_text(line, n < 40 ? n : 40, safe, sizeof safe, 0);
		ui_error(ui, NULL, "unknown command /%s (see /help)", safe);
		return;
	}
	c->fn(ui, cmd_skip_space(line + n));
}

/* The peer named by the first word of args, else the current window's peer
 * when args is empty and allow_current is set. 0 and fp, or -1 (reported). */
static int cmd_peer_arg(struct ui *ui, const char *args, int allow_current,
			char fp[static NATTER_FP_LEN + 1], const char **rest, const char *cmd)
{
	char word[CMD_WORD_MAX];
	const char *r = cmd_word(args, word, sizeof word);
	if (!r) {
		ui_error(ui, NULL, "/%s: PEER is too long", cmd);
		return -1;
	}
	if (rest)
		*rest = r;
	if (!word[0]) {
		struct winlist_win *w = ui_current(ui);
		if (!allow_current || !w->fp[0]) {
			ui_error(ui, NULL, "/%s: name a PEER (see /help %s)", cmd, cmd);
			return -1;
		}
		memcpy(fp, w->fp, NATTER_FP_LEN + 1);
		return 0;
	}
	return ui_resolve(ui, word, fp);
}

static void cmd_msg(struct ui *ui, const char *args)
{
	char fp[NATTER_FP_LEN + 1];
	const char *text;
	if (cmd_peer_arg(ui, args, 0, fp, &text, "msg") != 0)
		return;
	if (!*text) {
		cmd_usage(ui, cmd_find("msg", 3));
		return;
	}
	struct winlist_win *w = ui_query(ui, fp, 0);
	if (!w)
		return;
	ui_send(ui, w, text, strlen(text));
	if (w != ui_current(ui)) {
		char safe[96];
		size_t n = fmt_fit(text, strlen(text), 60, NULL);
		sanitize_text(text, n, safe, sizeof safe, 0);
		ui_info(ui, NULL, "[msg to %s] %s%s", w->name, safe, n < strlen(text) ? "..." : "");
	}
}

static void cmd_query(struct ui *ui, const char *args)
{
	char fp[NATTER_FP_LEN + 1];
	const char *rest;
	if (cmd_peer_arg(ui, args, 0, fp, &rest, "query") != 0)
		return;
	if (*rest) {
		cmd_usage(ui, cmd_find("query", 5));
		return;
	}
	(void)ui_query(ui, fp, 1);
}

static void cmd_close(struct ui *ui, const char *args)
{
	if (*args) {
		cmd_usage(ui, cmd_find("close", 5));
		return;
	}
	if (ui->wins.cur == 0) {
		ui_error(ui, NULL, "the status window stays open; /quit leaves natter");
		return;
	}
	ui_close(ui, ui->wins.cur);
}

static void cmd_peers(struct ui *ui, const char *args)
{
	(void)args;
	ui_list_peers(ui, NULL);
}

static void cmd_outbox(struct ui *ui, const char *args)
{
	struct natter_msg *v = NULL;
	size_t n = 0;
	if (*args) {
		cmd_usage(ui, cmd_find("outbox", 6));
		return;
	}
	if (natter_outbox(ui->nt, &v, &n) != 0) {
		ui_error(ui, NULL, "/outbox: cannot read the outbox");
		return;
	}
	if (n == 0)
		ui_info(ui, NULL, "the outbox is empty: every message was delivered");
	else
		ui_info(ui, NULL, "%zu message%s not yet delivered (/cancel ID withdraws one):", n,
			n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		struct natter_peer p;
		char name[FMT_NAME_MAX], when[17], safe[96];
		if (natter_peer(ui->nt, v[i].peer_fp, &p) == 0)
			fmt_peer_name(&p, name, sizeof name);
		else
			fmt_short_fp(v[i].peer_fp, name);
		fmt_when(v[i].ts_ms, natter_now_ms(), when);
		size_t fit = fmt_fit(v[i].text, v[i].text_len, 40, NULL);
		sanitize_text(v[i].text, fit, safe, sizeof safe, 0);
		ui_info(ui, NULL, "  %.12s  to %s, %s, %s: %s%s", v[i].id, name, when,
			v[i].state == NATTER_SENT	? "sent, no answer yet"
			: v[i].state == NATTER_QUEUED ? "queued"
			: v[i].state == NATTER_EXPIRED ? "expired (the peer will skip it)"
						       : "cancelled (the peer will skip it)",
			safe, fit < v[i].text_len ? "..." : "");
	}
	natter_msgs_free(v, n);
}

static void cmd_cancel(struct ui *ui, const char *args)
{
	char id[NATTER_ID_LEN + 1];
	const char *why = "";
	if (!*args || strchr(args, ' ')) {
		cmd_usage(ui, cmd_find("cancel", 6));
		return;
	}
	if (natter_cancel(ui->nt, args, id, &why) != 0) {
		ui_error(ui, NULL, "/cancel: %s", why);
		return;
	}
	ui_info(ui, NULL, "message %.12s withdrawn: it will not be delivered", id);
}

static void cmd_nick(struct ui *ui, const char *args)
{
	if (!*args) {
		cmd_usage(ui, cmd_find("nick", 4));
		return;
	}
	if (natter_set_nick(ui->nt, args) != 0) {
		ui_error(ui, NULL, "bad nick: 1 to %d bytes of text, no control characters",
			 NATTER_NICK_MAX);
		return;
	}
	char self[FMT_NAME_MAX];
	ui_self_name(ui, self, sizeof self);
	ui_info(ui, NULL, "you are now known as %s", self);
	ui_dirty(ui, UI_DIRTY_STATUS | UI_DIRTY_INPUT | UI_DIRTY_TITLE);
}

static void cmd_away(struct ui *ui, const char *args)
{
	if (strlen(args) > NATTER_AWAY_MAX) {
		ui_error(ui, NULL, "/away: the reason is longer than %d bytes", NATTER_AWAY_MAX);
		return;
	}
	if (natter_set_away(ui->nt, args) != 0) {
		ui_error(ui, NULL, "/away: the reason must be text without control characters");
		return;
	}
	char safe[NATTER_AWAY_MAX * 3 + 1];
	sanitize_text(args, strlen(args), safe, sizeof safe, 0);
	ui->away = 1;
	ui_info(ui, NULL, "you are away%s%s", *args ? ": " : "", safe);
	ui_dirty(ui, UI_DIRTY_STATUS);
}

static void cmd_back(struct ui *ui, const char *args)
{
	if (*args) {
		cmd_usage(ui, cmd_find("back", 4));
		return;
	}
	if (natter_set_away(ui->nt, NULL) != 0) {
		ui_error(ui, NULL, "/back failed");
		return;
	}
	ui->away = 0;
	ui_info(ui, NULL, "you are back");
	ui_dirty(ui, UI_DIRTY_STATUS);
}

static void cmd_me(struct ui *ui, const char *args)
{
	struct winlist_win *w = ui_current(ui);
	if (!*args) {
		cmd_usage(ui, cmd_find("me", 2));
		return;
	}
	if (!w->fp[0]) {
		ui_error(ui, NULL, "not a conversation window; /query PEER first");
		return;
	}
	size_t len = strlen(args);
	char *text = malloc(len + 5);
	if (!text) {
		ui_error(ui, NULL, "out of memory");
		return;
	}
	memcpy(text, "/me ", 4);
	memcpy(text + 4, args, len + 1);
	ui_send(ui, w, text, len + 4);
	free(text);
}

static void cmd_verify(struct ui *ui, const char *args)
{
	char fp[NATTER_FP_LEN + 1], num[72], name[FMT_NAME_MAX];
	struct natter_peer p;
	const char *rest;
	if (cmd_peer_arg(ui, args, 1, fp, &rest, "verify") != 0)
		return;
	if (natter_safety_number(ui->nt, fp, num) != 0 || natter_peer(ui->nt, fp, &p) != 0) {
		ui_error(ui, NULL, "/verify: no safety number for that peer");
		return;
	}
	fmt_peer_name(&p, name, sizeof name);
	ui_info(ui, NULL, "safety number with %s [%.8s]: %s", name, fp, num);
	if (p.verified)
		ui_info(ui, NULL, "%s is verified", name);
	else
		ui_info(ui, NULL,
			"%s is NOT verified: compare the number with %s in person or on "
			"a call, then /trust %.8s",
			name, name, fp);
}

static void cmd_trust(struct ui *ui, const char *args)
{
	char fp[NATTER_FP_LEN + 1], name[FMT_NAME_MAX];
	struct natter_peer p;
	const char *rest;
	if (cmd_peer_arg(ui, args, 1, fp, &rest, "trust") != 0)
		return;
	if (natter_trust(ui->nt, fp) != 0) {
		ui_error(ui, NULL, "/trust failed");
		return;
	}
	if (natter_peer(ui->nt, fp, &p) == 0) {
		fmt_peer_name(&p, name, sizeof name);
		int i = winlist_find(&ui->wins, fp);
		if (i > 0) {
			ui->wins.w[i]->peer = p;
			ui->wins.w[i]->have_peer = 1;
		}
	} else {
		snprintf(name, sizeof name, "%.8s", fp);
	}
	ui_info(ui, NULL, "%s [%.8s] is now verified", name, fp);
	ui_dirty(ui, UI_DIRTY_TITLE);
}

static void cmd_alias(struct ui *ui, const char *args)
{
	char fp[NATTER_FP_LEN + 1], name[FMT_NAME_MAX];
	struct natter_peer p;
	const char *alias;
	if (!*args) {
		cmd_usage(ui, cmd_find("alias", 5));
		return;
	}
	if (cmd_peer_arg(ui, args, 0, fp, &alias, "alias") != 0)
		return;
	if (natter_set_alias(ui->nt, fp, alias) != 0) {
		ui_error(ui, NULL, "/alias: bad name (1 to %d bytes, no control characters)",
			 NATTER_NICK_MAX);
		return;
	}
	if (natter_peer(ui->nt, fp, &p) != 0)
		return;
	fmt_peer_name(&p, name, sizeof name);
	int i = winlist_find(&ui->wins, fp);
	if (i > 0) {
		ui->wins.w[i]->peer = p;
		ui->wins.w[i]->have_peer = 1;
		snprintf(ui->wins.w[i]->name, sizeof ui->wins.w[i]->name, "%s", name);
	}
	for (size_t k = 0; k < ui->n_peers; k++)
		if (strcmp(ui->peers[k].fp, fp) == 0)
			ui->peers[k] = p;
	if (*alias)
		ui_info(ui, NULL, "[%.8s] is now called %s here", fp, name);
	else
		ui_info(ui, NULL, "alias of [%.8s] removed; it is %s again", fp, name);
	ui_dirty(ui, UI_DIRTY_TITLE | UI_DIRTY_STATUS | UI_DIRTY_INPUT);
}

static void cmd_history(struct ui *ui, const char *args)
{
	struct winlist_win *w = ui_current(ui);
	long n = UI_HISTORY_LOAD;
	if (*args) {
		char *end;
		errno = 0;
		n = strtol(args, &end, 10);
		if (errno || end == args || *cmd_skip_space(end) || n < 1) {
			cmd_usage(ui, cmd_find("history", 7));
			return;
		}
	}
	if (!w->fp[0]) {
		ui_error(ui, NULL, "not a conversation window; /query PEER first");
		return;
	}
	if (n > WINLIST_LINES_MAX)
		n = WINLIST_LINES_MAX;
	ui_load_history(ui, w, (size_t)n);
}

static void cmd_clear(struct ui *ui, const char *args)
{
	(void)args;
	winlist_drop_lines(ui_current(ui));
	ui_dirty(ui, UI_DIRTY_MSGS | UI_DIRTY_STATUS);
}

static void cmd_help(struct ui *ui, const char *args)
{
	if (*args) {
		const char *name = args[0] == '/' ? args + 1 : args;
		const struct cmd_entry *c = cmd_find(name, strcspn(name, " "));
		if (!c) {
			char safe[64];
			sanitize_text(name, strnlen(name, 40), safe, sizeof safe, 0);
			ui_error(ui, NULL, "no command /%s (see /help)", safe);
			return;
		}
		ui_info(ui, NULL, "/%s%s%s: %s", c->name, c->args[0] ? " " : "", c->args, c->help);
		return;
	}
	ui_info(ui, NULL, "commands:");
	for (size_t i = 0; i < CMD_N; i++) {
		char lhs[64];
		snprintf(lhs, sizeof lhs, "/%s%s%s", cmd_table[i].name,
			 cmd_table[i].args[0] ? " " : "", cmd_table[i].args);
		ui_info(ui, NULL, "  %-22s %s", lhs, cmd_table[i].help);
	}
	ui_info(ui, NULL, "text without a leading / goes to this window's peer (// sends a /)");
	ui_info(ui, NULL,
		"keys: Alt-1..9, Alt-0 window 1..10; Alt-Left/Right, Ctrl-P/N previous/"
		"next; Alt-A next active");
	ui_info(ui, NULL,
		"      PgUp/PgDn scroll; Tab completes; Up/Down input history; Ctrl-L "
		"redraws; Ctrl-C twice quits");
	ui_info(ui, NULL,
		"      Ctrl-A/E start/end; Ctrl-K/U kill to end/start; Ctrl-W kills a "
		"word");
}

static void cmd_quit(struct ui *ui, const char *args)
{
	(void)args;
	ui->quit = 1;
}
