/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sniff.h: libpcap, live or from a file, behind one interface. A live
 * capture is opened with pcap_create, immediate mode, nanosecond kernel
 * stamps where available, a BPF filter, and a non-blocking pollable fd. */
#ifndef TCPSHAKE_SNIFF_H
#define TCPSHAKE_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sniff;

struct sniff_pkt {
	struct timespec	 ts;	/* kernel stamp (ns precision when possible) */
	const uint8_t	*data;	/* valid until the next sniff_next() */
	uint32_t	 caplen;
	uint32_t	 len;	/* length on the wire */
};

/* iface NULL means "any" (Linux cooked capture). filter may be NULL. On
 * failure NULL and one line in err naming the fix (CAP_NET_RAW for
 * permission, the interface name when it does not exist). */
struct sniff *sniff_open_live(const char *iface, const char *filter,
	    char *err, size_t errlen);
struct sniff *sniff_open_file(const char *path, const char *filter,
	    char *err, size_t errlen);
void	 sniff_close(struct sniff *);

int	 sniff_fd(const struct sniff *);	/* -1 for a file */
int	 sniff_linktype(const struct sniff *);	/* DLT_* number */
bool	 sniff_nano(const struct sniff *);	/* stamps are ns-precise */

/* 1: *pkt filled; 0: nothing available now (live, non-blocking);
 * -1: end of file; -2: error, message in err. */
int	 sniff_next(struct sniff *, struct sniff_pkt *pkt, char *err,
	    size_t errlen);
/* Packets the kernel dropped for us (live), or 0. */
unsigned sniff_drops(struct sniff *);

#endif
