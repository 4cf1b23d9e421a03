/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode.h: bytes from a capture become a segment. Every read is bounds
 * checked; a truncated or lying packet is an error value saying what is
 * wrong. ICMP and ICMPv6 errors that quote a TCP header are decoded too, so
 * a probe can be told its segment was refused. */
#ifndef TCPSHAKE_DECODE_H
#define TCPSHAKE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "segment.h"

/* Link types, as pcap numbers them (DLT_*); repeated here so callers need
 * not include pcap.h. */
#define LINK_NULL	0	/* BSD loopback: 4-byte host-order family */
#define LINK_EN10MB	1
#define LINK_RAW	12	/* DLT_RAW on Linux: IPv4 or IPv6, no header */
#define LINK_LOOP	108	/* OpenBSD loopback: 4-byte network order */
#define LINK_LINUX_SLL	113
#define LINK_IPV4	228
#define LINK_IPV6	229
#define LINK_LINUX_SLL2	276
#define LINK_RAW_101	101	/* LINKTYPE_RAW as stored in files */

enum decode_status {
	DEC_OK = 0,
	DEC_LINK_UNSUPPORTED,	/* a link type we cannot read */
	DEC_LINK_TRUNCATED,	/* shorter than its link header */
	DEC_NOT_IP,		/* ARP, LLDP, ...: not an error, counted */
	DEC_IP_TRUNCATED,	/* shorter than an IP header */
	DEC_IP_VERSION,		/* version nibble says neither 4 nor 6 */
	DEC_IP_HLEN,		/* IPv4 IHL < 5 or beyond the packet */
	DEC_IP_TOTLEN,		/* IPv4 total length < IHL*4 or > captured */
	DEC_IP6_PLEN,		/* IPv6 payload length beyond the packet */
	DEC_IP6_EXTHDR,		/* an IPv6 extension header runs past the end */
	DEC_FRAGMENT,		/* a non-first fragment: no TCP header here */
	DEC_NOT_TCP,		/* UDP, ...: not an error, counted */
	DEC_TCP_TRUNCATED,	/* shorter than the 20-byte TCP header */
	DEC_TCP_DOFF_SMALL,	/* data offset below 5 */
	DEC_TCP_DOFF_LARGE,	/* data offset beyond the segment */
	DEC_OPT_LEN_ZERO,	/* an option with length 0 */
	DEC_OPT_LEN_ONE,	/* an option with length 1 */
	DEC_OPT_OVERRUN,	/* an option runs past the header */
	DEC_OPT_BAD_LEN,	/* a known option with the wrong length */
	DEC_OPT_TOO_MANY,	/* more options than a segment keeps */
	DEC_ICMP_TRUNCATED,	/* an ICMP error too short to quote TCP */
};

enum decode_kind {
	DK_TCP,		/* seg is the segment */
	DK_ICMP,	/* seg is the TCP segment quoted by an ICMP error:
			 * addresses, ports and seq; other fields zero */
};

struct decoded {
	enum decode_kind kind;
	struct segment	 seg;
	/* The IP packet inside the link frame, for writing pcap files. */
	const uint8_t	*ip;
	uint32_t	 iplen;
	/* ICMP errors: who sent it and what it says. */
	struct ipaddr	 icmp_from;
	uint8_t		 icmp_type;
	uint8_t		 icmp_code;
	uint32_t	 icmp_rest;	/* bytes 4-7 (an MTU, or unused) */
	uint32_t	 icmp_qlen;	/* the quoted segment's payload bytes,
					 * from its IP length and a 20-byte
					 * TCP header (or its data offset when
					 * quoted) */
};

/* Decode one captured frame. On DEC_OK fills *d (d->seg owns its payload:
 * segment_clear(&d->seg) when done). On error `detail` (if not NULL) gets a
 * sentence naming the offending field and its value, and d->seg holds no
 * payload. *d is overwritten whole: clear a previous segment first.
 *
 * A decoded segment has SEG_HAS_PORTS, _WIN, _OPTS, _TTL, _TOS (and _ID for
 * IPv4) set, _ACK when the ACK flag is, _URG when URG is, _DATA when there
 * is payload. Trailing bytes past the IP length (Ethernet padding) are cut.
 *
 * Captures cut short: decode_frame sees only caplen, so a snaplen-truncated
 * packet and one whose IP length lies look the same. Both are refused with
 * DEC_IP_TOTLEN (IPv4, "captured N of M bytes") or DEC_IP6_PLEN (IPv6).
 * decode_frame_len also knows the frame's length on the wire (pcap's len):
 * when the IP length fits in it, the snaplen cut the packet, and a
 * segment whose headers were all captured decodes with seg.truncated set,
 * seg.len the whole payload's length, seg.captured the bytes captured
 * (data holds len bytes, the rest zero) and cksum_state CKSUM_UNKNOWN. A
 * cut TCP header is DEC_TCP_TRUNCATED ("cut by the capture"); an IP
 * length beyond the wire length is still a lie.
 *
 * Checksums: cksum_state is CKSUM_OK, CKSUM_OFFLOADED (the field holds
 * the pseudo-header sum a NIC was left to finish: offload.h) or CKSUM_BAD,
 * with cksum_good the right value; CKSUM_UNKNOWN for a first fragment (the rest is elsewhere).
 * IPv6 routing headers with segments left (types 0, 2, 4) give the final
 * destination for the pseudo-header. The IPv4 header checksum and ICMP
 * checksums are not checked. IPv6 jumbograms are refused (DEC_IP6_PLEN).
 * Option offsets in `detail` count from the first option byte. */
enum decode_status decode_frame(int linktype, const uint8_t *frame,
	    size_t caplen, struct decoded *d, char *detail, size_t detaillen);
/* The same with the frame's length on the wire (wirelen >= caplen; a
 * smaller one is taken as caplen). */
enum decode_status decode_frame_len(int linktype, const uint8_t *frame,
	    size_t caplen, size_t wirelen, struct decoded *d, char *detail,
	    size_t detaillen);
/* Decode an IP packet with no link header. */
enum decode_status decode_ip(const uint8_t *pkt, size_t len,
	    struct decoded *d, char *detail, size_t detaillen);
/* Decode TCP options into seg->opts (replacing any; sets SEG_HAS_OPTS).
 * An EOL is kept as an option and ends the list: what follows is padding.
 * Unknown kinds keep their len - 2 data bytes in u.raw. Used by decode_ip,
 * exposed for unit tests. */
enum decode_status decode_tcp_options(const uint8_t *opts, size_t len,
	    struct segment *seg, char *detail, size_t detaillen);
/* Short fixed text for a status ("TCP data offset below 5"). */
const char *decode_strerror(enum decode_status);
/* True for statuses that are not malformation (not IP, not TCP). */
bool	 decode_is_skip(enum decode_status);

#endif
