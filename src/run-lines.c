/* SPDX-License-Identifier: GPL-2.0-or-later */
/* run-lines.c: run's command-line option lines (run-lines.h): kept,
 * checked by the scenario parser itself, handed to it for every file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run-lines.h"
#include "tcpshake.h"
#include "xmalloc.h"

enum {
	RL_IP_VERSION = 0x2100, RL_MTU, RL_MSS, RL_LOCAL_IP, RL_REMOTE_IP,
	RL_OPTION,
};

const struct cli_opt run_lines_table[] = {
	{ "ip_version", 0, RL_IP_VERSION, "ipv4|ipv6|ipv4-mapped-ipv6",
	    "the family of the files' wire and sockets (--lab)", 0, NULL },
	{ "ip-version", 0, RL_IP_VERSION, "V", "", 0, "" },
	{ "mtu", 0, RL_MTU, "N", "the lab target's path MTU (--lab)", 0,
	    NULL },
	{ "mss", 0, RL_MSS, "N", "send a segment longer than N bytes as "
	    "segments of N", 0, NULL },
	{ "local_ip", 0, RL_LOCAL_IP, "ADDR", "the files' address of the "
	    "system under test (192.168.0.1)", 0, NULL },
	{ "local-ip", 0, RL_LOCAL_IP, "ADDR", "", 0, "" },
	{ "remote_ip", 0, RL_REMOTE_IP, "ADDR", "the files' address of the "
	    "prober (192.0.2.1)", 0, NULL },
	{ "remote-ip", 0, RL_REMOTE_IP, "ADDR", "", 0, "" },
	{ "option", 'O', RL_OPTION, "NAME=VALUE", "an option line "
	    "(--NAME=VALUE) over the files' own (repeatable)", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

static void
lines_add(struct run_lines *l, const char *name, size_t len,
    const char *value)
{
	struct script_option *o;
	size_t k;

	if (len == 0 || len >= 64)
		fatalx("run: -O wants NAME=VALUE (an option line without its "
		    "dashes), got '%s'", name);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *o);
	o = &l->v[l->n++];
	xasprintf(&o->name, "%.*s", (int)len, name);
	o->value = xstrdup(value);
	o->line = 0;
	for (k = 0; k < len; k++)
		if (o->name[k] == '-')
			o->name[k] = '_';
}

void
run_lines_add(struct run_lines *l, const char *name, const char *value)
{
	lines_add(l, name, strlen(name), value);
}

void
run_lines_option(struct run_lines *l, const char *arg)
{
	const char *name = strncmp(arg, "--", 2) == 0 ? arg + 2 : arg;
	const char *eq = strchr(name, '=');

	if (eq == NULL)
		fatalx("run: -O wants NAME=VALUE (an option line without its "
		    "dashes), got '%s'", arg);
	lines_add(l, name, (size_t)(eq - name), eq + 1);
}

bool
run_lines_cli(struct run_lines *l, int id, const char *arg)
{
	switch (id) {
	case RL_IP_VERSION: run_lines_add(l, "ip_version", arg); return true;
	case RL_MTU: run_lines_add(l, "mtu", arg); return true;
	case RL_MSS: run_lines_add(l, "mss", arg); return true;
	case RL_LOCAL_IP: run_lines_add(l, "local_ip", arg); return true;
	case RL_REMOTE_IP: run_lines_add(l, "remote_ip", arg); return true;
	case RL_OPTION: run_lines_option(l, arg); return true;
	}
	return false;
}

void
run_lines_check(const struct run_lines *l)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	char *text = NULL, *t;
	size_t k;

	for (k = 0; k < l->n; k++) {
		if (strcmp(l->v[k].name, "target") == 0 ||
		    strcmp(l->v[k].name, "define") == 0)
			fatalx("run: -O %s: give %s instead", l->v[k].name,
			    l->v[k].name[0] == 't' ? "--target HOST:PORT" :
			    "-D NAME=value");
		if (strchr(l->v[k].value, '"') != NULL)
			fatalx("run: -O %s: a value with '\"' cannot be an "
			    "option line", l->v[k].name);
		xasprintf(&t, "%s--%s=\"%s\"\n", text != NULL ? text : "",
		    l->v[k].name, l->v[k].value);
		free(text);
		text = t;
	}
	if (text == NULL)
		return;
	if ((sc = script_parse_string("command line", text, NULL, &errs)) ==
	    NULL) {
		script_errors_print(stderr, &errs);
		exit(2);
	}
	if (!gopts.quiet)
		script_warnings_print(stderr, sc);
	script_free(sc);
	free(text);
}

void
run_lines_free(struct run_lines *l)
{
	size_t k;

	for (k = 0; k < l->n; k++) {
		free(l->v[k].name);
		free(l->v[k].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
