/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-types.h: the lab's shape (names, interfaces, addresses) and the
 * types every lab module shares: sides, sysctls, router and impairment
 * settings, what `up` is asked for and what it made. */
#ifndef TCPSHAKE_LAB_TYPES_H
#define TCPSHAKE_LAB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The lab's fixed shape. Namespaces are NAME-c (the client, where the
 * prober runs) and NAME-s (the server, the target); the veth pair is made
 * inside them, so nothing is named in the root namespace. With a router,
 * NAME-r sits between them: c0 - r0 on 198.18.0.0/24 and 2001:db8::/64,
 * r1 - s0 on 198.18.1.0/24 and 2001:db8:1::/64.
 */
#define LAB_NAME_MAX		10
#define LAB_DEFAULT_NAME	"tcpshake"
#define LAB_NETNS_DIR		"/run/netns"
#define LAB_RUN_DIR		"/run/tcpshake"	/* /run/tcpshake/NAME/ */
#define LAB_CLIENT_IF		"c0"
#define LAB_SERVER_IF		"s0"
#define LAB_CLIENT_V4		"198.18.0.1"
#define LAB_SERVER_V4		"198.18.0.2"
#define LAB_V4_PREFIX		24
#define LAB_CLIENT_V6		"2001:db8::1"
#define LAB_SERVER_V6		"2001:db8::2"
#define LAB_V6_PREFIX		64
#define LAB_ROUTER_CIF		"r0"		/* the client's side */
#define LAB_ROUTER_SIF		"r1"		/* the server's side */
#define LAB_ROUTER_CV4		"198.18.0.254"
#define LAB_ROUTER_CV6		"2001:db8::fe"
#define LAB_ROUTER_SV4		"198.18.1.254"
#define LAB_ROUTER_SV6		"2001:db8:1::fe"
#define LAB_ROUTED_SERVER_V4	"198.18.1.2"
#define LAB_ROUTED_SERVER_V6	"2001:db8:1::2"
#define LAB_SERVE_DEFAULT	"--port 80 --mode echo"

enum lab_side {
	LAB_CLIENT,
	LAB_SERVER,
	LAB_ROUTER,
};

/* What the router does besides routing (lab-router.c). */
enum lab_fw_action {
	LAB_FW_DROP,			/* silence */
	LAB_FW_RESET,			/* "reject": an RST from the router */
	LAB_FW_ICMP,			/* "reject-icmp": port unreachable */
};

struct lab_firewall {
	enum lab_fw_action	 action;
	uint16_t		 port;
};

struct lab_router {
	bool			 enabled;
	bool			 nat;		/* masquerade towards the server */
	bool			 synproxy;	/* answer handshakes itself */
	struct lab_firewall	*firewall;
	size_t			 nfirewall;
};

/* Impairments of the target's outgoing packets (lab-impair.c). */
struct lab_impair {
	uint32_t	 delay_us;
	uint32_t	 jitter_us;
	uint32_t	 loss_ppm;	/* parts per million */
	uint32_t	 reorder_ppm;
	uint32_t	 duplicate_ppm;
	uint64_t	 seed;
	bool		 seeded;
};

struct lab_sysctl {
	enum lab_side	 side;
	char		*key;		/* "net.ipv4.tcp_synack_retries" */
	char		*value;
};

struct lab_config {
	const char		*name;
	const struct lab_sysctl	*sysctls;
	size_t			 nsysctls;
	char			**serve_argv;	/* words after "serve"; NULL:
						 * start no server */
	char			**const *serve_more; /* more servers' words,
						 * NULL-terminated; may be NULL */
	bool			 offloads;	/* checksum offload, TSO, GSO
						 * and GRO on; false: off */
	struct lab_router	 router;
	struct lab_impair	 impair;
};

/* At most this many servers per lab (one --serve each). */
#define LAB_MAX_SERVE	8

/* One server lab_up started. */
struct lab_served {
	long		 pid;
	uint16_t	 port;
	char		 log[128];	/* serve.log, or serve-PORT.log */
};

/* What lab_up made, for the front end to print. */
struct lab_made {
	long		 serve_pid;	/* 0 without serve */
	uint16_t	 serve_port;
	char		 log[128];	/* serve's log file */
	struct lab_served more[LAB_MAX_SERVE - 1];	/* --serve again */
	size_t		 nmore;
	char		 impair[256];	/* how impairments are made, or "" */
	bool		 recovered;	/* an interrupted up's parts removed */
};

#endif
