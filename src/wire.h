/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wire.h: the prober's path to the target: the capture open first, raw
 * sends with their kernel stamps, the guard for its flows, decoded arrivals,
 * over a backend (wire_ops): the live one (wire-live.c) or a fake one
 * (wire-fake.c) for tests without root. */
#ifndef TCPSHAKE_WIRE_H
#define TCPSHAKE_WIRE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "decode.h"
#include "segment.h"

/*
 * One wire is one local address talking to one remote address: a live
 * capture filtered on them (open before anything is sent), a raw sending
 * context (CRAFT_WIRE), and, unless told not to, the guard keeping the
 * local kernel from answering the target's segments with RST. The drivers
 * (endpoint.c for flows, engine.c for scenarios) keep their own concerns
 * and share this one.
 *
 * Time: ns since wire_open() (or wire_start()), one clock for everything:
 * the monotonic clock for the caller's deadlines, and the capture's stamps
 * (CLOCK_REALTIME, as in pcap files) converted against the realtime taken
 * at the same moment.
 *
 * A sent segment's time is its kernel stamp: wire_send() remembers its
 * key (ports, seq, ack when ACK is set, flags, length, window) with the
 * caller's tag, and wire_read() reports the capture's copy of it as
 * WIRE_SENT with that tag. A send the capture does not show is given up
 * by wire_expire(); if it shows later, it is WIRE_LATE, not mistaken for
 * someone else's segment.
 *
 * Nothing blocks without a deadline. Errors are one line in err; nothing
 * here exits.
 *
 * The backend is a small table of operations, as packetdrill's
 * netdev_ops: the live one opens capture, raw sender and guard; the fake
 * one (wire-fake.h) runs on a clock of its own with scripted arrivals and
 * recorded sends. Stamps, clock conversion and classification are here,
 * the same for both.
 */
struct wire;
struct srcrange;
struct icmp_wire;

/* A captured frame as a backend hands it over. */
struct wire_frame {
	struct timespec	 ts;		/* realtime kernel stamp */
	int		 linktype;	/* a LINK_ number (decode.h) */
	const uint8_t	*data;		/* valid until the next next() */
	uint32_t	 caplen;
};

/* A copy of the template (wire_set_template()) with these fields. */
struct wire_patch {
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 seq;
	uint32_t	 ack;
	uint8_t		 flags;
};

struct wire_ops {
	const char	*name;
	/* Send seg's bytes; bytes and len (may be NULL) get them. */
	int		(*send)(void *impl, const struct segment *seg,
			    const uint8_t **bytes, uint32_t *len, char *err,
			    size_t errlen);
	/* The next captured frame: 1, 0 when none now, -1 with err. */
	int		(*next)(void *impl, struct wire_frame *, char *err,
			    size_t errlen);
	/* Wait at most ns for a frame (mask: signal mask meanwhile): 1
	 * when one is there or a signal came, 0 when the time ran out. */
	int		(*wait)(void *impl, int64_t ns, const sigset_t *mask,
			    char *err, size_t errlen);
	int64_t		(*mono)(void *impl);	/* monotonic ns */
	void		(*realtime)(void *impl, struct timespec *);
	/* Keep a local port ours (want 0: any free one) until close. */
	int		(*take_port)(void *impl, uint16_t want, uint16_t *port,
			    char *err, size_t errlen);
	int		(*guard_flow)(void *impl, uint16_t lport,
			    uint16_t rport, char *err, size_t errlen);
	bool		(*guarded)(void *impl);
	unsigned	(*drops)(void *impl);
	/* Build seg once as the template of send_batch's copies. */
	int		(*set_template)(void *impl, const struct segment *seg,
			    char *err, size_t errlen);
	/* Send n copies of the template, the i-th patched with p[i], in as
	 * few system calls as the backend can. */
	int		(*send_batch)(void *impl, const struct wire_patch *p,
			    size_t n, char *err, size_t errlen);
	/* Send an ICMP error from src to dst (craft_icmp_build()); bytes
	 * and len as send's. */
	int		(*send_icmp)(void *impl, const struct ipaddr *src,
			    const struct ipaddr *dst,
			    const struct icmp_wire *w, const uint8_t **bytes,
			    uint32_t *len, char *err, size_t errlen);
	void		(*close)(void *impl);
};

