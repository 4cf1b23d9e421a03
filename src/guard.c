/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard.c: the kernel-RST guard: table inet tcpshake_<pid> through
 * libnftables, its removal on every exit path, and leftovers of dead ones. */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "guard.h"
#include "stops.h"
#include "xmalloc.h"

/*
 * The table. Flows are elements of two sets of concatenated 4-tuples, so
 * adding or removing a flow is one element and needs no rule handles.
 *
 * Only input is filtered. If the kernel never sees the target's segments
 * it has nothing to answer, so there is no RST of its own to catch on
 * output; and an output rule for "RST from local:lport to remote:rport"
 * would also drop the prober's own crafted RSTs, which libnet sends through
 * a raw socket that traverses the same output hook and that we cannot mark.
 * Priority filter - 10 sees the segments before the host's own filter
 * chains, so none of those (a "reject with tcp reset", say) acts first.
 */
#define GUARD_BODY \
	"add set inet %1$s in4 { type ipv4_addr . ipv4_addr . " \
	    "inet_service . inet_service; }\n" \
	"add set inet %1$s in6 { type ipv6_addr . ipv6_addr . " \
	    "inet_service . inet_service; }\n" \
	"add chain inet %1$s input { type filter hook input " \
	    "priority filter - 10; policy accept; }\n" \
	"add rule inet %1$s input ip saddr . ip daddr . tcp sport . " \
	    "tcp dport @in4 drop\n" \
	"add rule inet %1$s input ip6 saddr . ip6 daddr . tcp sport . " \
	    "tcp dport @in6 drop\n"

#define GUARD_NFT_NOTSUP " (the kernel lacks nftables? run with --no-guard " \
	"and drop the kernel's RSTs yourself)"
#define GUARD_NFT_EPERM "the guard needs root or CAP_NET_ADMIN"

struct guard {
	struct nft_ctx	*nft;
	char		 table[32];
	pid_t		 pid;		/* its maker (not a forked child) */
	bool		 owned;
	bool		 hooked[3];	/* ours on guard_signals[i] */
};

/* A tcpshake table seen in the ruleset. */
struct guard_found {
	char	 name[64];
	pid_t	 pid;
	bool	 alive;
};

/*
 * Process-wide state, because signal handlers and exit hooks get no
 * argument: the open guard, and (on kernels without the owner flag) the
 * netlink batch that deletes its table, built in advance so the handler
 * needs only async-signal-safe system calls. libnftables allocates and
 * takes no care of signals, so it cannot be called from a handler.
 */
static const int guard_signals[3] = { SIGINT, SIGTERM, SIGHUP };
static struct guard *guard_live;
static uint8_t guard_nlmsg[256];
static volatile sig_atomic_t guard_nlmsg_len;
static pid_t guard_nlmsg_pid;
static bool guard_atexit_done;

static void
guard_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
guard_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* libnftables's error text "netlink: Error: X\ncmd\n  ^^^" becomes X. */
static void
guard_nft_reason(const char *buf, char *out, size_t outlen)
{
	const char *p, *e;
	size_t n;

	if (buf == NULL || *buf == '\0')
		buf = "unknown error";
	e = strchr(buf, '\n');
	n = e != NULL ? (size_t)(e - buf) : strlen(buf);
	if ((p = strstr(buf, "Error: ")) != NULL && p < buf + n) {
		n -= (size_t)(p + 7 - buf);
		buf = p + 7;
	}
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
}

/* The errno a libnftables reason names, for the cases callers tell
 * apart; EIO for any other. */
static int
guard_reason_errno(const char *reason)
{
	if (strstr(reason, "Operation not permitted") != NULL)
		return EPERM;
	if (strstr(reason, "No such file or directory") != NULL)
		return ENOENT;
	if (strstr(reason, "File exists") != NULL)
		return EEXIST;
	if (strstr(reason, "not supported") != NULL)
		return EOPNOTSUPP;
	return EIO;
}

/*
 * Run one nft command (a batch when it has several lines). Returns 0, or
 * minus the errno its failure names (see guard_reason_errno()) with
 * "WHAT: REASON" in err, or the privileges line. libnftables empties its
 * error buffer when read, so the reason is taken here, once.
 */
