/* SPDX-License-Identifier: GPL-2.0-or-later */
/* read.h: a capture file read (tcpshake read): each packet decoded, its
 * numbers relative to its flow's ISNs, as events; or the segments handed
 * to a scenario writer (read-shake.h); the counts and their summary. */
#ifndef TCPSHAKE_READ_H
#define TCPSHAKE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct shake;

/*
 * Flows are both directions of a 4-tuple, found by a hash; each side's
 * ISN is learned from its SYN, as tcpdump does, and the numbers of a
 * flow with a known ISN are relative (unless absolute). A packet that
 * does not decode is an EV_MALFORMED event; one that is not IP or not
 * TCP is skipped and counted.
 *
 * Errors are one line in err; nothing here exits.
 */
struct read_file;

struct read_config {
	bool		 absolute;	/* numbers as on the wire */
	bool		 directions;	/* a segment's dir: '<' from its
					 * flow's opener (the first SYN's
					 * sender), '>' to it; none before
					 * a SYN */
	/* --shake: the TCP segments go to it, no event is emitted. */
	struct shake	*shake;
	void		(*emit)(void *arg, const struct event *);
	void		*emit_arg;
};

struct read_counts {
	uint64_t	 segments;
	uint64_t	 icmp;
	uint64_t	 malformed;
	uint64_t	 badsum;
	uint64_t	 skipped;
	uint64_t	 packets;	/* read, of any kind */
};

enum read_status {
	READ_OK,
	READ_CANNOT,	/* a link type we do not decode: nothing read */
	READ_CUT,	/* cut short after counts.packets: what was read
			 * was emitted */
};

/* The file ("-": standard input) through filter (pcap-filter(7), or
 * NULL). NULL with err. */
struct read_file *read_open(const char *path, const char *filter,
	    char *err, size_t errlen);
/* Read it whole. err says why on READ_CANNOT and READ_CUT. */
enum read_status read_capture(struct read_file *, const struct read_config *,
	    struct read_counts *, char *err, size_t errlen);
void	 read_close(struct read_file *);

/* The EV_SUMMARY of the counts ("3 TCP segments, 0 malformed, ..."),
 * OK when nothing was malformed and no checksum bad. */
void	 read_summary(const struct read_counts *,
	    void (*emit)(void *arg, const struct event *), void *arg);

#endif