#define WIRE_SENT_WAIT_NS	100000000LL	/* 100 ms */
#define WIRE_NEVER		INT64_MAX

struct wire_config {
	struct ipaddr	 local;		/* our address */
	struct ipaddr	 remote;	/* the target's (same family) */
	const char	*ifname;	/* capture here; NULL: "any" */
	uint16_t	 lport;		/* narrow the capture to these ports; */
	uint16_t	 rport;		/* 0 leaves that end's port open */
	/* With lport 0: narrow the capture to local ports in [lport_lo,
	 * lport_hi] (one sender's share of a burst); 0, 0: any. */
	uint16_t	 lport_lo, lport_hi;
	/* Our segments may leave from forged addresses of this range too
	 * (probe --source-range): captured, and classified as local's.
	 * The caller's; NULL: none. */
	const struct srcrange *forged;
	bool		 icmp;		/* capture ICMP errors sent to local */
	bool		 no_guard;	/* leave the local kernel in the way */
	/* Open the guard before the capture and the sender: a user without
	 * privileges then hears about CAP_NET_ADMIN rather than CAP_NET_RAW
	 * (run says the former, connect the latter). */
	bool		 guard_first;
	int64_t		 sent_wait_ns;	/* 0: WIRE_SENT_WAIT_NS */
};

enum wire_kind {
	WIRE_SENT,	/* ours, seen leaving: tag and sent_ns say which */
	WIRE_LATE,	/* ours, seen after wire_expire() gave up on it */
	WIRE_FOREIGN,	/* local to remote, not sent by wire_send() */
	WIRE_ARRIVED,	/* remote to local */
	WIRE_ICMP,	/* an ICMP error quoting a segment from local */
	WIRE_MALFORMED,	/* did not decode: status and detail */
};

struct wire_pkt {
	enum wire_kind	 kind;
	struct decoded	 d;		/* valid until the next wire_read();
					 * its payload is the wire's: copy,
					 * never segment_clear() it */
	struct timespec	 ts;		/* the capture's kernel stamp */
	int64_t		 t_ns;		/* the same on the wire's clock */
	uint64_t	 tag;		/* WIRE_SENT: wire_send()'s tag */
	int64_t		 sent_ns;	/* WIRE_SENT: the clock at sending */
	enum decode_status status;	/* WIRE_MALFORMED */
	char		 detail[160];	/* WIRE_MALFORMED, may be "" */
};

/* The capture's BPF filter for cfg: TCP between the two addresses (and
 * the ports that are not 0), and with cfg->icmp ICMP errors to local. */
char	*wire_filter(const struct wire_config *);

/* The live wire: open capture, sender and guard (the order: see
 * guard_first). NULL with one line in err. The guard removes stale tables
 * and hooks SIGINT, SIGTERM and SIGHUP only where they are still SIG_DFL.
 * (wire-live.c) */
struct wire *wire_open(const struct wire_config *, char *err, size_t errlen);
/* A wire over a backend; its clock starts now. */
struct wire *wire_new(const struct wire_config *, const struct wire_ops *,
	    void *impl);
void	*wire_impl(const struct wire *);
const struct wire_config *wire_config(const struct wire *);
/* Close the backend (guard removed, capture and sender closed, ports
 * given back). NULL is fine. */
void	 wire_close(struct wire *);

/* Time zero of the run is now (wire_open() sets it too). */
void	 wire_start(struct wire *);
/* ns since time zero, on the monotonic clock. */
int64_t	 wire_now(const struct wire *);
/* A capture stamp on the wire's clock, and the realtime of a clock time
 * (for events without a kernel stamp). */
int64_t	 wire_stamp_ns(const struct wire *, const struct timespec *);
struct timespec wire_realtime(const struct wire *, int64_t t);

/* Keep local port want ours (0: a free one) while the wire is open: the
 * local kernel then gives it to nobody else. 0 with *port, or -1. */
int	 wire_take_port(struct wire *, uint16_t want, uint16_t *port,
	    char *err, size_t errlen);
