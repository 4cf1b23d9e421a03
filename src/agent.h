/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent.h: the system-call agent: a process in the target's network
 * namespace that makes a scenario's system calls on that kernel's
 * sockets and runs its commands there, at the engine's request. */
#ifndef TCPSHAKE_AGENT_H
#define TCPSHAKE_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"
#include "segment.h"

/*
 * The agent is a fork of the run taken before it drops its privileges:
 * it holds the parsed script, so a request names a step by its index and
 * the reply carries the verdict the agent reached (return value, errno,
 * the values read back) and the monotonic times the call began and
 * ended. One call at a time, as packetdrill's system-call thread: a
 * blocking call ('...') runs while the engine goes on with the packets.
 * Messages go over a SOCK_SEQPACKET pair, one message each.
 */
enum agent_kind {
	AGENT_ADDRS,		/* the lab's addresses and ports */
	AGENT_CALL,		/* run step `step`'s system call */
	AGENT_SHELL,		/* run step `step`'s command */
	AGENT_PY_SNAP,		/* %{ }% of step `step`: TCP_INFO now */
	AGENT_PY_RUN,		/* and its code with it, at the end */
};

struct agent_req {
	uint32_t	 kind;		/* enum agent_kind */
	uint32_t	 step;
	struct ipaddr	 target;	/* AGENT_ADDRS: bind()'s address */
	struct ipaddr	 prober;	/* and connect()'s */
	uint16_t	 target_port;
	uint16_t	 prober_port;
	int64_t		 t0;		/* AGENT_CALL: the script's time
					 * 0, CLOCK_MONOTONIC ns */
	int64_t		 tol_ns;	/* and the line's tolerance */
};

struct agent_rep {
	uint32_t	 step;
	int32_t		 ok;		/* the result as the line says */
	int64_t		 t_start;	/* CLOCK_MONOTONIC, ns */
	int64_t		 t_end;
	char		 got[200];	/* "= 4", "= -1 EAGAIN" */
	char		 why[400];	/* when not ok */
};

struct agent;

/* Fork the agent into /run/netns/NETNS, its working directory dir (a
 * command's relative paths, as packetdrill runs a script from its
 * directory). NULL with one line in err. */
struct agent *agent_start(const struct script *sc, const char *netns,
	    const char *dir, char *err, size_t errlen);
int	 agent_send(struct agent *, const struct agent_req *, char *err,
	    size_t errlen);
/* 1 with *rep when a reply is there, 0 when none yet, -1 when the
 * agent is gone (err says why). Never blocks. */
int	 agent_poll(struct agent *, struct agent_rep *rep, char *err,
	    size_t errlen);
/* Ends it (SIGKILL when a call still blocks) and waits for it. */
void	 agent_stop(struct agent *);

/* Inside the agent: the call of step st, its verdict in rep. */
struct agent_ctx;
struct agent_ctx *agent_ctx_new(const struct script *sc);
void	 agent_ctx_free(struct agent_ctx *);
void	 agent_ctx_addrs(struct agent_ctx *, const struct agent_req *);
void	 agent_call(struct agent_ctx *, const struct step *st,
	    const struct agent_req *req, struct agent_rep *rep);
/* The socket under test (ours) or -1; step idx's snapshot slot. */
int	 agent_ctx_sut(const struct agent_ctx *);
const struct script *agent_ctx_script(const struct agent_ctx *);
char	**agent_ctx_snap(struct agent_ctx *, size_t idx);

/* A call of a line: its return value, errno set; why (whylen bytes)
 * for what it read back that differs from the line. */
struct syscall;
struct sx;
typedef long (*agent_call_fn)(struct agent_ctx *, const struct syscall *,
    char *why, size_t whylen);
/* A line the agent cannot make: why, once; the line fails with it. */
void	 agent_bad(struct agent_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
bool	 agent_is_bad(const struct agent_ctx *);
/* Argument i of the line: itself, a number ([N] read as N), the fd of
 * ours a script fd stands for (an unmapped one gives EBADF). */
const struct sx *agent_arg(struct agent_ctx *, const struct syscall *,
	    size_t i);
int64_t	 agent_arg_int(struct agent_ctx *, const struct syscall *, size_t i);
int	 agent_arg_fd(struct agent_ctx *, const struct syscall *, size_t i);
#define AGENT_MAX_FD	256	/* script fds are 0 to this less 1 */
bool	 agent_fd_map(struct agent_ctx *, int64_t script_fd, int fd);
bool	 agent_fd_taken(const struct agent_ctx *, int64_t script_fd);

/* agent-file.c: files and pipes: open, sendfile, pipe, splice. */
long	 agent_call_open(struct agent_ctx *, const struct syscall *,
	    char *why, size_t whylen);
long	 agent_call_sendfile(struct agent_ctx *, const struct syscall *,
	    char *why, size_t whylen);
long	 agent_call_pipe(struct agent_ctx *, const struct syscall *,
	    char *why, size_t whylen);
long	 agent_call_splice(struct agent_ctx *, const struct syscall *,
	    char *why, size_t whylen);

/* agent-kill.c: the connection on the four-tuple of target and prober
 * (an earlier one of the file's) destroyed; a listener stays. */
struct sockaddr_storage;
void	 agent_flow_kill(const struct sockaddr_storage *target,
	    const struct sockaddr_storage *prober);

/* agent-python.c: TCP_INFO's fields by name, and %{ }% blocks. */
struct tcp_info;
bool	 agent_tcpi_field(const struct tcp_info *, const char *name,
	    uint64_t *v);
void	 agent_python_snap(struct agent_ctx *, size_t idx,
	    struct agent_rep *rep);
void	 agent_python_run(struct agent_ctx *, const struct step *st,
	    size_t idx, struct agent_rep *rep);

/* agent-addr.c: packetdrill's names of the two ends (--local_ip, the
 * target; --remote_ip, the prober): the file's, else packetdrill's
 * defaults for the run's family (v6: IPv6). */
struct agent_names {
	struct ipaddr	 local;
	struct ipaddr	 remote;
};
struct sx;
struct sockaddr;
void	 agent_names_init(struct agent_names *, const struct script *,
	    bool v6);
/* The end an address written in a line names: 1 the target, 0 the
 * prober; -1 with why when it is neither (the agent never calls with
 * another address). Its IPv4-mapped form names the same end. */
int	 agent_addr_end(const struct agent_names *, const struct sx *addr,
	    char *why, size_t n);
/* The same for a sockaddr argument: dflt for '...' (or none). */
int	 agent_sockaddr_end(const struct agent_names *, const struct sx *sa,
	    int dflt, char *why, size_t n);
/* A sockaddr the kernel gave (accept, getsockname) against the line's
 * {sa_family=..., sin_port=htons(N), sin_addr=inet_addr("A")}: its
 * family, its end (the lab's target and prober addresses name them) and
 * the target's port; true for '...'. */
bool	 agent_sockaddr_check(const struct agent_names *, const struct sx *want,
	    const struct sockaddr *got, const struct ipaddr *target,
	    const struct ipaddr *prober, char *why, size_t n);

/* agent-cmsg.c: msg_control=[...] of sendmsg and recvmsg lines. The
 * control bytes the list stands for, built in buf (cap bytes): their
 * length, or -1 with one line in err. */
struct msghdr;
long	 agent_cmsg_build(const struct sx *list, void *buf, size_t cap,
	    char *err, size_t n);
/* What recvmsg read back against the list; t0 and tol as in
 * struct agent_req. */
bool	 agent_cmsg_check(const struct sx *list, const struct msghdr *got,
	    int64_t t0, int64_t tol, char *why, size_t n);

#endif
