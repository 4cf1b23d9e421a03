/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serve.c: the lab's TCP server on kernel sockets: listen (dual-stack by
 * default), accept on poll, and echo, discard, banner or close per mode. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "hex.h"
#include "serve.h"
#include "xmalloc.h"

static const struct serve_mode_info serve_modes[] = {
	{ .name = "echo", .mode = SERVE_ECHO, .arg = SERVE_ARG_NONE },
	{ .name = "discard", .mode = SERVE_DISCARD, .arg = SERVE_ARG_NONE },
	{ .name = "banner", .mode = SERVE_BANNER, .arg = SERVE_ARG_TEXT },
	{ .name = "close-after", .mode = SERVE_CLOSE_AFTER,
	  .arg = SERVE_ARG_COUNT },
	{ .name = "write-after-eof", .mode = SERVE_WRITE_AFTER_EOF,
	  .arg = SERVE_ARG_TEXT },
	{ .name = "close-first", .mode = SERVE_CLOSE_FIRST,
	  .arg = SERVE_ARG_TEXT },
	{ .name = "close-delay", .mode = SERVE_CLOSE_DELAY,
	  .arg = SERVE_ARG_DURATION },
};
#define NMODES (sizeof serve_modes / sizeof serve_modes[0])

/* Accepts taken per wake-up, so one busy listener cannot starve the
 * connections already open. */
#define SERVE_ACCEPT_BATCH	64
#define SERVE_READ_SIZE		16384

struct serve_conn {
	int		 fd;
	char		 peer[64];	/* "198.18.0.1:40000", "[2001:db8::1]:80" */
	uint8_t		*out;		/* bytes still to write */
	size_t		 outlen;
	size_t		 outoff;
	uint64_t	 nread;
	uint64_t	 nwritten;
	int64_t		 close_at;	/* close-delay: not before (mono ns) */
	bool		 eof;		/* the peer shut down its sending side */
	bool		 closing;	/* close once `out` is written */
	bool		 shut;		/* --half-close: our side is shut */
	bool		 eof_reply;	/* write-after-eof's TEXT is due */
	bool		 connecting;	/* --connect: the handshake is on */
};

struct serve_state {
	const struct serve_opts *opts;
	int		 lfd;		/* listener, -1 once closed */
	int		 sigfd;
	bool		 accepting;	/* poll the listener */
	bool		 fd_starved;	/* accept hit EMFILE: wait for a close */
	unsigned	 accepted;
	bool		 single;	/* --once or --connect: one connection */
	char		*error;		/* --connect failed */
	struct serve_conn *conns;
	size_t		 nconns;
	size_t		 cap;
	struct pollfd	*pfds;
};

const struct serve_mode_info *
serve_mode_find(const char *name)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (strcmp(serve_modes[i].name, name) == 0)
			return &serve_modes[i];
	return NULL;
}

static const char *
serve_mode_name(enum serve_mode mode)
{
	size_t i;

	for (i = 0; i < NMODES; i++)
		if (serve_modes[i].mode == mode)
			return serve_modes[i].name;
	return "?";
}

const char *
serve_mode_names(void)
{
	return "echo|discard|banner TEXT|close-after N|write-after-eof TEXT|"
	    "close-first TEXT|close-delay DURATION";
}

void
serve_opts_init(struct serve_opts *o)
{
	memset(o, 0, sizeof *o);
	o->port = 80;
	o->mode = SERVE_ECHO;
	o->backlog = SOMAXCONN;
}