static int
guard_nft_run(struct nft_ctx *nft, const char *what, bool opening,
    char *err, size_t errlen, const char *cmd)
{
	char reason[256];
	int e;

	/* Reading a buffer empties it: start both afresh, so what follows
	 * is this command's alone. */
	(void)nft_ctx_get_output_buffer(nft);
	(void)nft_ctx_get_error_buffer(nft);
	if (nft_run_cmd_from_buffer(nft, cmd) == 0)
		return 0;
	guard_nft_reason(nft_ctx_get_error_buffer(nft), reason, sizeof reason);
	e = guard_reason_errno(reason);
	if (e == EPERM)
		guard_seterr(err, errlen, "%s%s", GUARD_NFT_EPERM,
		    opening ? " (or run with --no-guard)" : "");
	else if (opening && (e == ENOENT || e == EOPNOTSUPP))
		guard_seterr(err, errlen, "%s: %s" GUARD_NFT_NOTSUP, what,
		    reason);
	else
		guard_seterr(err, errlen, "%s: %s", what, reason);
	return -e;
}

/*
 * libmnl opens the netlink socket without close-on-exec. An owned table
 * lives as long as that socket, so a child we exec must not inherit it:
 * mark every nf_tables netlink socket of the process close-on-exec.
 */
static void
guard_cloexec_netlink(void)
{
	DIR *d;
	struct dirent *de;
	int fd, dom, proto;
	socklen_t len;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		fd = atoi(de->d_name);
		len = sizeof dom;
		if (fd == dirfd(d) || getsockopt(fd, SOL_SOCKET, SO_DOMAIN,
		    &dom, &len) == -1 || dom != AF_NETLINK)
			continue;
		len = sizeof proto;
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto,
		    &len) == 0 && proto == NETLINK_NETFILTER)
			(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

/*
 * Raw nfnetlink, for the two things libnftables cannot do for us: a check
 * before it starts, and a deletion from a signal handler. One message: a
 * header, nfgenmsg, and a table name attribute when name is not NULL.
 */
static size_t
guard_nl_put(uint8_t *p, uint16_t type, uint16_t flags, uint32_t seq,
    uint8_t family, uint16_t resid, const char *name)
{
	struct nlmsghdr nh;
	struct nfgenmsg ng;
	struct nlattr na;
	size_t payload = NLMSG_ALIGN(sizeof ng);

	if (name != NULL)
		payload += NLA_ALIGN(NLA_HDRLEN + strlen(name) + 1);
	memset(&nh, 0, sizeof nh);
	nh.nlmsg_len = NLMSG_LENGTH(payload);
	nh.nlmsg_type = type;
	nh.nlmsg_flags = NLM_F_REQUEST | flags;
	nh.nlmsg_seq = seq;
	memset(&ng, 0, sizeof ng);
	ng.nfgen_family = family;
	ng.version = NFNETLINK_V0;
	ng.res_id = htons(resid);
	memset(p, 0, nh.nlmsg_len);
	memcpy(p, &nh, sizeof nh);
	memcpy(p + NLMSG_HDRLEN, &ng, sizeof ng);
	if (name != NULL) {
		na.nla_len = (uint16_t)(NLA_HDRLEN + strlen(name) + 1);
		na.nla_type = NFTA_TABLE_NAME;
		memcpy(p + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ng), &na,
		    sizeof na);
		memcpy(p + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof ng) + NLA_HDRLEN,
		    name, strlen(name) + 1);
	}
	return NLMSG_ALIGN(nh.nlmsg_len);
}

/*
 * Ask nf_tables for its generation through a socket of our own. This tells
 * "no nftables" and "no privileges" apart with a line of ours before
 * libnftables starts: it ends the process when it cannot open its socket,
 * and prints a refusal to stderr itself.
 */
