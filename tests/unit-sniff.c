/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-sniff.c: sniff_open_file() on capture files this test writes with
 * pcap_dump: nanosecond stamps come back exact, microsecond files scale,
 * filters apply, and bad files and filters give one clear line. */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "check.h"
#include "sniff.h"

/* Two IPv4 TCP packets (ports 80 and 443) and one UDP: raw IP frames. */
static const char pkt_tcp80[] =
	"45 00 00 28 00 01 40 00 40 06 ae ab c6 12 00 01"
	"c6 12 00 02 9c 40 00 50 00 00 00 01 00 00 00 00"
	"50 02 ff ff 00 00 00 00";
static const char pkt_tcp443[] =
	"45 00 00 28 00 02 40 00 40 06 ae aa c6 12 00 01"
	"c6 12 00 02 9c 40 01 bb 00 00 00 01 00 00 00 00"
	"50 02 ff ff 00 00 00 00";
static const char pkt_udp[] =
	"45 00 00 1c 00 03 40 00 40 11 ae ad c6 12 00 01"
	"c6 12 00 02 00 35 00 35 00 08 00 00";

static const struct {
	const char	*hex;
	time_t		 sec;
	long		 frac;	/* ns in a ns file, µs in a µs file */
} pkts[] = {
	{ pkt_tcp80, 1700000000, 123456789 },
	{ pkt_udp, 1700000001, 999999999 },
	{ pkt_tcp443, 1700000002, 1 },
};
#define NPKTS (sizeof pkts / sizeof pkts[0])

static int
write_file(const char *path, int prec)
{
	pcap_t *p;
	pcap_dumper_t *d;
	size_t i;

	p = pcap_open_dead_with_tstamp_precision(DLT_RAW, 65535, prec);
	if (p == NULL)
		return -1;
	d = pcap_dump_open(p, path);
	if (d == NULL) {
		pcap_close(p);
		return -1;
	}
	for (i = 0; i < NPKTS; i++) {
		struct pcap_pkthdr h;
		uint8_t buf[64];

		memset(&h, 0, sizeof h);
		h.caplen = h.len = (bpf_u_int32)check_hex(pkts[i].hex, buf,
		    sizeof buf);
		h.ts.tv_sec = pkts[i].sec;
		/* In a ns file the "usec" field carries ns. */
		h.ts.tv_usec = prec == PCAP_TSTAMP_PRECISION_NANO ?
		    pkts[i].frac : pkts[i].frac % 1000000;
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

/* Read path back through sniff and check every packet and stamp. */
static void
read_back(const char *path, int nano, const char *filter, const int *want,
    size_t nwant)
{
	char err[256] = "";
	struct sniff *s;
	struct sniff_pkt pk;
	size_t got = 0;
	int rc;

	s = sniff_open_file(path, filter, err, sizeof err);
	CHECK_(s != NULL, "open %s file, filter %s (%s)", nano ? "ns" : "µs",
	    filter ? filter : "none", err);
	if (s == NULL)
		return;
	CHECK_INT(sniff_fd(s), -1);
	CHECK_INT(sniff_linktype(s), DLT_RAW);
	CHECK_INT(sniff_nano(s), nano);
	while ((rc = sniff_next(s, &pk, err, sizeof err)) == 1) {
		uint8_t buf[64];
		size_t n;
		long ns;
		int i;

		if (got >= nwant) {
			got++;
			break;
		}
		i = want[got++];
		n = check_hex(pkts[i].hex, buf, sizeof buf);
		ns = nano ? pkts[i].frac : (pkts[i].frac % 1000000) * 1000;
		CHECK_(pk.ts.tv_sec == pkts[i].sec && pk.ts.tv_nsec == ns,
		    "packet %d stamp %lld.%09ld (want %lld.%09ld)", i,
		    (long long)pk.ts.tv_sec, pk.ts.tv_nsec,
		    (long long)pkts[i].sec, ns);
		CHECK_(pk.caplen == n && pk.len == n &&
		    memcmp(pk.data, buf, n) == 0, "packet %d bytes", i);
	}
	CHECK_INT(rc, -1);
	CHECK_INT(got, nwant);
	CHECK_INT(sniff_drops(s), 0);
	sniff_close(s);
}

int
main(void)
{
	char dir[] = "/tmp/unit-sniff.XXXXXX";
	char ns[64], us[64], junk[64];
	static const int all[] = { 0, 1, 2 }, tcp[] = { 0, 2 },
	    https[] = { 2 };
	char err[256];
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(ns, sizeof ns, "%s/ns.pcap", dir);
	snprintf(us, sizeof us, "%s/us.pcap", dir);
	snprintf(junk, sizeof junk, "%s/junk.pcap", dir);

	CHECK(write_file(ns, PCAP_TSTAMP_PRECISION_NANO) == 0);
	CHECK(write_file(us, PCAP_TSTAMP_PRECISION_MICRO) == 0);
	read_back(ns, 1, NULL, all, 3);
	read_back(ns, 1, "tcp", tcp, 2);
	read_back(ns, 1, "tcp dst port 443", https, 1);
	read_back(us, 0, NULL, all, 3);

	err[0] = '\0';
	CHECK(sniff_open_file(ns, "tcp and and", err, sizeof err) == NULL);
	CHECK_(strstr(err, "bad capture filter 'tcp and and'") != NULL,
	    "bad filter named: %s", err);
	err[0] = '\0';
	CHECK(sniff_open_file("/nonexistent/x.pcap", NULL, err,
	    sizeof err) == NULL);
	CHECK_(strstr(err, "/nonexistent/x.pcap") != NULL,
	    "missing file named: %s", err);
	f = fopen(junk, "w");
	if (f != NULL) {
		fputs("not a capture file at all\n", f);
		fclose(f);
	}
	err[0] = '\0';
	CHECK(sniff_open_file(junk, NULL, err, sizeof err) == NULL);
	CHECK_(strstr(err, "cannot read capture file") != NULL,
	    "junk file refused: %s", err);

	unlink(ns);
	unlink(us);
	unlink(junk);
	rmdir(dir);
	return check_done();
}