bool
serve_unescape(const char *text, uint8_t **out, size_t *outlen, char **error)
{
	uint8_t *buf = xmalloc(strlen(text) + 1);
	const char *p;
	size_t n = 0;
	int hi, lo;

	for (p = text; *p != '\0'; p++) {
		if (*p != '\\') {
			buf[n++] = (uint8_t)*p;
			continue;
		}
		switch (*++p) {
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case '0': buf[n++] = '\0'; break;
		case '\\': buf[n++] = '\\'; break;
		case 'x':
			if ((hi = hex_digit(p[1])) >= 0 &&
			    (lo = hex_digit(p[2])) >= 0) {
				buf[n++] = (uint8_t)(hi << 4 | lo);
				p += 2;
				break;
			}
			/* FALLTHROUGH */
		default:
			xasprintf(error, "'%s': unknown escape at '\\%.1s' "
			    "(use \\r \\n \\t \\0 \\\\ or \\xHH)", text, p);
			free(buf);
			return false;
		}
	}
	*out = buf;
	*outlen = n;
	return true;
}

/* "198.18.0.1:40000" or "[2001:db8::1]:40000"; IPv4-mapped addresses of
 * the dual-stack listener are shown as the IPv4 addresses they are. */
static void
serve_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], a, sizeof a);
		snprintf(buf, len, "%s:%u", a, ntohs(s6->sin6_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

static void
serve_log(const struct serve_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
serve_log(const struct serve_state *st, const char *fmt, ...)
{
	va_list ap;

	if (st->opts->log == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(st->opts->log, fmt, ap);
	va_end(ap);
	fputc('\n', st->opts->log);
	fflush(st->opts->log);
}

/* The listening address: [::] with IPV6_V6ONLY off takes both families;
 * a --bind literal picks its own family. */
static bool
serve_sockaddr(const struct serve_opts *o, struct sockaddr_storage *ss,
    socklen_t *sslen, char **error)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof *ss);
	if (o->bind == NULL || inet_pton(AF_INET6, o->bind,
	    &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(o->port);
		*sslen = sizeof *s6;
		return true;
	}
	if (inet_pton(AF_INET, o->bind, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(o->port);
		*sslen = sizeof *s4;
		return true;
	}
	xasprintf(error, "--bind: '%s' is not an IPv4 or IPv6 address",
	    o->bind);
	return false;
}

static int
serve_listen(const struct serve_opts *o, char **error)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char where[80];
	int fd, on = 1, off = 0;

	if (!serve_sockaddr(o, &ss, &sslen, error))
		return -1;
	serve_addr_str(&ss, where, sizeof where);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		xasprintf(error, "cannot make a TCP socket: %s",
		    strerror(errno));
		return -1;
	}
	/* A restarted server must not wait out its old TIME_WAITs; a port
	 * with a live listener still fails with EADDRINUSE. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (ss.ss_family == AF_INET6 && o->bind == NULL)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		if (errno == EADDRINUSE)
			xasprintf(error, "port %u is already in use on %s "
			    "(stop the other server or pick another --port)",
			    o->port, where);
		else if (errno == EADDRNOTAVAIL)
			xasprintf(error, "cannot listen on %s: no interface "
			    "has that address (check --bind)", where);
		else
			xasprintf(error, "cannot listen on %s: %s", where,
			    strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, o->backlog) == -1) {
		xasprintf(error, "listen on %s: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* SIGINT and SIGTERM arrive as readable bytes on a signalfd, so the poll
 * loop ends cleanly without a handler or a global flag. */
static int
serve_signals(sigset_t *old, char **error)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		xasprintf(error, "signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, old, NULL);
	}
	return fd;
}

static void
serve_queue(struct serve_conn *c, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	c->out = xrealloc(c->out, c->outlen + n);
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

static void
serve_close(struct serve_state *st, size_t i, const char *why)
{
	struct serve_conn *c = &st->conns[i];

	serve_log(st, "close %s %s (read %llu, wrote %llu)", c->peer, why,
	    (unsigned long long)c->nread, (unsigned long long)c->nwritten);
	close(c->fd);
	free(c->out);
	st->conns[i] = st->conns[--st->nconns];
	st->fd_starved = false;
}

static struct serve_conn *
serve_conn_add(struct serve_state *st, int fd,
    const struct sockaddr_storage *ss)
{
	struct serve_conn *c;

	if (st->nconns == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->conns = xreallocarray(st->conns, st->cap, sizeof *c);
		st->pfds = xreallocarray(st->pfds, st->cap + 2,
		    sizeof *st->pfds);
	}
	c = &st->conns[st->nconns++];
	memset(c, 0, sizeof *c);
	c->fd = fd;
	serve_addr_str(ss, c->peer, sizeof c->peer);
	return c;
}

/* What a mode does once a connection is up, accepted or connected. */
static void
serve_conn_start(struct serve_state *st, struct serve_conn *c)
{
	const struct serve_opts *o = st->opts;

	if (o->mode == SERVE_BANNER || o->mode == SERVE_CLOSE_FIRST)
		serve_queue(c, o->text, o->textlen);
	if (o->mode == SERVE_CLOSE_FIRST ||
	    (o->mode == SERVE_CLOSE_AFTER && o->count == 0))
		c->closing = true;
}

/* "198.18.0.1:8080" or "[2001:db8::1]:8080" into a socket address. */
static bool
serve_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t hl;

	if (colon == NULL || colon == s)
		return false;
	hl = (size_t)(colon - s);
	if (s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl >= sizeof host)
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 1 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*sslen = sizeof *s4;
		return true;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof *s6;
		return true;
	}
	return false;
}

/* --connect: the target's kernel opens the connection (SYN_SENT until
 * the peer answers); the mode starts once the handshake completes. */
static bool
serve_connect(struct serve_state *st, char **error)
{
	const struct serve_opts *o = st->opts;
	struct sockaddr_storage ss, src;
	socklen_t sslen, srclen;
	struct serve_conn *c;
	int fd;

	if (!serve_hostport(o->connect, &ss, &sslen)) {
		xasprintf(error, "--connect: '%s' is not HOST:PORT (e.g. "
		    "198.18.0.1:8080 or [2001:db8::1]:8080)", o->connect);
		return false;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		xasprintf(error, "cannot make a TCP socket: %s",
		    strerror(errno));
		return false;
	}
	if (o->bind != NULL && !serve_sockaddr(o, &src, &srclen, error)) {
		close(fd);
		return false;
	}
	if (o->bind != NULL && bind(fd, (struct sockaddr *)&src, srclen) ==
	    -1) {
		xasprintf(error, "cannot bind to %s port %u: %s", o->bind,
		    o->port, strerror(errno));
		close(fd);
		return false;
	}
	if (connect(fd, (struct sockaddr *)&ss, sslen) == -1 &&
	    errno != EINPROGRESS) {
		xasprintf(error, "connect to %s: %s", o->connect,
		    strerror(errno));
		close(fd);
		return false;
	}
	c = serve_conn_add(st, fd, &ss);
	c->connecting = true;
	st->accepted = 1;
	serve_log(st, "connect %s mode %s", c->peer,
	    serve_mode_name(o->mode));
	return true;
}

/* The connect finished one way or the other. */
static bool
serve_connected(struct serve_state *st, size_t i, short revents)
{
	struct serve_conn *c = &st->conns[i];
	socklen_t len = sizeof(int);
	int err = 0;

	if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
		return true;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		xasprintf(&st->error, "connect to %s: %s", st->opts->connect,
		    strerror(err));
		return false;
	}
	c->connecting = false;
	serve_log(st, "connected %s", c->peer);
	serve_conn_start(st, c);
	return true;
}

