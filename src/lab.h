/* lab.h: the lab: a client and a server network namespace joined by veth
 * (or through a router namespace), per-namespace sysctls, the serve
 * process, impairments, and running commands inside. */
#ifndef TCPSHAKE_LAB_H
#define TCPSHAKE_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
struct lab_firewall {
	bool		 reject;	/* else drop */
	uint16_t	 port;
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
	bool			 offloads;	/* checksum offload, TSO, GSO
						 * and GRO on; false: off */
	struct lab_router	 router;
	struct lab_impair	 impair;
};

/* What lab_up made, for the front end to print. */
struct lab_made {
	long		 serve_pid;	/* 0 without serve */
	uint16_t	 serve_port;
	char		 log[128];	/* serve's log file */
	char		 impair[256];	/* how impairments are made, or "" */
	bool		 recovered;	/* an interrupted up's parts removed */
};

/* NAME: 1..10 of [a-z0-9-], not starting with '-'. */
bool	 lab_name_valid(const char *);
/* "NAME-c", "NAME-s" or "NAME-r" into buf. */
void	 lab_ns_name(const char *name, enum lab_side, char *buf, size_t len);
/* Parse "KEY=VALUE" (KEY a net.* sysctl); false with *error. */
bool	 lab_sysctl_parse(const char *, enum lab_side, struct lab_sysctl *,
	    char **error);
/* Split --serve "ARGS" into words as sh(1) would: '...' and "..." quote,
 * \ escapes (inside "..." only before " and \).
 * Returns a NULL-terminated array, or NULL with *error. */
char	**lab_split_words(const char *, char **error);
/* Free what lab_split_words() and lab_sysctl_parse() made. */
void	 lab_words_free(char **);
void	 lab_sysctls_free(struct lab_sysctl *, size_t);
/* The port a serve command line listens on (its --port, else 80). */
uint16_t lab_serve_port(char *const *argv);

/* Whether any part of lab NAME exists (a namespace, its run dir). */
bool	 lab_exists(const char *name);
/* Whether lab NAME has a router namespace. */
bool	 lab_has_router(const char *name);
/* The target's addresses in lab NAME (routed or not). */
const char *lab_target_v4(const char *name);
const char *lab_target_v6(const char *name);
/* Build the lab; on failure (or when lab_interrupted is set) remove what
 * was made, return -1 and *error. Parts left by an `up` that was killed
 * are removed first (made->recovered). */
int	 lab_up(const struct lab_config *, struct lab_made *, char **error);
/* Kill every process in the namespaces and remove them and the run dir.
 * Returns -1 with *error when something could not be removed. */
int	 lab_down(const char *name, char **error);
/* Processes whose network namespace is the side's; *out to free. */
size_t	 lab_pids(const char *name, enum lab_side, long **out);
/* Describe an existing lab on f (lab-status.c). Returns 0 when the lab is
 * whole and working, 1 when it is half-built or broken (what is wrong is
 * on f, with the command that fixes it). */
int	 lab_status(const char *name, FILE *f);
/* Enter the side's namespace and execvp argv: returns only on failure,
 * with errno set and *error. */
int	 lab_exec(const char *name, enum lab_side, char **argv, char **error);

#endif