static int
guard_nl_check(const char *what, bool opening, char *err, size_t errlen)
{
	struct sockaddr_nl sa;
	struct timeval tv = { 2, 0 };
	struct nlmsghdr nh;
	struct nlmsgerr ne;
	uint8_t req[64], ans[512];
	size_t len;
	ssize_t n;
	int fd, e = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd == -1) {
		guard_seterr(err, errlen, "%s: cannot open a netfilter netlink "
		    "socket: %s%s", what, strerror(errno),
		    opening ? GUARD_NFT_NOTSUP : "");
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	len = guard_nl_put(req, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN, 0,
	    1, AF_UNSPEC, 0, NULL);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, req, len, 0, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    (n = recv(fd, ans, sizeof ans, 0)) == -1)
		e = errno;
	else if (n >= (ssize_t)(NLMSG_HDRLEN + sizeof ne)) {
		memcpy(&nh, ans, sizeof nh);
		memcpy(&ne, ans + NLMSG_HDRLEN, sizeof ne);
		if (nh.nlmsg_type == NLMSG_ERROR && ne.error < 0)
			e = -ne.error;
	}
	close(fd);
	if (e == 0)
		return 0;
	if (e == EPERM)
		guard_seterr(err, errlen, "%s%s", GUARD_NFT_EPERM,
		    opening ? " (or run with --no-guard)" : "");
	else
		guard_seterr(err, errlen, "%s: %s%s", what, strerror(e),
		    opening ? GUARD_NFT_NOTSUP : "");
	return -1;
}

/* A libnftables context with buffered output and errors, once the
 * kernel said it will talk to us. */
static struct nft_ctx *
guard_nft_new(const char *what, bool opening, char *err, size_t errlen)
{
	struct nft_ctx *nft;

	if (guard_nl_check(what, opening, err, errlen) == -1)
		return NULL;
	if ((nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL) {
		guard_seterr(err, errlen, "%s: libnftables cannot start", what);
		return NULL;
	}
	if (nft_ctx_buffer_output(nft) != 0 || nft_ctx_buffer_error(nft) != 0) {
		nft_ctx_free(nft);
		guard_seterr(err, errlen, "%s: libnftables cannot buffer its "
		    "output", what);
		return NULL;
	}
	guard_cloexec_netlink();
	return nft;
}

/* "tcpshake_1234" gives 1234; anything else 0. */
static pid_t
guard_table_pid(const char *name)
{
	const char *p;
	long v;
	char *end;

	if (strncmp(name, GUARD_TABLE_PREFIX, strlen(GUARD_TABLE_PREFIX)) != 0)
		return 0;
	p = name + strlen(GUARD_TABLE_PREFIX);
	if (!isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > INT32_MAX)
		return 0;
	return (pid_t)v;
}

static bool
guard_pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

/* Whether a table belongs to a guard open in this very process. */
static bool
guard_is_ours(const char *name)
{
	return guard_live != NULL && strcmp(name, guard_live->table) == 0;
}

/* The tcpshake tables of family inet in this network namespace. Returns
 * how many (*out: an array to free), or -1 with err (worded for
 * guard_open() when `opening`). */
static int
guard_find(struct nft_ctx *nft, bool opening, struct guard_found **out,
    char *err, size_t errlen)
{
	struct guard_found *f = NULL;
	char *buf, *line, *save = NULL, name[64];
	int n = 0;
	pid_t pid;

	*out = NULL;
	if (guard_nft_run(nft, opening ? "cannot add nftables table" :
	    "cannot list nftables tables", opening, err, errlen,
	    "list tables inet") != 0)
		return -1;
	buf = xstrdup(nft_ctx_get_output_buffer(nft));
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "table inet %63s", name) != 1 ||
		    (pid = guard_table_pid(name)) == 0)
			continue;
		f = xreallocarray(f, (size_t)n + 1, sizeof *f);
		snprintf(f[n].name, sizeof f[n].name, "%s", name);
		f[n].pid = pid;
		/* A table named after us that is not our guard's was left
		 * by a dead process that had our pid before. */
		f[n].alive = pid == getpid() ? guard_is_ours(name) :
		    guard_pid_alive(pid);
		n++;
	}
	free(buf);
	*out = f;
	return n;
}

/*
 * Delete one table. 1: removed; 0: already gone, or owned by a live
 * process (the kernel lets only the owner touch it, and removes it when
 * that process ends); -1: error.
 */
