/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sniff.c: libpcap behind sniff.h, a live capture (immediate mode,
 * nanosecond kernel stamps, a BPF filter, a non-blocking pollable fd) or a
 * capture file read back with nanosecond stamps. */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "extract.h"
#include "offload.h"
#include "sniff.h"
#include "xmalloc.h"

/* A super-segment (GSO, TSO, GRO) holds up to 64 KB of IP and its link
 * header: a 65535-byte snap length would cut the largest. */
#define SNIFF_SNAPLEN	262144
#define SNIFF_FRAME_MAX	(65535 + 18)	/* libpcap's frame with offloads */
#define SNIFF_TIMEOUT_MS 10	/* the fd is polled; this only bounds a read */
#define SNIFF_FRAMES	512		/* packets the ring holds unread */
#define SNIFF_BUF_MIN	(2 << 20)	/* libpcap's own default */
#define SNIFF_BUF_MAX	(32 << 20)

/* pcap's magic numbers, as they read big-endian from a file's start. */
#define PCAP_MAGIC_NSEC		0xa1b23c4dU
#define PCAP_MAGIC_NSEC_SWAP	0x4d3cb2a1U

struct sniff {
	pcap_t	*p;
	int	 fd;		/* pollable fd, or -1 for a file */
	int	 linktype;
	bool	 pcap_nano;	/* pcap hands us ns in ts.tv_usec */
	bool	 nano;		/* the stamps themselves are ns-precise */
};

static const char *
sniff_iface_name(const char *iface)
{
	return iface != NULL ? iface : "any";
}

/* One line for a failed pcap_activate(), naming the fix where there is
 * one. */
static void
sniff_activate_error(pcap_t *p, int rc, const char *iface, char *err,
    size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, errlen, "cannot open capture on %s: permission "
		    "denied (need root or CAP_NET_RAW)", iface);
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "no such interface '%s' (see 'ip link')",
		    iface);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "cannot open capture on %s: the "
		    "interface is down (ip link set %s up)", iface, iface);
		break;
	case PCAP_ERROR:
		snprintf(err, errlen, "cannot open capture on %s: %s", iface,
		    pcap_geterr(p));
		break;
	default:
		snprintf(err, errlen, "cannot open capture on %s: %s", iface,
		    pcap_statustostr(rc));
		break;
	}
}

static int
sniff_set_filter(pcap_t *p, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	int rc;

	if (filter == NULL)
		return 0;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "bad capture filter '%s': %s", filter,
		    pcap_geterr(p));
		return -1;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc == -1) {
		snprintf(err, errlen, "cannot set capture filter '%s': %s",
		    filter, pcap_geterr(p));
		return -1;
	}
	return 0;
}

/*
 * libpcap cuts its ring into frames as large as a packet on the interface
 * can be (the MTU, within the snap length): on lo (MTU 65536) its 2 MB
 * default holds some thirty packets, and a probe flood on lo lost 87% of
 * them. Ask for room for SNIFF_FRAMES packets, within bounds; on an
 * Ethernet-sized MTU that is the default. "any", an MTU we cannot learn
 * and an interface with offloads count as the largest frame.
 */
