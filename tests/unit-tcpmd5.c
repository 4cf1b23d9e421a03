/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-tcpmd5.c: MD5 against RFC 1321's test suite, and TCP's MD5
 * signature (RFC 2385): a crafted "md5 valid" segment decodes with a
 * digest that checks under its key and not under another. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "craft.h"
#include "decode.h"
#include "match.h"
#include "md5.h"
#include "tcpmd5.h"

static void
hex16(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
test_md5(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} v[] = {	/* RFC 1321, A.5 */
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678"
		    "9012345678901234567890",
		    "57edf4a22be3c955ac49da2e2107b67a" },
	};
	struct md5 m;
	uint8_t d[16];
	char got[33];
	size_t i, k;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		md5_init(&m);
		md5_update(&m, v[i].in, strlen(v[i].in));
		md5_final(&m, d);
		hex16(d, got);
		CHECK_STR(got, v[i].want);
		/* The same a byte at a time. */
		md5_init(&m);
		for (k = 0; v[i].in[k] != '\0'; k++)
			md5_update(&m, v[i].in + k, 1);
		md5_final(&m, d);
		hex16(d, got);
		CHECK_STR(got, v[i].want);
	}
}

/* An expected "md5 valid" line checks the digest under its key. */
static void
match_against(const struct segment *got, const char *what)
{
	struct seqspace b = { .isn = { 1999, 999 }, .known = { true, true } };
	struct segment exp;
	struct text_error err;
	struct match_result r;

	segment_init(&exp);
	CHECK(segment_parse("P. 1:6(5) ack 1 win 512 <nop,nop,md5 valid>",
	    &exp, &err));
	exp.md5_key = "secret";
	CHECK_(match_segment(&exp, got, &b, &r), "%s: matches under its key",
	    what);
	exp.md5_key = "other";
	CHECK_(!match_segment(&exp, got, &b, &r) && r.ndiffs == 1 &&
	    strcmp(r.diff[0], "md5: the digest is not valid under "
	    "--tcp_md5_secret") == 0, "%s: not under another", what);
	exp.md5_key = NULL;
	CHECK_(match_segment(&exp, got, &b, &r), "%s: any digest without a "
	    "key", what);
	segment_clear(&exp);
}

static void
test_sign(int family, const char *src, const char *dst)
{
	struct craft *c;
	struct segment s;
	struct tcp_option o;
	struct decoded dec;
	const uint8_t *p;
	uint32_t n;
	char err[256], detail[256];

	c = craft_open(family, CRAFT_BYTES, err, sizeof err);
	CHECK_(c != NULL, "craft_open: %s", err);
	if (c == NULL)
		return;
	segment_init(&s);
	ipaddr_parse(src, &s.src);
	ipaddr_parse(dst, &s.dst);
	s.sport = 40000; s.dport = 179; s.seq = 1000; s.ack = 2000;
	s.flags = TH_PSH_ | TH_ACK_; s.win = 512;
	memset(&o, 0, sizeof o);
	o.kind = OPT_NOP;
	segment_add_opt(&s, &o);
	segment_add_opt(&s, &o);
	o.kind = 19;
	o.len = 18;
	o.any_data = true;
	segment_add_opt(&s, &o);
	segment_set_data(&s, "hello", 5);
	s.md5_key = "secret";
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	memset(&dec, 0, sizeof dec);
	CHECK_(decode_ip(p, n, &dec, detail, sizeof detail) == DEC_OK,
	    "decodes: %s", detail);
	CHECK_(dec.seg.cksum_state == CKSUM_OK, "%s: checksum right after "
	    "signing", src);
	CHECK_(tcpmd5_check(&dec.seg, "secret"), "%s: digest checks under "
	    "its key", src);
	CHECK_(!tcpmd5_check(&dec.seg, "secreT"), "%s: not under another",
	    src);
	match_against(&dec.seg, src);
	dec.seg.seq++;
	CHECK_(!tcpmd5_check(&dec.seg, "secret"), "%s: nor with another "
	    "seq", src);
	segment_clear(&dec.seg);
	/* Without a key the digest stays zero. */
	s.md5_key = NULL;
	CHECK(craft_build(c, &s, &p, &n, err, sizeof err) == 0);
	CHECK(decode_ip(p, n, &dec, detail, sizeof detail) == DEC_OK &&
	    !tcpmd5_check(&dec.seg, "secret"));
	segment_clear(&dec.seg);
	segment_clear(&s);
	craft_close(c);
}

int
main(void)
{
	test_md5();
	test_sign(AF_INET, "198.18.0.1", "198.18.0.2");
	test_sign(AF_INET6, "2001:db8::1", "2001:db8::2");
	return check_done();
}