static int
guard_remove(struct nft_ctx *nft, const char *name, char *err, size_t errlen)
{
	char cmd[128], what[128];
	int r;

	snprintf(cmd, sizeof cmd, "delete table inet %s", name);
	snprintf(what, sizeof what, "cannot remove nftables table %s", name);
	if ((r = guard_nft_run(nft, what, false, err, errlen, cmd)) == 0)
		return 1;
	/* We could list the table, so EPERM is the owner flag speaking. */
	return r == -ENOENT || r == -EPERM ? 0 : -1;
}

static int
guard_flush_ctx(struct nft_ctx *nft, bool opening, bool all, FILE *out,
    char *err, size_t errlen)
{
	struct guard_found *f;
	int i, n, r, removed = 0;

	if ((n = guard_find(nft, opening, &f, err, errlen)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (guard_is_ours(f[i].name) || (f[i].alive && !all)) {
			if (out != NULL)
				fprintf(out, "kept %s: pid %ld is alive "
				    "(--flush --all removes it)\n", f[i].name,
				    (long)f[i].pid);
			continue;
		}
		if ((r = guard_remove(nft, f[i].name, err, errlen)) == -1) {
			free(f);
			return -1;
		}
		removed += r;
		if (out != NULL && r == 1)
			fprintf(out, "removed %s (pid %ld, %s)\n", f[i].name,
			    (long)f[i].pid, f[i].alive ? "alive" : "dead");
		else if (out != NULL)
			fprintf(out, "kept %s: its owner, pid %ld, is running; "
			    "it goes when that process ends\n", f[i].name,
			    (long)f[i].pid);
	}
	free(f);
	return removed;
}

int
guard_flush(bool all, FILE *out, char *err, size_t errlen)
{
	struct nft_ctx *nft;
	int r;

	if ((nft = guard_nft_new("cannot remove nftables tables", false, err,
	    errlen)) == NULL)
		return -1;
	r = guard_flush_ctx(nft, false, all, out, err, errlen);
	nft_ctx_free(nft);
	return r;
}

int
guard_list(FILE *out, char *err, size_t errlen)
{
	struct nft_ctx *nft;
	struct guard_found *f;
	const char *text;
	char cmd[128];
	int i, n;

	if ((nft = guard_nft_new("cannot list nftables tables", false, err,
	    errlen)) == NULL)
		return -1;
	if ((n = guard_find(nft, false, &f, err, errlen)) == -1) {
		nft_ctx_free(nft);
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof cmd, "list table inet %s", f[i].name);
		/* It may have gone since the listing: say so, go on. */
		if (guard_nft_run(nft, "", false, NULL, 0, cmd) != 0) {
			fprintf(out, "%s: pid %ld, gone while listing\n",
			    f[i].name, (long)f[i].pid);
			continue;
		}
		text = nft_ctx_get_output_buffer(nft);
		/* An owned table lives exactly as long as its process, even
		 * one that kill(2) cannot see (another pid namespace). */
		if (strstr(text, "\tflags owner") != NULL)
			fprintf(out, "%s: pid %ld, alive (owner: the table "
			    "goes when it ends)\n", f[i].name,
			    (long)f[i].pid);
		else
			fprintf(out, "%s: pid %ld, %s\n", f[i].name,
			    (long)f[i].pid, f[i].alive ? "alive" : "dead "
			    "(tcpshake guard --flush removes it)");
		fputs(text, out);
	}
	free(f);
	nft_ctx_free(nft);
	return n;
}

static void
guard_nl_build(const char *name)
{
	size_t off = 0;

	off += guard_nl_put(guard_nlmsg + off, NFNL_MSG_BATCH_BEGIN, 0, 1,
	    AF_UNSPEC, NFNL_SUBSYS_NFTABLES, NULL);
	off += guard_nl_put(guard_nlmsg + off,
	    NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELTABLE, NLM_F_ACK, 2,
	    NFPROTO_INET, 0, name);
	off += guard_nl_put(guard_nlmsg + off, NFNL_MSG_BATCH_END, 0, 3,
	    AF_UNSPEC, NFNL_SUBSYS_NFTABLES, NULL);
	guard_nlmsg_pid = getpid();
	guard_nlmsg_len = (sig_atomic_t)off;
}

static void
guard_nl_warn(void)
{
	static const char msg[] = "tcpshake: could not remove the guard's "
	    "nftables table; 'tcpshake guard --flush' removes it\n";

	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
}

