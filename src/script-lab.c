/* SPDX-License-Identifier: GPL-2.0-or-later */
/* script-lab.c: a scenario's "lab WORD ..." header lines, one `lab up`
 * option each, checked as `lab up` checks them and kept in its structs;
 * and two that `lab exercise` reads: explain, quick NAME=value. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lab-impair.h"
#include "lab-router.h"
#include "lab-serve.h"
#include "lab.h"
#include "script-lab.h"
#include "xmalloc.h"

/* One line being read: the text after "lab", and where its words are. */
struct lab_line {
	struct script_lab *lab;
	const char	*text;
	size_t		 word;		/* the keyword */
	size_t		 arg;		/* its first argument, or its end */
	size_t		*errat;
	char		**error;
};

static size_t
lab_skip_ws(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
		i++;
	return i;
}

static size_t
lab_word_end(const char *s, size_t i)
{
	while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
		i++;
	return i;
}

/* The argument words of the line: exactly n of them, copied into w[]
 * (each up to 127 bytes). */
static bool
lab_args(struct lab_line *l, size_t n, char w[][128], const char *usage)
{
	size_t i = l->arg, k, end;

	for (k = 0; k < n; k++) {
		end = lab_word_end(l->text, i);
		if (end == i || end - i >= 128) {
			*l->errat = i;
			xasprintf(l->error, "%s", usage);
			return false;
		}
		snprintf(w[k], 128, "%.*s", (int)(end - i), l->text + i);
		i = lab_skip_ws(l->text, end);
	}
	if (l->text[i] != '\0') {
		*l->errat = i;
		xasprintf(l->error, "trailing text (%s)", usage);
		return false;
	}
	return true;
}

static bool
lab_fail(struct lab_line *l, size_t at, char *msg)
{
	*l->errat = at;
	*l->error = msg;
	return false;
}

static bool
lab_kw_sysctl(struct lab_line *l, const char *kw)
{
	struct script_lab *b = l->lab;
	char w[1][128], *err;

	if (!lab_args(l, 1, w, "give 'lab sysctl KEY=VALUE'"))
		return false;
	b->sysctls = xreallocarray(b->sysctls, b->nsysctls + 1,
	    sizeof *b->sysctls);
	if (!lab_sysctl_parse(w[0], strcmp(kw, "sysctl") == 0 ? LAB_SERVER :
	    LAB_CLIENT, &b->sysctls[b->nsysctls], &err))
		return lab_fail(l, l->arg, err);
	b->nsysctls++;
	return true;
}

/* "lab serve ARGS": serve's own words, one server per port. */
static bool
lab_kw_serve(struct lab_line *l, const char *kw)
{
	struct script_lab *b = l->lab;
	char **words, *err;
	uint16_t port;
	size_t k;

	(void)kw;
	if (b->no_serve || b->nserve == LAB_MAX_SERVE) {
		xasprintf(&err, b->no_serve ? "'lab serve' after 'lab "
		    "no-serve'" : "at most %d servers", LAB_MAX_SERVE);
		return lab_fail(l, l->word, err);
	}
	if ((words = lab_split_words(l->text + l->arg, &err)) == NULL)
		return lab_fail(l, l->arg, err);
	if ((port = lab_serve_port(words)) == 0) {
		lab_words_free(words);
		return lab_fail(l, l->arg, xstrdup("serve's --port is not a "
		    "port (1 to 65535)"));
	}
	for (k = 0; k < b->nserve; k++)
		if (lab_serve_port(b->serve[k]) == port) {
			lab_words_free(words);
			xasprintf(&err, "two servers on port %u (give each its "
			    "own --port)", port);
			return lab_fail(l, l->arg, err);
		}
	b->serve[b->nserve++] = words;
	return true;
}

/* "lab quick NAME=value": a -D of the exercise's shortened run. */
static bool
lab_kw_quick(struct lab_line *l, const char *kw)
{
	struct script_lab *b = l->lab;
	const char *w = l->text + l->arg;
	char v[1][128];
	size_t n = 0;

	(void)kw;
	if (!lab_args(l, 1, v, "give 'lab quick NAME=value'"))
		return false;
	while ((w[n] >= 'a' && w[n] <= 'z') || (w[n] >= 'A' && w[n] <= 'Z') ||
	    w[n] == '_' || (n > 0 && w[n] >= '0' && w[n] <= '9'))
		n++;
	if (n == 0 || w[n] != '=')
		return lab_fail(l, l->arg, xstrdup("give 'lab quick "
		    "NAME=value' (NAME of letters, digits and '_')"));
	b->quick = xreallocarray(b->quick, b->nquick + 1, sizeof *b->quick);
	b->quick[b->nquick++] = xstrdup(v[0]);
	return true;
}

