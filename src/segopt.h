/* SPDX-License-Identifier: GPL-2.0-or-later */
/* segopt.h: the segment options of the command line (flags, header fields,
 * TCP options, payload, IP fields): one table that probe, connect and the
 * shell share, so a name means the same thing with the same range in each,
 * and flag letters are those of a packet line. */
#ifndef TCPSHAKE_SEGOPT_H
#define TCPSHAKE_SEGOPT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "segment.h"

/* Scopes: which rows a command takes. */
#define SEGOPT_ANY	0x1	/* any segment: probe, the shell */
#define SEGOPT_SYN	0x2	/* what a SYN of a real connection offers:
				 * connect */

#define SEGOPT_MAX_WIN	(1u << 30)	/* with --wscale 14 */

enum {
	SO_FLAGS = 0x1000, SO_SYN, SO_ACKF, SO_FIN, SO_RST, SO_PSH, SO_URGF,
	SO_SEQ, SO_ACK, SO_WIN, SO_URG, SO_MSS, SO_WSCALE, SO_SACKOK, SO_SACK,
	SO_TS, SO_NOP, SO_OPTION, SO_DATA, SO_DATA_HEX, SO_DATA_LEN, SO_TTL,
	SO_TOS, SO_ID, SO_DF, SO_BADSUM,
};

extern const struct cli_opt segopt_table[];

struct segopts {
	struct segment	 seg;		/* flags, seq, ack, urg, options in
					 * the order given, payload, IP */
	uint32_t	 win;		/* --win, bytes */
	bool		 win_given;
	bool		 flags_given;
	bool		 seq_given;	/* --seq N (not "random") */
	bool		 ack_given;
	bool		 opts_given;	/* a TCP option */
};

void	 segopts_init(struct segopts *);
/* Apply option `id` with its value; false when id is not a segment
 * option. A bad value ends the program with one line naming the option. */
bool	 segopts_apply(struct segopts *, int id, const char *arg);
/* Hex digits ("0x" optional, spaces and colons ignored) into a new
 * buffer; *len gets the byte count. */
uint8_t	*segopt_hex(const char *s, size_t *len, const char *what);

#endif
