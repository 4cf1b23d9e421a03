/* SPDX-License-Identifier: GPL-2.0-or-later */
/* segment.h: struct segment, one TCP segment with the IP fields a user may
 * set, and its text form (packetdrill's packet-line syntax, SCENARIO.md). */
#ifndef TCPSHAKE_SEGMENT_H
#define TCPSHAKE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/* TCP flag bits, as on the wire (byte 13 of the header). */
#define TH_FIN_	0x01
#define TH_SYN_	0x02
#define TH_RST_	0x04
#define TH_PSH_	0x08
#define TH_ACK_	0x10
#define TH_URG_	0x20
#define TH_ECE_	0x40
#define TH_CWR_	0x80

/* TCP option kinds. */
enum opt_kind {
	OPT_EOL = 0,
	OPT_NOP = 1,
	OPT_MSS = 2,
	OPT_WSCALE = 3,
	OPT_SACKOK = 4,
	OPT_SACK = 5,
	OPT_TS = 8,
};

#define OPT_MAX_SACK	4	/* 4 blocks fill 34 of the 40 option bytes */
#define OPT_MAX_RAW	38	/* data bytes of an unknown option */
#define SEG_MAX_OPTS	40	/* 40 one-byte NOPs fill the option space */

struct sack_block {
	uint32_t	left;
	uint32_t	right;
};

/* One TCP option. `len` is the on-wire length byte (0 for EOL and NOP, which
 * have none); for unknown kinds `raw` holds the len - 2 data bytes. */
struct tcp_option {
	uint8_t		kind;
	uint8_t		len;
	bool		any_data;	/* "md5 valid": any data bytes of
					 * this length match ('>' lines) */
	union {
		uint16_t		mss;
		uint8_t			wscale;
		struct {
			uint8_t			n;
			struct sack_block	b[OPT_MAX_SACK];
		} sack;
		struct {
			uint32_t		val;
			uint32_t		ecr;
		} ts;
		uint8_t			raw[OPT_MAX_RAW];
	} u;
};

/* An IPv4 or IPv6 address. family is AF_INET, AF_INET6, or AF_UNSPEC when
 * the segment has none (a packet line carries no addresses). */
struct ipaddr {
	sa_family_t	family;
	uint8_t		a[16];	/* 4 bytes used for AF_INET */
};

enum cksum_state {
	CKSUM_UNKNOWN = 0,	/* not computed (e.g. parsed from text) */
	CKSUM_OK,
	CKSUM_BAD,
	CKSUM_OFFLOADED,	/* left for the NIC to fill in (offload.h) */
};

/*
 * `has` says which optional parts a segment carries: a parsed packet line
 * gives only some fields, and an expected line may leave fields open.
 */
#define SEG_HAS_PORTS	0x0001	/* sport>dport given */
#define SEG_HAS_ACK	0x0002	/* "ack N" given (an ack number, not the flag) */
#define SEG_HAS_WIN	0x0004	/* "win N" given */
#define SEG_HAS_URG	0x0008	/* "urg N" given */
#define SEG_HAS_OPTS	0x0010	/* "<...>" list given (may be empty: "<>") */
#define SEG_ANY_OPTS	0x0020	/* "<...>": any options match */
#define SEG_HAS_DATA	0x0040	/* payload bytes given ("..." or 0x..) */
#define SEG_ANY_SEQ	0x0080	/* "*" for the sequence numbers */
#define SEG_ANY_ACK	0x0100	/* "ack *" */
#define SEG_ABS_SEQ	0x0200	/* "N!": sequence number is absolute */
#define SEG_ABS_ACK	0x0400	/* "ack N!": ack number is absolute */
#define SEG_HAS_TTL	0x0800	/* "(ttl N)" or decoded */
#define SEG_HAS_TOS	0x1000	/* "(tos 0xNN)" or decoded */
#define SEG_HAS_ECN	0x2000	/* "[ect0]", "[ect1]", "[ce]", "[noecn]" */
#define SEG_HAS_ID	0x4000	/* IPv4 id given or decoded */
#define SEG_ANY_WIN	0x8000	/* "win *" */
#define SEG_ECN_ECT01	0x10000	/* "[ect01]": ECT(0) or ECT(1) (with
				 * SEG_HAS_ECN; '>' lines only) */
#define SEG_HAS_FLOWLABEL 0x20000 /* "(flowlabel 0xNNNNN)" */
#define SEG_HAS_DSCP	0x40000	/* "(dscp N)": the tos byte's six high
				 * bits alone (with SEG_HAS_ECN, all) */

enum ecn_mark {
	ECN_NOT = 0,
	ECN_ECT1 = 1,
	ECN_ECT0 = 2,
	ECN_CE = 3,
};

struct segment {
	/* IP */
	struct ipaddr	src;
	struct ipaddr	dst;
	uint8_t		ttl;		/* TTL or hop limit; 0: default (64) */
	uint8_t		tos;		/* TOS or traffic class, ECN bits included */
	uint16_t	ip_id;
	bool		df;		/* IPv4 don't fragment */
	uint32_t	flowlabel;	/* IPv6 flow label, 20 bits */

