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
