/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-icmp.c: ICMP lines parsed and printed back, their numbers per
 * family, the errors a wrong line gets, and the bytes crafted for them
 * (CRAFT_BYTES, no privileges) against hex vectors. */
#include "config.h"

#include <sys/socket.h>

#include <stdlib.h>

#include "check.h"
#include "craft.h"
#include "decode.h"
#include "icmp.h"
#include "script.h"

/* Made by a few lines of Python (struct packing, RFC 1071 checksums over
 * the IPv6 pseudo-header), independent of libnet and of craft-icmp.c. */
static const char v4_frag[] =	/* 198.18.0.1 > .2, unreachable frag_needed
				 * mtu 1200, quoting .2:80 > .1:40000 seq
				 * 0x11223344, 1460 bytes, DF */
	"45 00 00 38 00 00 00 00 40 01 ee 9d c6 12 00 01"
	"c6 12 00 02 03 04 17 55 00 00 04 b0 45 00 05 dc"
	"00 00 40 00 40 06 a8 f4 c6 12 00 02 c6 12 00 01"
	"00 50 9c 40 11 22 33 44";
static const char v6_ptb[] =	/* 2001:db8::1 > ::2, packet_too_big mtu
				 * 1280, quoting ::2:80 > ::1:40000 seq
				 * 0x11223344, 1440 bytes */
	"60 00 00 00 00 38 3a 40 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 02 00 f4 b7 00 00 05 00"
	"60 00 00 00 05 b4 06 40 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 02 20 01 0d b8 00 00 00 00"
	"00 00 00 00 00 00 00 01 00 50 9c 40 11 22 33 44";

/* text parses, and prints back as want (NULL: as text). */
static void
round_trip(const char *text, const char *want)
{
	struct icmp_msg m, again;
	struct text_error err;
	char *out;

	CHECK_(icmp_parse(text, &m, &err), "parses: %s (%s)", text, err.msg);
	out = icmp_format(&m);
	CHECK_STR(out, want != NULL ? want : text);
	CHECK_(icmp_parse(out, &again, &err) &&
	    memcmp(&m, &again, sizeof m) == 0, "the print parses the same: %s",
	    out);
	free(out);
}

static void
refused(const char *text, int column, const char *msg)
{
	struct icmp_msg m;
	struct text_error err;

	CHECK_(!icmp_parse(text, &m, &err), "refused: %s", text);
	CHECK_INT(err.column, column);
	CHECK_(strstr(err.msg, msg) != NULL, "'%s' says '%s' (%s)", text, msg,
	    err.msg);
}

static void
test_text(void)
{
	round_trip("icmp unreachable frag_needed mtu 1200 [1:1461(1460)]",
	    NULL);
	round_trip("icmp unreachable host_unreachable [0:10(10)]", NULL);
	round_trip("icmp unreachable [5000:6000(1000)]", NULL);
	round_trip("icmp unreachable", NULL);
	round_trip("icmp packet_too_big mtu 1400 [0:1440(1440)]", NULL);
	round_trip("icmp time_exceeded code_1", NULL);
	round_trip("icmp type_200 code_7 [4294967295:9(10)]", NULL);
	round_trip("  icmp   unreachable   port_unreachable  [1:1(0)]  ",
	    "icmp unreachable port_unreachable [1:1(0)]");
	refused("icmp echo_request", 6, "no error about a TCP segment");
	refused("icmp unreachable mtu 1200", 6, "'mtu' goes only with");
	refused("icmp bogus", 6, "unknown ICMP type 'bogus'");
	refused("icmp unreachable nocode", 6, "has no code 'nocode'");
	refused("icmp unreachable [1:1461(1400)]", 18, "inconsistent");
	refused("icmp unreachable [udp(8)]", 19, "this tool speaks TCP");
	refused("icmp unreachable id 5", 18, "ICMP echo");
	refused("icmp unreachable frag_needed mtu 70000", 6, "16 bits");
	refused("icmp unreachable [1:2(1)] x", 27, "trailing text");
	refused("icmp", 5, "expected an ICMP type");
}

/* The words of what a capture holds. */
static void
from_wire(int family, uint8_t type, uint8_t code, uint32_t rest, uint32_t seq,
    uint32_t len, const char *want)
{
	struct icmp_msg m;
	char *out;

	icmp_from_wire(family, type, code, rest, seq, len, &m);
	out = icmp_format(&m);
	CHECK_STR(out, want);
	free(out);
}

static void
test_resolve(void)
{
	struct icmp_msg m;
	struct icmp_wire w;
	struct text_error terr;
	char err[160];

	icmp_parse("icmp unreachable frag_needed mtu 1200", &m, &terr);
	CHECK(icmp_resolve(&m, AF_INET, &w, err, sizeof err));
	CHECK_INT(w.type, 3);
	CHECK_INT(w.code, 4);
	CHECK_INT(w.rest, 1200);
	CHECK(!icmp_resolve(&m, AF_INET6, &w, err, sizeof err));
	CHECK_(strstr(err, "packet_too_big mtu N") != NULL, "%s", err);
	icmp_parse("icmp unreachable port_unreachable", &m, &terr);
	CHECK(icmp_resolve(&m, AF_INET6, &w, err, sizeof err));
	CHECK_INT(w.type, 1);
	CHECK_INT(w.code, 4);
	CHECK(icmp_resolve(&m, AF_INET, &w, err, sizeof err));
	CHECK_INT(w.type, 3);
	CHECK_INT(w.code, 3);
	icmp_parse("icmp packet_too_big mtu 1280", &m, &terr);
	CHECK(icmp_resolve(&m, AF_INET6, &w, err, sizeof err));
	CHECK_INT(w.type, 2);
	CHECK_INT(w.rest, 1280);
	CHECK(!icmp_resolve(&m, AF_INET, &w, err, sizeof err));
	/* What a capture holds, back to the line's words. */
	from_wire(AF_INET, 3, 4, 0x000004b0, 1, 1460, "icmp unreachable "
	    "frag_needed mtu 1200 [1:1461(1460)]");
	from_wire(AF_INET6, 2, 0, 1280, 0, 0, "icmp packet_too_big mtu 1280 "
	    "[0:0(0)]");
	from_wire(AF_INET, 11, 0, 0, 7, 0, "icmp time_exceeded [7:7(0)]");
	from_wire(AF_INET, 42, 9, 0, 7, 0, "icmp type_42 code_9 [7:7(0)]");
}