/* Send the prepared batch. Only async-signal-safe calls: this runs in a
 * signal handler. nfnetlink handles the batch inside sendto(), so its
 * answer is already queued when sendto() returns. */
static void
guard_nl_delete(void)
{
	struct sockaddr_nl sa;
	struct nlmsghdr nh;
	struct nlmsgerr ne;
	uint8_t ack[512];
	ssize_t n;
	int fd;

	if (guard_nlmsg_len == 0 || getpid() != guard_nlmsg_pid)
		return;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_NETFILTER)) == -1) {
		guard_nl_warn();
		return;
	}
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, guard_nlmsg, (size_t)guard_nlmsg_len, 0,
	    (struct sockaddr *)&sa, sizeof sa) == -1) {
		guard_nl_warn();
		close(fd);
		return;
	}
	n = recv(fd, ack, sizeof ack, MSG_DONTWAIT);
	if (n >= (ssize_t)(NLMSG_HDRLEN + sizeof ne)) {
		memcpy(&nh, ack, sizeof nh);
		memcpy(&ne, ack + NLMSG_HDRLEN, sizeof ne);
		if (nh.nlmsg_type == NLMSG_ERROR && ne.error != 0 &&
		    ne.error != -ENOENT)
			guard_nl_warn();
	}
	close(fd);
	guard_nlmsg_len = 0;
}

/* Remove the table, then die of the signal as if no handler were there:
 * SA_RESETHAND put the default action back, and the raised signal waits
 * blocked until the handler returns. */
static void
guard_on_signal(int sig)
{
	int saved = errno;

	guard_nl_delete();
	raise(sig);
	errno = saved;
}

/* Set sig's action to fn, with the guard's signals blocked while fn runs
 * and the default action back as fn starts. */
static bool
guard_sigaction(int sig, void (*fn)(int))
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = fn == SIG_DFL ? 0 : SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, guard_signals[i]);
	return sigaction(sig, &sa, NULL) == 0;
}

static bool
guard_sighandler_is(int sig, void (*fn)(int))
{
	struct sigaction cur;

	return sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == fn;
}

static void
guard_hook_signals(struct guard *g)
{
	size_t i;

	/* A program's own handler, or an ignored SIGHUP (nohup), stays. */
	for (i = 0; i < 3; i++)
		if (guard_sighandler_is(guard_signals[i], SIG_DFL))
			g->hooked[i] = guard_sigaction(guard_signals[i],
			    guard_on_signal);
}

static void
guard_unhook_signals(struct guard *g)
{
	size_t i;

	/* Put back the default only where ours is still there. */
	for (i = 0; i < 3; i++) {
		if (g->hooked[i] &&
		    guard_sighandler_is(guard_signals[i], guard_on_signal))
			guard_sigaction(guard_signals[i], SIG_DFL);
		g->hooked[i] = false;
	}
}

static void
guard_at_exit(void)
{
	if (guard_live != NULL && guard_live->pid == getpid())
		guard_close(guard_live);
}

/* Create the table, with the owner flag unless told not to or the kernel
 * refuses it. */
static int
guard_create(struct guard *g, unsigned int flags, char *err, size_t errlen)
{
	char *cmd;
	int r;

	if (!(flags & GUARD_NO_OWNER)) {
		xasprintf(&cmd, "create table inet %1$s { flags owner; }\n"
		    GUARD_BODY, g->table);
		r = guard_nft_run(g->nft, "", true, NULL, 0, cmd);
		free(cmd);
		if (r == 0) {
			g->owned = true;
			return 0;
		}
	}
	xasprintf(&cmd, "create table inet %1$s\n" GUARD_BODY, g->table);
	r = guard_nft_run(g->nft, "cannot add nftables table", true, err,
	    errlen, cmd);
	free(cmd);
	if (r == -EEXIST)
		guard_seterr(err, errlen, "cannot add nftables table %s: it "
		    "exists and belongs to a running process (another pid "
		    "namespace?)", g->table);
	return r == 0 ? 0 : -1;
}