static bool
lab_kw_flag(struct lab_line *l, const char *kw)
{
	struct script_lab *b = l->lab;

	if (!lab_args(l, 0, NULL, "it takes no value"))
		return false;
	if (strcmp(kw, "explain") == 0) {
		b->explain = true;
		return true;
	}
	if (strcmp(kw, "no-serve") == 0) {
		if (b->nserve > 0)
			return lab_fail(l, l->word, xstrdup("'lab no-serve' "
			    "after 'lab serve'"));
		b->no_serve = true;
		return true;
	}
	b->router.enabled = true;
	if (strcmp(kw, "nat") == 0)
		b->router.nat = true;
	else if (strcmp(kw, "synproxy") == 0)
		b->router.synproxy = true;
	return true;
}

static bool
lab_kw_offloads(struct lab_line *l, const char *kw)
{
	char w[1][128];

	(void)kw;
	if (!lab_args(l, 1, w, "give 'lab offloads on' or 'lab offloads "
	    "off'"))
		return false;
	if (strcmp(w[0], "on") != 0 && strcmp(w[0], "off") != 0)
		return lab_fail(l, l->arg, xstrdup("give 'lab offloads on' or "
		    "'lab offloads off'"));
	l->lab->offloads = strcmp(w[0], "on") == 0;
	return true;
}

static bool
lab_kw_firewall(struct lab_line *l, const char *kw)
{
	struct lab_router *r = &l->lab->router;
	struct lab_firewall fw;
	char w[2][128], *err;

	(void)kw;
	if (!lab_args(l, 2, w, "give 'lab firewall drop|reject|reject-icmp "
	    "PORT'"))
		return false;
	if (!lab_firewall_parse(w[0], w[1], &fw, &err))
		return lab_fail(l, l->arg, err);
	r->enabled = true;
	r->firewall = xreallocarray(r->firewall, r->nfirewall + 1, sizeof fw);
	r->firewall[r->nfirewall++] = fw;
	return true;
}

/* "50ms", "250us", "1.5s", "2" (seconds) into microseconds, 0 to 10 s. */
static bool
lab_duration_us(const char *s, uint32_t *us)
{
	static const struct { const char *suffix; double us; } units[] = {
		{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "", 1e6 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !(v >= 0))
		return false;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].suffix) == 0 &&
		    v * units[i].us <= 1e7) {
			*us = (uint32_t)(v * units[i].us + 0.5);
			return true;
		}
	return false;
}

/* delay, jitter, loss, reorder, duplicate, seed. */
static bool
lab_kw_impair(struct lab_line *l, const char *kw)
{
	struct lab_impair *im = &l->lab->impair;
	char w[1][128], what[32], *err, *end;
	uint32_t *ppm;
	bool time = strcmp(kw, "delay") == 0 || strcmp(kw, "jitter") == 0;

	snprintf(what, sizeof what, "lab %s", kw);
	if (!lab_args(l, 1, w, time ? "give a time, like 50ms" :
	    strcmp(kw, "seed") == 0 ? "give a number" : "give a share, like "
	    "2%"))
		return false;
	if (time) {
		if (lab_duration_us(w[0], strcmp(kw, "delay") == 0 ?
		    &im->delay_us : &im->jitter_us))
			return true;
		xasprintf(&err, "%s '%s': give 0 to 10s (250us, 50ms, 1.5s)",
		    what, w[0]);
		return lab_fail(l, l->arg, err);
	}
	if (strcmp(kw, "seed") == 0) {
		errno = 0;
		im->seed = strtoull(w[0], &end, 0);
		im->seeded = true;
		if (errno == 0 && *end == '\0' && w[0][0] != '-')
			return true;
		xasprintf(&err, "%s '%s': give a whole number", what, w[0]);
		return lab_fail(l, l->arg, err);
	}
	ppm = strcmp(kw, "loss") == 0 ? &im->loss_ppm :
	    strcmp(kw, "reorder") == 0 ? &im->reorder_ppm : &im->duplicate_ppm;
	if (!lab_impair_percent(w[0], what, ppm, &err))
		return lab_fail(l, l->arg, err);
	return true;
}

/* The words a lab line may start with: `lab up`'s options without their
 * dashes. */
