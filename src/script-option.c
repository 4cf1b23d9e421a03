/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script-option.c: the .shake parser's option lines (--tolerance_usecs,
 * --mtu, --ip_version, ...: packetdrill's, each with its check; others
 * warned of and ignored), and the command line's over the file's. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script-int.h"
#include "script.h"
#include "tcpmd5.h"
#include "xmalloc.h"


static bool
opt_tolerance_usecs(struct parser *p, size_t at, const char *v)
{
	unsigned long u;

	if (!parse_uint_text(v, 60000000, &u)) {
		perr(p, at, "--tolerance_usecs wants a whole number of "
		    "microseconds (0 to 60000000), got '%s'", v);
		return false;
	}
	p->sc->tolerance_usecs = (int64_t)u;
	return true;
}

static bool
opt_tolerance_percent(struct parser *p, size_t at, const char *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (!is_digit(v[0]) || *end != '\0' || errno != 0 || d > 100) {
		perr(p, at, "--tolerance_percent wants a number from 0 to 100, "
		    "got '%s'", v);
		return false;
	}
	p->sc->tolerance_percent = d;
	return true;
}

static bool
opt_target(struct parser *p, size_t at, const char *v)
{
	set_target(p, at, v);
	return false;		/* kept in the target fields, not as an option */
}

static bool
opt_define(struct parser *p, size_t at, const char *v)
{
	size_t n = ident_len(v, 0);
	struct script_def *d;

	if (n == 0 || v[n] != '=') {
		perr(p, at, "--define wants NAME=value, got '%s'", v);
		return false;
	}
	p->fdefs = xreallocarray(p->fdefs, p->nfdefs + 1, sizeof *d);
	d = &p->fdefs[p->nfdefs++];
	d->name = strndup(v, n);
	d->value = xstrdup(v + n + 1);
	if (d->name == NULL)
		fatalx("out of memory");
	return true;
}

static bool
opt_uint(struct parser *p, size_t at, const char *name, const char *v,
    unsigned long max)
{
	unsigned long u;

	if (!parse_uint_text(v, max, &u)) {
		perr(p, at, "--%s wants a whole number (0 to %lu), got '%s'",
		    name, max, v);
		return false;
	}
	return true;
}

static bool
opt_mss(struct parser *p, size_t at, const char *v)
{
	return opt_uint(p, at, "mss", v, 65535);
}

/* packetdrill's --mtu: its tun device's MTU; here the path MTU the lab's
 * target sees (agent.c). */
static bool
opt_mtu(struct parser *p, size_t at, const char *v)
{
	unsigned long u;

	if (!parse_uint_text(v, 65535, &u) || u < 576) {
		perr(p, at, "--mtu wants a whole number of bytes (576 to "
		    "65535), got '%s'", v);
		return false;
	}
	return true;
}

static bool
opt_ts_tick(struct parser *p, size_t at, const char *v)
{
	return opt_uint(p, at, "tcp_ts_tick_usecs", v, 60000000);
}

static bool
opt_ip_version(struct parser *p, size_t at, const char *v)
{
	if (strcmp(v, "ipv4") == 0 || strcmp(v, "ipv6") == 0 ||
	    strcmp(v, "ipv4-mapped-ipv6") == 0)
		return true;
	perr(p, at, "--ip_version wants ipv4, ipv6 or ipv4-mapped-ipv6, got "
	    "'%s'", v);
	return false;
}

static bool
opt_commands_as(struct parser *p, size_t at, const char *v)
{
	if (strcmp(v, "root") == 0 || strcmp(v, "user") == 0)
		return true;
	perr(p, at, "--commands_as wants root or user, got '%s'", v);
	return false;
}

static bool
opt_absolute(struct parser *p, size_t at, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
		return true;
	perr(p, at, "--absolute wants yes or no, got '%s'", v);
	return false;
}

static bool
opt_address(struct parser *p, size_t at, const char *v)
{
	struct ipaddr a;

	if (ipaddr_parse(v, &a))
		return true;
	perr(p, at, "'%s' is not an IPv4 or IPv6 address", v);
	return false;
}

