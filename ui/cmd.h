/* SPDX-License-Identifier: MIT */
/* The client's slash commands: one table, one handler each (tmux style).
 * Handlers report problems as one error line in the window; none fails
 * harder than that. */
#ifndef NATTER_CMD_H
#define NATTER_CMD_H

#include <stddef.h>

struct ui;

/* Run a command line without its leading '/' ("msg bob hi"). An unknown
 * command or bad arguments print an error line. */
void cmd_run(struct ui *ui, const char *line);
/* The commands, for completion and help: how many, and the name of the i-th
 * (without '/'), in table order. */
size_t cmd_count(void);
const char *cmd_name(size_t i);

#endif
