/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-pcap.c: the pcap sink, every segment's IP packet (and every ICMP
 * error's, quote included) written as a LINKTYPE_RAW record with
 * nanosecond stamps, flushed record by record. */
#include "config.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "xmalloc.h"

#define PCAP_SNAPLEN	65535

struct report_pcap {
	pcap_t		*dead;
	pcap_dumper_t	*dump;
};

static void
pcap_event(void *ctx, const struct event *ev)
{
	struct report_pcap *rp = ctx;
	struct pcap_pkthdr h;
	struct timespec ts = ev->ts;

	if ((ev->type != EV_SEGMENT && ev->type != EV_ICMP) ||
	    ev->ip == NULL || ev->iplen == 0)
		return;
	/* A segment we built ourselves may carry no kernel stamp. */
	if (ts.tv_sec == 0 && ts.tv_nsec == 0)
		clock_gettime(CLOCK_REALTIME, &ts);
	h.ts.tv_sec = ts.tv_sec;
	/* With nanosecond precision libpcap reads tv_usec as nanoseconds. */
	h.ts.tv_usec = ts.tv_nsec;
	h.len = ev->iplen;
	h.caplen = ev->iplen < PCAP_SNAPLEN ? ev->iplen : PCAP_SNAPLEN;
	pcap_dump((u_char *)rp->dump, &h, ev->ip);
	/* Flushed now so a run that ends by a signal or fatal() loses nothing. */
	pcap_dump_flush(rp->dump);
}

static void
pcap_close_sink(void *ctx)
{
	struct report_pcap *rp = ctx;

	pcap_dump_flush(rp->dump);
	pcap_dump_close(rp->dump);
	pcap_close(rp->dead);
	free(rp);
}

void *
report_pcap_new(const char *path, char *err, size_t errlen)
{
	struct report_pcap *rp;
	pcap_t *dead;
	pcap_dumper_t *dump;

	dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, PCAP_SNAPLEN,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (dead == NULL) {
		snprintf(err, errlen, "cannot write '%s': libpcap has no "
		    "writer for raw IP", path);
		return NULL;
	}
	errno = 0;
	if ((dump = pcap_dump_open(dead, path)) == NULL) {
		/* pcap_geterr() repeats the path; errno says it shorter. */
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    errno != 0 ? strerror(errno) : pcap_geterr(dead));
		pcap_close(dead);
		return NULL;
	}
	/* The header now: a run killed before its first record (kill -9)
	 * still leaves a file that reads, empty. */
	if (pcap_dump_flush(dump) == -1) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		pcap_dump_close(dump);
		pcap_close(dead);
		return NULL;
	}
	rp = xcalloc(1, sizeof *rp);
	rp->dead = dead;
	rp->dump = dump;
	return rp;
}

const struct sink_ops report_pcap_ops = {
	.name = "pcap",
	.event = pcap_event,
	.close = pcap_close_sink,
};