static bool
opt_md5_secret(struct parser *p, size_t at, const char *v)
{
	if (strlen(v) > TCPMD5_KEY_MAX) {
		perr(p, at, "--tcp_md5_secret is %zu bytes long; a TCP MD5 "
		    "key has at most %d", strlen(v), TCPMD5_KEY_MAX);
		return false;
	}
	return true;
}

/* The known option lines; each checks its value. A row here is all it
 * takes to add one (the engine reads it with script_option()). */
static const struct script_optdef {
	const char	*name;
	bool		 once;
	bool		 (*check)(struct parser *, size_t, const char *);
} optdefs[] = {
	{ "tolerance_usecs",	true,	opt_tolerance_usecs },
	{ "tolerance_percent",	true,	opt_tolerance_percent },
	{ "target",		true,	opt_target },
	{ "define",		false,	opt_define },
	{ "commands_as",	true,	opt_commands_as },
	{ "absolute",		true,	opt_absolute },
	/* packetdrill's, accepted so its files parse; kept for the engine. */
	{ "ip_version",		true,	opt_ip_version },
	{ "mss",		true,	opt_mss },
	{ "mtu",		true,	opt_mtu },
	{ "tcp_ts_tick_usecs",	true,	opt_ts_tick },
	{ "local_ip",		true,	opt_address },
	{ "remote_ip",		true,	opt_address },
	/* packetdrill's too, and used: the key of "md5 valid". */
	{ "tcp_md5_secret",	true,	opt_md5_secret },
};
#define NOPTDEFS (sizeof optdefs / sizeof optdefs[0])

/* A warning at index pos of the current line: "FILE:LINE:COL: warning:
 * MSG", kept with the script (the caller prints them). */