static void
serve_accept(struct serve_state *st)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int i, fd;

	for (i = 0; i < SERVE_ACCEPT_BATCH && st->accepting; i++) {
		sslen = sizeof ss;
		fd = accept4(st->lfd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				serve_log(st, "accept: %s (waiting for a "
				    "connection to close)", strerror(errno));
				st->fd_starved = true;
			}
			return;
		}
		serve_log(st, "accept %s", serve_conn_add(st, fd, &ss)->peer);
		serve_conn_start(st, &st->conns[st->nconns - 1]);
		if (st->single && ++st->accepted == 1) {
			/* One connection only: later SYNs get RST. */
			close(st->lfd);
			st->lfd = -1;
			st->accepting = false;
		}
	}
}

/* Whether the connection wants POLLIN: echo stops reading while its
 * output is pending, so a client that never reads cannot grow it. */
static bool
serve_wants_read(const struct serve_state *st, const struct serve_conn *c)
{
	enum serve_mode m = st->opts->mode;

	if (c->eof || c->closing)
		return false;
	if (c->connecting)
		return false;
	if ((m == SERVE_ECHO || m == SERVE_BANNER || m == SERVE_CLOSE_DELAY) &&
	    c->outoff < c->outlen)
		return false;
	return true;
}

/* Returns false when the connection was closed. */
static bool
serve_read(struct serve_state *st, size_t i)
{
	const struct serve_opts *o = st->opts;
	struct serve_conn *c = &st->conns[i];
	uint8_t buf[SERVE_READ_SIZE];
	size_t want = sizeof buf;
	ssize_t n;

	/* close-after reads exactly N bytes: whatever else arrived stays
	 * unread, and the kernel answers the close with RST as it should. */
	if (o->mode == SERVE_CLOSE_AFTER && !c->shut &&
	    o->count - c->nread < want)
		want = (size_t)(o->count - c->nread);
	n = read(c->fd, buf, want);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		serve_close(st, i, strerror(errno));
		return false;
	}
	if (n == 0) {
		c->eof = true;
		serve_log(st, "eof %s (read %llu)", c->peer,
		    (unsigned long long)c->nread);
		c->eof_reply = o->mode == SERVE_WRITE_AFTER_EOF && !c->shut;
		if (!c->shut)
			c->close_at = mono_ns() + o->delay_ns;
		c->closing = true;
		return true;
	}
	c->nread += (uint64_t)n;
	if ((o->mode == SERVE_ECHO || o->mode == SERVE_BANNER ||
	    o->mode == SERVE_CLOSE_DELAY) && !c->shut)
		serve_queue(c, buf, (size_t)n);
	if (o->mode == SERVE_CLOSE_AFTER && !c->shut && c->nread >= o->count)
		c->closing = true;
	return true;
}