static int
sniff_buffer_size(const char *iface)
{
	struct ifreq ifr;
	long mtu = SNIFF_FRAME_MAX, want;
	int fd;

	if (iface != NULL && strlen(iface) < sizeof ifr.ifr_name &&
	    (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0) {
		memset(&ifr, 0, sizeof ifr);
		memcpy(ifr.ifr_name, iface, strlen(iface));
		if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
			mtu = ifr.ifr_mtu;
		close(fd);
	}
	/* With segmentation or receive offload on, libpcap makes every
	 * frame of the ring as large as a super-segment. */
	if (offload_iface_segments(iface) || mtu > SNIFF_FRAME_MAX)
		mtu = SNIFF_FRAME_MAX;
	want = (long)SNIFF_FRAMES * (mtu + 128);	/* + frame headers */
	return want < SNIFF_BUF_MIN ? SNIFF_BUF_MIN :
	    want > SNIFF_BUF_MAX ? SNIFF_BUF_MAX : (int)want;
}

/* Settings made before activation; pcap_create()'d handle. */
static void
sniff_configure(pcap_t *p, const char *iface)
{
	pcap_set_snaplen(p, SNIFF_SNAPLEN);
	pcap_set_promisc(p, 0);
	pcap_set_timeout(p, SNIFF_TIMEOUT_MS);
	pcap_set_buffer_size(p, sniff_buffer_size(iface));
#ifdef HAVE_PCAP_SET_IMMEDIATE_MODE
	pcap_set_immediate_mode(p, 1);
#endif
	/* Without kernel ns stamps, fall back to µs rather than fail. */
	if (pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
		pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO);
}

struct sniff *
sniff_open_live(const char *iface, const char *filter, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *name = sniff_iface_name(iface);
	struct sniff *s;
	pcap_t *p;
	int rc;

	ebuf[0] = '\0';
	p = pcap_create(name, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "cannot open capture on %s: %s", name,
		    ebuf);
		return NULL;
	}
	sniff_configure(p, iface);
	rc = pcap_activate(p);
	if (rc < 0) {
		sniff_activate_error(p, rc, name, err, errlen);
		pcap_close(p);
		return NULL;
	}
	if (sniff_set_filter(p, filter, err, errlen) == -1)
		goto bad;
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		snprintf(err, errlen, "cannot make capture on %s "
		    "non-blocking: %s", name, ebuf);
		goto bad;
	}
	s = xcalloc(1, sizeof *s);
	s->p = p;
	s->fd = pcap_get_selectable_fd(p);
	s->linktype = pcap_datalink(p);
	s->pcap_nano = pcap_get_tstamp_precision(p) ==
	    PCAP_TSTAMP_PRECISION_NANO;
	s->nano = s->pcap_nano;
	return s;
bad:
	pcap_close(p);
	return NULL;
}

/* Whether a pcap file was written with ns stamps: its magic number says.
 * pcapng files (and stdin) count as µs, pcapng's default resolution. */
static bool
sniff_file_nano(const char *path)
{
	uint8_t magic[4];
	uint32_t m = 0;
	size_t n;
	FILE *f;

	if (strcmp(path, "-") == 0 || (f = fopen(path, "rb")) == NULL)
		return false;
	n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (!get_be32(magic, n, 0, &m))
		return false;
	return m == PCAP_MAGIC_NSEC || m == PCAP_MAGIC_NSEC_SWAP;
}

struct sniff *
sniff_open_file(const char *path, const char *filter, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct sniff *s;
	pcap_t *p;

	ebuf[0] = '\0';
	/* Asking for ns makes libpcap scale µs files up: one unit for all. */
	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "cannot read capture file %s: %s", path,
		    ebuf);
		return NULL;
	}
	if (sniff_set_filter(p, filter, err, errlen) == -1) {
		pcap_close(p);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->p = p;
	s->fd = -1;
	s->linktype = pcap_datalink(p);
	s->pcap_nano = pcap_get_tstamp_precision(p) ==
	    PCAP_TSTAMP_PRECISION_NANO;
	s->nano = s->pcap_nano && sniff_file_nano(path);
	return s;
}

void
sniff_close(struct sniff *s)
{
	if (s == NULL)
		return;
	pcap_close(s->p);
	free(s);
}

int
sniff_fd(const struct sniff *s)
{
	return s->fd;
}

int
sniff_linktype(const struct sniff *s)
{
	return s->linktype;
}

bool
sniff_nano(const struct sniff *s)
{
	return s->nano;
}

int
sniff_next(struct sniff *s, struct sniff_pkt *pkt, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(s->p, &h, &data);
	switch (rc) {
	case 1:
		break;
	case 0:
		return 0;
	case PCAP_ERROR_BREAK:
		return -1;
	default:
		snprintf(err, errlen, "capture: %s", pcap_geterr(s->p));
		return -2;
	}
	pkt->ts.tv_sec = h->ts.tv_sec;
	/* The field is named for µs; with ns precision it holds ns. */
	pkt->ts.tv_nsec = s->pcap_nano ? (long)h->ts.tv_usec :
	    (long)h->ts.tv_usec * 1000;
	pkt->data = data;
	pkt->caplen = h->caplen;
	pkt->len = h->len;
	return 1;
}

unsigned
sniff_drops(struct sniff *s)
{
	struct pcap_stat st;

	if (s->fd == -1 || pcap_stats(s->p, &st) == -1)
		return 0;
	return st.ps_drop;
}