static void pwarn(struct parser *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
pwarn(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	char *msg, *w;
	size_t start;
	int line, column;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("out of memory formatting a warning");
	va_end(ap);
	locate(p, pos, &line, &column, &start);
	xasprintf(&w, "%s:%d:%d: warning: %s", p->file, line, column, msg);
	free(msg);
	p->sc->warnings = xreallocarray(p->sc->warnings,
	    p->sc->nwarnings + 1, sizeof *p->sc->warnings);
	p->sc->warnings[p->sc->nwarnings++] = w;
}

/* packetdrill has many more options (--non_fatal, --wire_server, ...); they tune
 * its own tun device and kernel, so a file carrying them still runs here
 * without them: one warning each, never an error. */
static void
opt_unknown(struct parser *p, size_t at, const char *name)
{
	char known[256] = "";
	size_t i;

	for (i = 0; i < NOPTDEFS; i++)
		snprintf(known + strlen(known), sizeof known - strlen(known),
		    "%s--%s", i > 0 ? ", " : "", optdefs[i].name);
	pwarn(p, at, "unknown option --%s ignored (known: %s)", name, known);
}

/* The value after '=': bare to the end of the line, or "quoted" (blanks
 * kept, no '"' inside). NULL after an error; vat moves to the value. */
static char *
option_value(struct parser *p, size_t *vat, const char *name)
{
	const char *v = p->text + *vat, *q;
	char *value;
	size_t k;

	if (*v == '"') {
		if ((q = strchr(v + 1, '"')) == NULL) {
			perr(p, *vat, "unterminated quoted value of --%s",
			    name);
			return NULL;
		}
		if (p->text[skip_ws(p->text, *vat + (size_t)(q - v) + 1)] !=
		    '\0') {
			perr(p, skip_ws(p->text, *vat + (size_t)(q - v) + 1),
			    "trailing text after the value of --%s", name);
			return NULL;
		}
		(*vat)++;
		xasprintf(&value, "%.*s", (int)(q - v) - 1, v + 1);
		return value;
	}
	value = xstrdup(v);
	for (k = strlen(value); k > 0 && is_blank(value[k - 1]); k--)
		value[k - 1] = '\0';
	if (strpbrk(value, " \t") != NULL) {
		perr(p, *vat + (size_t)(strpbrk(value, " \t") - value),
		    "trailing text after the value of --%s (quote a value "
		    "with blanks: --%s=\"...\")", name, name);
		free(value);
		return NULL;
	}
	return value;
}

/* "--name=value", "--name=\"a value\"" or "--name"; at is on the
 * dashes. */
void
parse_option(struct parser *p, size_t at)
{
	size_t i = at + 2, n = 0, vat, k;
	const struct script_optdef *d = NULL;
	struct script_option *o;
	char name[64], *value;

	if (!header_in_place(p, at, "option lines"))
		return;
	while (is_ident(p->text[i + n]) || p->text[i + n] == '-')
		n++;
	if (n == 0 || n >= sizeof name) {
		perr(p, at, "expected an option name after '--' "
		    "(--name=value)");
		return;
	}
	for (k = 0; k < n; k++)
		name[k] = p->text[i + k] == '-' ? '_' : p->text[i + k];
	name[n] = '\0';
	for (k = 0; k < NOPTDEFS; k++)
		if (strcmp(optdefs[k].name, name) == 0)
			d = &optdefs[k];
	vat = i + n;
	if (p->text[vat] != '=' && p->text[skip_ws(p->text, vat)] != '\0') {
		perr(p, vat, "expected '=' after --%s", name);
		return;
	}
	if (d == NULL) {
		opt_unknown(p, at, name);
		return;
	}
	if (p->text[vat] != '=' || p->text[vat + 1] == '\0' ||
	    is_blank(p->text[vat + 1])) {
		perr(p, vat, "--%s needs a value (--%s=VALUE)", name, name);
		return;
	}
	vat++;
	if ((value = option_value(p, &vat, name)) == NULL)
		return;
	for (k = 0; d->once && k < p->sc->noptions; k++)
		if (strcmp(p->sc->options[k].name, name) == 0) {
			perr(p, at, "--%s given twice (first on line %d)",
			    name, p->sc->options[k].line);
			free(value);
			return;
		}
	if (!d->check(p, vat, value)) {
		free(value);
		return;
	}
	p->sc->options = xreallocarray(p->sc->options, p->sc->noptions + 1,
	    sizeof *o);
	o = &p->sc->options[p->sc->noptions++];
	o->name = xstrdup(name);
	o->value = value;
	o->line = line_at(p, at);
}

/* The command line's option lines (struct script_defs) over the file's:
 * a line of the same name goes, the command line's takes its place (as
 * packetdrill, whose command line wins). They were checked when the
 * command line was read (script_cmdline_options()); a name no line
 * knows was warned about there. */
void
cmdline_options(struct parser *p)
{
	struct script *sc = p->sc;
	struct script_option *o;
	size_t i, k, n;

	for (i = 0; p->defs != NULL && i < p->defs->nopts; i++) {
		const struct script_option *c = &p->defs->opts[i];

		for (k = 0; k < NOPTDEFS; k++)
			if (strcmp(optdefs[k].name, c->name) == 0)
				break;
		if (k == NOPTDEFS || optdefs[k].check == opt_target ||
		    optdefs[k].check == opt_define)
			continue;
		for (k = n = 0; k < sc->noptions; k++) {
			if (strcmp(sc->options[k].name, c->name) == 0) {
				free(sc->options[k].name);
				free(sc->options[k].value);
			} else
				sc->options[n++] = sc->options[k];
		}
		sc->noptions = n;
		for (k = 0; k < NOPTDEFS; k++)
			if (strcmp(optdefs[k].name, c->name) == 0)
				(void)optdefs[k].check(p, 0, c->value);
		sc->options = xreallocarray(sc->options, sc->noptions + 1,
		    sizeof *o);
		o = &sc->options[sc->noptions++];
		o->name = xstrdup(c->name);
		o->value = xstrdup(c->value);
		o->line = 0;
	}
}