static bool
serve_write(struct serve_state *st, size_t i)
{
	struct serve_conn *c = &st->conns[i];
	ssize_t n;

	n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
	    MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		serve_close(st, i, strerror(errno));
		return false;
	}
	c->outoff += (size_t)n;
	c->nwritten += (uint64_t)n;
	return true;
}

/* --half-close: where the mode would close, shut our sending side down
 * (our FIN) and go on reading until the peer's FIN. */
static void
serve_shut(struct serve_state *st, struct serve_conn *c)
{
	if (shutdown(c->fd, SHUT_WR) == -1)
		serve_log(st, "shutdown %s: %s", c->peer, strerror(errno));
	else
		serve_log(st, "shutdown %s (read %llu, wrote %llu)", c->peer,
		    (unsigned long long)c->nread,
		    (unsigned long long)c->nwritten);
	c->shut = true;
	c->closing = false;
}

/* Close what is done: nothing left to write, nothing more to do and no
 * close-delay still running. Returns the poll timeout in ms until the
 * next delayed close, -1 when none waits. */
static int
serve_reap(struct serve_state *st)
{
	int64_t now = mono_ns(), wait = -1;
	size_t i = 0;

	while (i < st->nconns) {
		struct serve_conn *c = &st->conns[i];

		if (!c->closing || c->outoff != c->outlen) {
			i++;
		} else if (c->close_at > now) {
			if (wait == -1 || c->close_at - now < wait)
				wait = c->close_at - now;
			i++;
		} else if (c->eof_reply) {
			serve_queue(c, st->opts->text, st->opts->textlen);
			c->eof_reply = false;
			i++;
		} else if (st->opts->half_close && !c->eof && !c->shut) {
			serve_shut(st, c);
			i++;
		} else {
			serve_close(st, i, c->eof ? "after eof" : "by server");
		}
	}
	/* Round up: waking a little late is fine, early is a busy loop. */
	return wait == -1 ? -1 : (int)((wait + 999999) / 1000000);
}

