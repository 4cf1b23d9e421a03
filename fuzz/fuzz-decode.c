/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz/fuzz-decode.c: a libFuzzer target: captured bytes through the
 * decoder and on through the text (with -e and hex) and JSON printers, as
 * tcpshake read shows them. Byte 0 picks the link type. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int links[] = {
	LINK_RAW, LINK_EN10MB, LINK_NULL, LINK_LOOP, LINK_LINUX_SLL,
	LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2, LINK_RAW_101,
};
#define NLINKS	(sizeof links / sizeof links[0])

/* The printers write to /dev/null: the fuzzer judges what they read. */
static struct sink *
sinks_open(FILE *out)
{
	struct sink *chain = NULL;

	sinks_add(&chain, &report_text_ops, report_text_new(out,
	    REPORT_EXPLAIN | REPORT_HEX | REPORT_IP));
	sinks_add(&chain, &report_text_ops, report_text_new(out, 0));
	sinks_add(&chain, &report_json_ops, report_json_new(out));
	return chain;
}

static void
emit(struct sink *chain, const struct decoded *d, enum decode_status st,
    const char *detail, uint8_t sel)
{
	struct event ev;

	event_init(&ev, EV_SEGMENT);
	ev.t_ns = (int64_t)sel * 1000;
	if (st != DEC_OK) {
		ev.type = EV_MALFORMED;
		ev.text = detail[0] != '\0' ? detail : decode_strerror(st);
	} else if (d->kind == DK_ICMP) {
		ev.type = EV_ICMP;
		ev.seg = &d->seg;
		ev.icmp_type = d->icmp_type;
		ev.icmp_code = d->icmp_code;
		ev.icmp_from = &d->icmp_from;
	} else {
		ev.seg = &d->seg;
		ev.ip = d->ip;
		ev.iplen = d->iplen;
		ev.dir = sel & 0x10 ? DIR_FROM_TARGET : DIR_TO_TARGET;
		/* Relative numbers, as read shows a flow after its SYN. */
		ev.relative = (sel & 0x20) != 0;
		ev.seq_base = d->seg.seq - 1;
		ev.ack_base = d->seg.ack - 1;
	}
	sinks_emit(chain, &ev);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	struct sink *chain;
	struct decoded d;
	enum decode_status st;
	char detail[256];
	uint8_t sel;

	if (size < 1)
		return 0;
	if (out == NULL && (out = fopen("/dev/null", "w")) == NULL)
		abort();
	sel = data[0];
	memset(&d, 0, sizeof d);
	detail[0] = '\0';
	/* Bit 6: the wire length is larger than what was captured, as when
	 * a snaplen cuts the packet. */
	st = decode_frame_len(links[(sel & 0x0f) % NLINKS], data + 1, size - 1,
	    (sel & 0x40) ? size - 1 + 64 : size - 1, &d, detail,
	    sizeof detail);
	if (st != DEC_LINK_UNSUPPORTED && !decode_is_skip(st)) {
		chain = sinks_open(out);
		emit(chain, &d, st, detail, sel);
		sinks_close(&chain);
	}
	segment_clear(&d.seg);
	return 0;
}