static void
craft_vector(int family, const char *src, const char *dst, const char *line,
    const char *hex, uint32_t qlen)
{
	unsigned char want[256];
	const uint8_t *out;
	uint32_t outlen;
	struct craft *c;
	struct icmp_msg m;
	struct icmp_wire w;
	struct ipaddr a, b;
	struct text_error terr;
	char err[160];
	size_t n = check_hex(hex, want, sizeof want);

	ipaddr_parse(src, &a);
	ipaddr_parse(dst, &b);
	CHECK(icmp_parse(line, &m, &terr));
	CHECK(icmp_resolve(&m, family, &w, err, sizeof err));
	w.quote.src = b;
	w.quote.dst = a;
	w.quote.sport = 80;
	w.quote.dport = 40000;
	w.quote.seq = 0x11223344;
	w.quote.len = qlen;
	c = craft_open(family, CRAFT_BYTES, err, sizeof err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_(craft_icmp_build(c, &a, &b, &w, &out, &outlen, err,
	    sizeof err) == 0, "builds %s (%s)", line, err);
	CHECK_INT(outlen, n);
	CHECK_MEM(out, want, n);
	/* The decoder reads back what the line said. */
	{
		struct decoded d;
		char detail[160];

		CHECK_INT(decode_frame(LINK_RAW, want, n, &d, detail,
		    sizeof detail), DEC_OK);
		CHECK_INT(d.kind, DK_ICMP);
		CHECK_INT(d.icmp_type, w.type);
		CHECK_INT(d.icmp_code, w.code);
		CHECK_INT(d.icmp_rest, m.mtu);
		CHECK_INT(d.icmp_qlen, qlen);
		CHECK_INT(d.seg.seq, 0x11223344);
		CHECK_INT(d.seg.sport, 80);
		CHECK_INT(d.seg.dport, 40000);
		CHECK(ipaddr_eq(&d.icmp_from, &a));
		segment_clear(&d.seg);
	}
	/* The context still crafts segments afterwards. */
	{
		struct segment s;
		segment_init(&s);
		s.src = a;
		s.dst = b;
		s.flags = TH_SYN_;
		CHECK(craft_build(c, &s, &out, &outlen, err, sizeof err) == 0);
		CHECK_INT(outlen, family == AF_INET ? 40 : 60);
	}
	craft_close(c);
}

/* The scenario's line: parsed into a STEP_ICMP and printed back. */
static void
test_script(void)
{
	static const char text[] =
	    "0 < S 0:0(0) win 1000\n"
	    "+0 > S. 0:0(0) ack 1 <...>\n"
	    "+.01 < icmp unreachable CODE [0:0(0)]\n";
	struct script_def def = { "CODE", "host_unreachable" };
	struct script_defs defs = { .v = &def, .n = 1 };
	struct script_errors errs = { 0 };
	struct script *sc;
	char *out;

	sc = script_parse_string("t.shake", text, &defs, &errs);
	CHECK(sc != NULL);
	if (sc == NULL)
		return;
	CHECK_INT(sc->nsteps, 3);
	CHECK_INT(sc->steps[2].kind, STEP_ICMP);
	CHECK_INT(sc->steps[2].dir, DIR_TO_TARGET);
	CHECK_STR(sc->steps[2].icmp.code, "host_unreachable");
	out = script_step_format(sc, &sc->steps[2]);
	CHECK_STR(out, "+0.010   < icmp unreachable host_unreachable [0:0(0)]");
	free(out);
	script_free(sc);
	sc = script_parse_string("t.shake", "0 > icmp unreachable\n", NULL,
	    &errs);
	CHECK(sc == NULL && errs.n == 1 && strstr(errs.v[0].msg,
	    "'> icmp'") != NULL);
	script_errors_clear(&errs);
	sc = script_parse_string("t.shake", "0 < udp (1 > 2) 4\n", NULL,
	    &errs);
	CHECK(sc == NULL && errs.n == 1 && strstr(errs.v[0].msg,
	    "'udp' lines") != NULL);
	script_errors_clear(&errs);
}

int
main(void)
{
	test_text();
	test_resolve();
	craft_vector(AF_INET, "198.18.0.1", "198.18.0.2",
	    "icmp unreachable frag_needed mtu 1200", v4_frag, 1460);
	craft_vector(AF_INET6, "2001:db8::1", "2001:db8::2",
	    "icmp packet_too_big mtu 1280", v6_ptb, 1440);
	test_script();
	return check_done();
}