/* Guard local:lport <- remote:rport. 0 (also without a guard), or -1. */
int	 wire_guard_flow(struct wire *, uint16_t lport, uint16_t rport,
	    char *err, size_t errlen);
bool	 wire_guarded(const struct wire *);
/* Packets the capture dropped so far. */
unsigned wire_drops(const struct wire *);

/* Send seg (addresses as the wire's) and wait for its stamp under tag.
 * bytes/len (may be NULL) receive the bytes sent, valid until the next
 * send. 0, or -1 with err. */
int	 wire_send(struct wire *, const struct segment *seg, uint64_t tag,
	    const uint8_t **bytes, uint32_t *len, char *err, size_t errlen);
/* The burst path, keeping no stamps (the caller knows its segments when
 * the capture shows them: WIRE_FOREIGN): one segment as it is; or, for
 * many that differ in ports, numbers and flags only, seg (addresses as
 * the wire's) as the template and wire_send_batch()'s n patched copies of
 * it. 0, or -1 with err. */
int	 wire_send_unstamped(struct wire *, const struct segment *seg,
	    char *err, size_t errlen);
int	 wire_set_template(struct wire *, const struct segment *seg,
	    char *err, size_t errlen);
int	 wire_send_batch(struct wire *, const struct wire_patch *p, size_t n,
	    char *err, size_t errlen);
/* An ICMP error from local to remote about the segment w->quote (its
 * addresses: remote to local). It keeps no stamp: the capture shows only
 * what arrives. 0, or -1 with err. */
int	 wire_send_icmp(struct wire *, const struct icmp_wire *w,
	    const uint8_t **bytes, uint32_t *len, char *err, size_t errlen);
/* One of our addresses: local, or one of the forged range. */
bool	 wire_is_local(const struct wire *, const struct ipaddr *);

/* Sends whose stamp has not come and that are not given up. */
size_t	 wire_unseen(const struct wire *);
/* When the oldest of those is given up (WIRE_NEVER: none). */
int64_t	 wire_next_expiry(const struct wire *);
/* Give up the oldest send whose wait ended by now (WIRE_NEVER: any):
 * true with its tag; call until false. */
bool	 wire_expire(struct wire *, int64_t now, uint64_t *tag);

/* The next captured packet between the two addresses: 1 with *pkt, 0
 * when none is there now, -1 with the capture's message in err. Frames
 * that are not IP or not TCP (decode_is_skip), TCP between other hosts
 * and ICMP errors quoting someone else's segment are skipped. */
int	 wire_read(struct wire *, struct wire_pkt *pkt, char *err,
	    size_t errlen);
/* Wait at most ns for the capture to have something, with mask as the
 * signal mask meanwhile (NULL: unchanged). An interruption is no error.
 * It sleeps rather than spins: in the lab the target's programs need the
 * same CPUs, and on a busy machine the delay is being scheduled at all
 * (--realtime, bench/reaction). */
int	 wire_wait(struct wire *, int64_t ns, const sigset_t *mask,
	    char *err, size_t errlen);

/*
 * The table behind wire_send() and WIRE_SENT, on its own for tests: keys
 * in sending order; a captured segment takes the first equal key; a key
 * given up stays among the last WIRE_LATE_KEYS so its late copy is known.
 */
#define WIRE_LATE_KEYS	16

struct wire_stamps;

struct wire_stamps *wire_stamps_new(void);
void	 wire_stamps_free(struct wire_stamps *);
void	 wire_stamps_add(struct wire_stamps *, const struct segment *seg,
	    uint64_t tag, int64_t at);
/* WIRE_SENT (with *tag and *at, the key removed), WIRE_LATE or
 * WIRE_FOREIGN for a captured segment of local's. */
enum wire_kind wire_stamps_match(struct wire_stamps *,
	    const struct segment *seg, uint64_t *tag, int64_t *at);
size_t	 wire_stamps_count(const struct wire_stamps *);
/* The oldest key's time, or WIRE_NEVER. */
int64_t	 wire_stamps_oldest(const struct wire_stamps *);
/* Give up the oldest key added at or before `before`: true with its tag. */
bool	 wire_stamps_expire(struct wire_stamps *, int64_t before,
	    uint64_t *tag);

#endif