static const struct lab_kw {
	const char	*name;
	bool		 (*read)(struct lab_line *, const char *);
} lab_kws[] = {
	{ "sysctl",		lab_kw_sysctl },
	{ "client-sysctl",	lab_kw_sysctl },
	{ "serve",		lab_kw_serve },
	{ "no-serve",		lab_kw_flag },
	{ "offloads",		lab_kw_offloads },
	{ "router",		lab_kw_flag },
	{ "nat",		lab_kw_flag },
	{ "synproxy",		lab_kw_flag },
	{ "firewall",		lab_kw_firewall },
	{ "delay",		lab_kw_impair },
	{ "jitter",		lab_kw_impair },
	{ "loss",		lab_kw_impair },
	{ "reorder",		lab_kw_impair },
	{ "duplicate",		lab_kw_impair },
	{ "seed",		lab_kw_impair },
	{ "explain",		lab_kw_flag },
	{ "quick",		lab_kw_quick },
};
#define NLAB_KWS	(sizeof lab_kws / sizeof lab_kws[0])

static char *
lab_kw_list(void)
{
	char *s = xstrdup(""), *t;
	size_t k;

	for (k = 0; k < NLAB_KWS; k++) {
		xasprintf(&t, "%s%s%s", s, k > 0 ? ", " : "", lab_kws[k].name);
		free(s);
		s = t;
	}
	return s;
}

/* The line as printed: its words one blank apart, whatever blanks,
 * comments (blanked) or line breaks of a statement over several lines
 * stood between them (a "quoted" value kept as it is), so the print
 * parses back to itself. */
static char *
lab_canon(const char *text)
{
	char *out = xmalloc(strlen(text) + 1), *o = out;
	bool gap = false, quoted = false;

	for (; *text != '\0'; text++) {
		if (*text == '"')
			quoted = !quoted;
		if (!quoted && (*text == ' ' || *text == '\t' ||
		    *text == '\n')) {
			gap = o != out;
			continue;
		}
		if (gap)
			*o++ = ' ';
		gap = false;
		*o++ = *text;
	}
	/* A CR the line ends in would lose one of its kind to the next
	 * parse (a CR before a line break is dropped): none is kept. */
	while (o > out && o[-1] == '\r')
		o--;
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

bool
script_lab_line(struct script_lab **labp, int line, const char *text,
    size_t *errat, char **error)
{
	struct lab_line l = { NULL, text, 0, 0, errat, error };
	char kw[32], *list;
	size_t k, end;

	l.word = lab_skip_ws(text, 0);
	end = lab_word_end(text, l.word);
	snprintf(kw, sizeof kw, "%.*s", (int)(end - l.word < 31 ?
	    end - l.word : 31), text + l.word);
	l.arg = lab_skip_ws(text, end);
	for (k = 0; k < NLAB_KWS && strcmp(lab_kws[k].name, kw) != 0; k++)
		;
	if (k == NLAB_KWS) {
		list = lab_kw_list();
		*errat = l.word;
		xasprintf(error, "expected what the lab needs after 'lab' (%s)",
		    list);
		free(list);
		return false;
	}
	if (*labp == NULL) {
		*labp = xcalloc(1, sizeof **labp);
		(*labp)->line = line;
	}
	l.lab = *labp;
	if (!lab_kws[k].read(&l, kw))
		return false;
	if (lab_kws[k].read == lab_kw_impair)
		l.lab->impair_line = line;
	l.lab->lines = xreallocarray(l.lab->lines, l.lab->nlines + 1,
	    sizeof *l.lab->lines);
	l.lab->lines[l.lab->nlines++] = lab_canon(text + l.word);
	return true;
}

bool
script_lab_finish(const struct script_lab *b, char **error)
{
	if (b->impair.reorder_ppm > 0 && b->impair.delay_us == 0) {
		*error = xstrdup("'lab reorder' needs 'lab delay' (a reordered "
		    "packet overtakes delayed ones)");
		return false;
	}
	if (b->impair.jitter_us > b->impair.delay_us) {
		xasprintf(error, "'lab jitter' %uus is larger than 'lab delay' "
		    "%uus", b->impair.jitter_us, b->impair.delay_us);
		return false;
	}
	return true;
}

void
script_lab_print(FILE *f, const struct script_lab *b)
{
	size_t k;

	for (k = 0; b != NULL && k < b->nlines; k++)
		fprintf(f, "lab %s\n", b->lines[k]);
}

void
script_lab_free(struct script_lab *b)
{
	size_t k;

	if (b == NULL)
		return;
	for (k = 0; k < b->nlines; k++)
		free(b->lines[k]);
	free(b->lines);
	lab_sysctls_free(b->sysctls, b->nsysctls);
	for (k = 0; k < b->nserve; k++)
		lab_words_free(b->serve[k]);
	free(b->router.firewall);
	for (k = 0; k < b->nquick; k++)
		free(b->quick[k]);
	free(b->quick);
	free(b);
}