	/* TCP */
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;
	uint32_t	ack;
	uint8_t		flags;		/* TH_* */
	bool		ae;		/* AE, AccECN's flag (RFC 9768; the
					 * old NS bit, byte 12's low bit):
					 * 'A' on a packet line */
	uint8_t		doff;		/* data offset in words; 0: computed */
	uint16_t	win;
	uint16_t	urg;
	uint16_t	cksum;		/* as on the wire (decode) */
	enum cksum_state cksum_state;	/* decode: verified result */
	uint16_t	cksum_good;	/* decode: the right checksum */
	bool		badsum;		/* craft: write a wrong checksum */
	const char	*md5_key;	/* "md5 valid": the key its digest is
					 * made (craft) or checked (match)
					 * with, owned by the script; NULL:
					 * none */

	uint8_t		nopts;
	struct tcp_option opts[SEG_MAX_OPTS];

	/* Payload: owned by the segment, freed by segment_clear(). */
	uint8_t		*data;
	uint32_t	len;		/* payload length (end - start) */
	/* decode: the capture's snaplen cut the payload. Only `captured` of
	 * its len bytes were captured; data still holds len bytes, the
	 * missing tail zero, and the checksum is CKSUM_UNKNOWN. */
	bool		truncated;
	uint32_t	captured;

	uint32_t	has;		/* SEG_HAS_* / SEG_ANY_* / SEG_ABS_* */
	struct timespec	ts;		/* capture time, when known */
};

void	 segment_init(struct segment *);
void	 segment_clear(struct segment *);	/* frees data, re-inits */
void	 segment_copy(struct segment *dst, const struct segment *src);
void	 segment_set_data(struct segment *, const void *, uint32_t);
/* Sequence space a segment occupies: payload + SYN + FIN. */
uint32_t segment_seqlen(const struct segment *);
/* Bytes the options take on the wire, before padding to 4. */
size_t	 segment_optlen(const struct segment *);
/* Append an option; false when no room is left. */
bool	 segment_add_opt(struct segment *, const struct tcp_option *);
const struct tcp_option *segment_find_opt(const struct segment *, uint8_t);

/* Flags as packetdrill letters ("S.", "P.", "F.", "R", "-"). */
char	*segment_flags_str(uint8_t flags, char *buf, size_t len);
/* The same with the AE flag ("SEA.", "A" alone rather than "-A"). */
char	*segment_flags_ae_str(uint8_t flags, bool ae, char *buf, size_t len);
/* Name of an option kind ("mss", "TS", ...) or NULL when unknown. */
const char *opt_kind_name(uint8_t kind);

/* Addresses. */
bool	 ipaddr_parse(const char *, struct ipaddr *);
char	*ipaddr_str(const struct ipaddr *, char *buf, size_t len);
bool	 ipaddr_eq(const struct ipaddr *, const struct ipaddr *);
size_t	 ipaddr_len(const struct ipaddr *);	/* 4, 16 or 0 */

/*
 * Text form (segment-text.c): the packet line of SCENARIO.md without its
 * time and direction:
 *
 *	[sport>dport] FLAGS start:end(len) [ack N] [win N] [urg N]
 *	    [<options>] [payload] [(ttl N)] [(tos 0xNN)] [[ect0]]
 *
 * The printer and the parser are one pair: parsing what segment_format()
 * printed with SEGFMT_FULL gives the same segment back.
 */
#define SEGFMT_PORTS	0x01	/* print sport>dport */
#define SEGFMT_PAYLOAD	0x02	/* print the whole payload */
#define SEGFMT_PREVIEW	0x04	/* print at most 24 payload bytes, then ... */
#define SEGFMT_IP	0x08	/* print (ttl N) (tos 0xNN) */
#define SEGFMT_FULL	(SEGFMT_PORTS | SEGFMT_PAYLOAD | SEGFMT_IP)

struct text_error {
	int	 column;	/* 1-based column of the problem */
	char	 msg[160];	/* what was expected, in words */
};

/* Parse one packet line. On failure returns false, seg is cleared. */
bool	 segment_parse(const char *text, struct segment *seg,
	    struct text_error *err);
/* Flags alone, as on a packet line ("S.", "FP.", "-"): the command line's
 * --flags goes through here so both take the same letters. */
bool	 segment_parse_flags(const char *text, uint8_t *flags,
	    struct text_error *err);
/* Print into a newly allocated string (free() it). */
char	*segment_format(const struct segment *seg, int fmt);
/* Options alone, "<mss 1460,sackOK,nop,wscale 7>"; into a new string. */
char	*segment_format_opts(const struct segment *seg);
/* Payload as a C-escaped string with quotes; max 0 for all of it. */
char	*segment_format_data(const uint8_t *, size_t, size_t max);

#endif