static bool
serve_signalled(struct serve_state *st)
{
	struct signalfd_siginfo si;

	if (read(st->sigfd, &si, sizeof si) != (ssize_t)sizeof si)
		return false;
	serve_log(st, "stop (%s)", strsignal((int)si.ssi_signo));
	return true;
}

/* Handle one connection's poll result; false when it was closed. */
static bool
serve_event(struct serve_state *st, size_t i, short revents)
{
	if (st->conns[i].connecting)
		return serve_connected(st, i, revents);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) &&
	    serve_wants_read(st, &st->conns[i]) && !serve_read(st, i))
		return false;
	if (i < st->nconns && st->conns[i].outoff < st->conns[i].outlen &&
	    (revents & (POLLOUT | POLLHUP | POLLERR)))
		return serve_write(st, i);
	return true;
}

static void
serve_loop(struct serve_state *st)
{
	size_t i, n, base;
	bool polled_listener;
	int timeout;

	for (;;) {
		timeout = serve_reap(st);
		if ((st->single && st->accepted > 0 && st->nconns == 0) ||
		    st->error != NULL)
			return;
		st->pfds[0] = (struct pollfd){ .fd = st->sigfd,
		    .events = POLLIN };
		polled_listener = st->accepting && !st->fd_starved;
		st->pfds[1] = (struct pollfd){ .fd = polled_listener ?
		    st->lfd : -1, .events = POLLIN };
		base = 2;
		n = st->nconns;
		for (i = 0; i < n; i++) {
			struct serve_conn *c = &st->conns[i];

			st->pfds[base + i] = (struct pollfd){ .fd = c->fd,
			    .events = (short)((serve_wants_read(st, c) ?
			    POLLIN : 0) | (c->outoff < c->outlen ||
			    c->connecting ? POLLOUT : 0)) };
		}
		if (poll(st->pfds, base + n, timeout) == -1) {
			if (errno == EINTR)
				continue;
			serve_log(st, "poll: %s", strerror(errno));
			return;
		}
		if (st->pfds[0].revents && serve_signalled(st))
			return;
		/* Walk backwards: closing swaps the last connection into
		 * the hole, and those have been handled already. */
		for (i = n; i-- > 0;)
			if (i < st->nconns && st->pfds[base + i].revents)
				serve_event(st, i, st->pfds[base + i].revents);
		if (polled_listener && st->pfds[1].revents)
			serve_accept(st);
	}
}

static void
serve_free(struct serve_state *st, const sigset_t *oldmask)
{
	size_t i;

	for (i = st->nconns; i-- > 0;)
		serve_close(st, i, "at stop");
	if (st->lfd != -1)
		close(st->lfd);
	close(st->sigfd);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	free(st->conns);
	free(st->pfds);
}

int
serve_run(const struct serve_opts *o, char **error)
{
	struct serve_state st;
	sigset_t oldmask;

	memset(&st, 0, sizeof st);
	st.opts = o;
	st.single = o->once || o->connect != NULL;
	st.lfd = -1;
	if (o->connect == NULL && (st.lfd = serve_listen(o, error)) == -1)
		return -1;
	if ((st.sigfd = serve_signals(&oldmask, error)) == -1) {
		if (st.lfd != -1)
			close(st.lfd);
		return -1;
	}
	st.accepting = o->connect == NULL && !o->no_accept;
	st.pfds = xreallocarray(NULL, 2, sizeof *st.pfds);
	if (o->connect != NULL) {
		if (!serve_connect(&st, error)) {
			serve_free(&st, &oldmask);
			return -1;
		}
	} else
		serve_log(&st, "listen %s port %u mode %s backlog %d%s",
		    o->bind ? o->bind : "[::]", o->port,
		    serve_mode_name(o->mode), o->backlog,
		    o->no_accept ? " no-accept" : "");
	serve_loop(&st);
	if (st.error != NULL) {
		*error = st.error;
		serve_free(&st, &oldmask);
		return -1;
	}
	serve_free(&st, &oldmask);
	return 0;
}
