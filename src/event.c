/* SPDX-License-Identifier: GPL-2.0-or-later */
/* event.c: the sink chain that every front end emits its events into. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "xmalloc.h"

void
event_init(struct event *ev, enum event_type type)
{
	memset(ev, 0, sizeof *ev);
	ev->type = type;
	ev->rtt_ns = -1;
	ev->probe = -1;
}

void
sinks_emit(struct sink *chain, const struct event *ev)
{
	struct sink *s;

	for (s = chain; s != NULL; s = s->next)
		s->ops->event(s->ctx, ev);
}

void
sinks_add(struct sink **chain, const struct sink_ops *ops, void *ctx)
{
	struct sink *s = xcalloc(1, sizeof *s), **tail;

	s->ops = ops;
	s->ctx = ctx;
	for (tail = chain; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = s;
}

void
sinks_close(struct sink **chain)
{
	struct sink *s, *next;

	for (s = *chain; s != NULL; s = next) {
		next = s->next;
		if (s->ops->close != NULL)
			s->ops->close(s->ctx);
		free(s);
	}
	*chain = NULL;
}