struct guard *
guard_open_flags(unsigned int flags, char *err, size_t errlen)
{
	struct guard *g;
	sigset_t old;

	if (guard_live != NULL && guard_live->pid == getpid()) {
		guard_seterr(err, errlen, "a guard is already open in this "
		    "process");
		return NULL;
	}
	g = xcalloc(1, sizeof *g);
	g->pid = getpid();
	snprintf(g->table, sizeof g->table, GUARD_TABLE_PREFIX "%ld",
	    (long)g->pid);
	if ((g->nft = guard_nft_new("cannot add nftables table", true, err,
	    errlen)) == NULL) {
		free(g);
		return NULL;
	}
	if (guard_flush_ctx(g->nft, true, false, NULL, err, errlen) == -1) {
		nft_ctx_free(g->nft);
		free(g);
		return NULL;
	}
	/* A signal between creating the table and hooking the handlers
	 * would leave it behind: hold signals until both are done. */
	stops_block(&old);
	if (guard_create(g, flags, err, errlen) == -1) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		nft_ctx_free(g->nft);
		free(g);
		return NULL;
	}
	guard_live = g;
	atfatal(guard_at_exit);
	if (!guard_atexit_done)
		guard_atexit_done = atexit(guard_at_exit) == 0;
	if (!g->owned) {
		guard_nl_build(g->table);
		guard_hook_signals(g);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return g;
}

struct guard *
guard_open(char *err, size_t errlen)
{
	return guard_open_flags(0, err, errlen);
}

bool
guard_owned(const struct guard *g)
{
	return g->owned;
}

const char *
guard_table(const struct guard *g)
{
	return g->table;
}

static int
guard_flow(struct guard *g, const char *verb, const struct ipaddr *local,
    uint16_t lport, const struct ipaddr *remote, uint16_t rport, char *err,
    size_t errlen)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], cmd[256], what[64];
	int af = local->family, e;

	if ((af != AF_INET && af != AF_INET6) || remote->family != af) {
		guard_seterr(err, errlen, "guard: a flow needs two IPv4 or two "
		    "IPv6 addresses");
		return -1;
	}
	inet_ntop(af, local->a, l, sizeof l);
	inet_ntop(af, remote->a, r, sizeof r);
	snprintf(cmd, sizeof cmd, "%s element inet %s %s { %s . %s . %u . "
	    "%u }", verb, g->table, af == AF_INET ? "in4" : "in6", r, l,
	    (unsigned)rport, (unsigned)lport);
	snprintf(what, sizeof what, "cannot %s a flow in the guard's table",
	    verb);
	if ((e = guard_nft_run(g->nft, what, false, err, errlen, cmd)) == 0)
		return 0;
	if (strcmp(verb, "delete") == 0 && e == -ENOENT)
		guard_seterr(err, errlen, "the guard has no flow %s%s%s:%u > "
		    "%s%s%s:%u", af == AF_INET6 ? "[" : "", r,
		    af == AF_INET6 ? "]" : "", (unsigned)rport,
		    af == AF_INET6 ? "[" : "", l, af == AF_INET6 ? "]" : "",
		    (unsigned)lport);
	return -1;
}

int
guard_add_flow(struct guard *g, const struct ipaddr *local, uint16_t lport,
    const struct ipaddr *remote, uint16_t rport, char *err, size_t errlen)
{
	return guard_flow(g, "add", local, lport, remote, rport, err, errlen);
}

int
guard_del_flow(struct guard *g, const struct ipaddr *local, uint16_t lport,
    const struct ipaddr *remote, uint16_t rport, char *err, size_t errlen)
{
	return guard_flow(g, "delete", local, lport, remote, rport, err,
	    errlen);
}

void
guard_close(struct guard *g)
{
	char err[256];
	sigset_t old;

	if (g == NULL)
		return;
	/* A signal now would find the table half gone: hold it until the
	 * table is deleted and the default actions are back. */
	stops_block(&old);
	if (g->pid == getpid() && guard_remove(g->nft, g->table, err,
	    sizeof err) == -1)
		warnx_("%s; 'tcpshake guard --flush' removes it", err);
	guard_nlmsg_len = 0;
	guard_unhook_signals(g);
	if (guard_live == g)
		guard_live = NULL;
	nft_ctx_free(g->nft);
	free(g);
	sigprocmask(SIG_SETMASK, &old, NULL);
}
