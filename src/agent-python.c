/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-python.c: inside the agent, TCP_INFO's fields by their tcpi_*
 * names, and packetdrill's %{ }% blocks: the socket under test's
 * TCP_INFO taken at the block's time, its Python run with those names
 * after the last step (python3), one verdict a block. */
#include "config.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "xmalloc.h"

#define TI(f)	{ #f, offsetof(struct tcp_info, f), \
		    sizeof(((struct tcp_info *)0)->f) }

static const struct {
	const char	*name;
	size_t		 off, size;
} tcpi_fields[] = {
	TI(tcpi_state), TI(tcpi_ca_state), TI(tcpi_retransmits),
	TI(tcpi_probes), TI(tcpi_backoff), TI(tcpi_options),
	TI(tcpi_rto), TI(tcpi_ato), TI(tcpi_snd_mss), TI(tcpi_rcv_mss),
	TI(tcpi_unacked), TI(tcpi_sacked), TI(tcpi_lost), TI(tcpi_retrans),
	TI(tcpi_fackets), TI(tcpi_last_data_sent), TI(tcpi_last_ack_sent),
	TI(tcpi_last_data_recv), TI(tcpi_last_ack_recv), TI(tcpi_pmtu),
	TI(tcpi_rcv_ssthresh), TI(tcpi_rtt), TI(tcpi_rttvar),
	TI(tcpi_snd_ssthresh), TI(tcpi_snd_cwnd), TI(tcpi_advmss),
	TI(tcpi_reordering), TI(tcpi_rcv_rtt), TI(tcpi_rcv_space),
	TI(tcpi_total_retrans), TI(tcpi_pacing_rate),
	TI(tcpi_max_pacing_rate), TI(tcpi_bytes_acked),
	TI(tcpi_bytes_received), TI(tcpi_segs_out), TI(tcpi_segs_in),
	TI(tcpi_notsent_bytes), TI(tcpi_min_rtt), TI(tcpi_data_segs_in),
	TI(tcpi_data_segs_out), TI(tcpi_delivery_rate), TI(tcpi_busy_time),
	TI(tcpi_rwnd_limited), TI(tcpi_sndbuf_limited), TI(tcpi_delivered),
	TI(tcpi_delivered_ce), TI(tcpi_bytes_sent), TI(tcpi_bytes_retrans),
	TI(tcpi_dsack_dups), TI(tcpi_reord_seen), TI(tcpi_rcv_ooopack),
	TI(tcpi_snd_wnd),
};
#define NFIELDS	(sizeof tcpi_fields / sizeof tcpi_fields[0])

/* The names a block may use besides the fields (packetdrill's). */
static const struct {
	const char	*name;
	unsigned	 v;
} tcpi_symbols[] = {
	{ "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_SYN_RECV", 3 },
	{ "TCP_FIN_WAIT1", 4 }, { "TCP_FIN_WAIT2", 5 }, { "TCP_TIME_WAIT", 6 },
	{ "TCP_CLOSE", 7 }, { "TCP_CLOSE_WAIT", 8 }, { "TCP_LAST_ACK", 9 },
	{ "TCP_LISTEN", 10 }, { "TCP_CLOSING", 11 },
	{ "TCP_CA_Open", TCP_CA_Open }, { "TCP_CA_Disorder", TCP_CA_Disorder },
	{ "TCP_CA_CWR", TCP_CA_CWR }, { "TCP_CA_Recovery", TCP_CA_Recovery },
	{ "TCP_CA_Loss", TCP_CA_Loss },
	{ "TCPI_OPT_TIMESTAMPS", TCPI_OPT_TIMESTAMPS },
	{ "TCPI_OPT_SACK", TCPI_OPT_SACK },
	{ "TCPI_OPT_WSCALE", TCPI_OPT_WSCALE },
	{ "TCPI_OPT_ECN", TCPI_OPT_ECN },
	{ "TCPI_OPT_ECN_SEEN", TCPI_OPT_ECN_SEEN },
	{ "TCPI_OPT_SYN_DATA", TCPI_OPT_SYN_DATA },
};

static uint64_t
field_value(const unsigned char *base, size_t off, size_t size)
{
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (size) {
	case 8: memcpy(&v64, base + off, 8); return v64;
	case 4: memcpy(&v32, base + off, 4); return v32;
	case 2: memcpy(&v16, base + off, 2); return v16;
	default: return base[off];
	}
}

bool
agent_tcpi_field(const struct tcp_info *ti, const char *name, uint64_t *v)
{
	size_t k;

	for (k = 0; k < NFIELDS; k++)
		if (strcmp(tcpi_fields[k].name, name) == 0) {
			*v = field_value((const unsigned char *)ti,
			    tcpi_fields[k].off, tcpi_fields[k].size);
			return true;
		}
	return false;
}

void
agent_python_snap(struct agent_ctx *a, size_t idx, struct agent_rep *rep)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	char **slot = agent_ctx_snap(a, idx), *s = NULL;
	size_t k, n = 0;
	FILE *f;

	rep->t_start = mono_ns();
	memset(&ti, 0, sizeof ti);
	if (agent_ctx_sut(a) < 0 || getsockopt(agent_ctx_sut(a), IPPROTO_TCP,
	    TCP_INFO, &ti, &len) == -1) {
		rep->t_end = mono_ns();
		snprintf(rep->why, sizeof rep->why, "%%{ }%%: %s",
		    agent_ctx_sut(a) < 0 ? "no socket to read TCP_INFO of (no "
		    "accept or connect yet)" : strerror(errno));
		return;
	}
	rep->t_end = mono_ns();
	if ((f = open_memstream(&s, &n)) == NULL)
		return;
	for (k = 0; k < NFIELDS; k++)
		fprintf(f, "%s = %llu\n", tcpi_fields[k].name,
		    (unsigned long long)field_value((unsigned char *)&ti,
		    tcpi_fields[k].off, tcpi_fields[k].size));
	for (k = 0; k < sizeof tcpi_symbols / sizeof tcpi_symbols[0]; k++)
		fprintf(f, "%s = %u\n", tcpi_symbols[k].name,
		    tcpi_symbols[k].v);
	fclose(f);
	free(*slot);
	*slot = s;
	rep->ok = 1;
}

/* Every block in one program, in order, one namespace (a block may
 * keep a name for the next: cubic's "cwnd += 1"), each after its names;
 * a marker line a block on stdout. */
static const char py_runner[] =
    "import sys, textwrap\n"
    "src = sys.stdin.read().split('\\n#--tcpshake--\\n')\n"
    "g = {}\n"
    "for i in range(0, len(src) - 1, 2):\n"
    "    exec(src[i], g)\n"
    "    try:\n"
    "        exec(compile(textwrap.dedent(src[i + 1].strip('\\n')) +\n"
    "            '\\n\\n', '%{ }%', 'exec'), g)\n"
    "        print('\\x01tcpshake ok', flush=True)\n"
    "    except BaseException as e:\n"
    "        print('\\x01tcpshake fail %s: %s' % (type(e).__name__, e),\n"
    "            flush=True)\n"
    "        sys.exit(1)\n";

#define PY_MARK		"\001tcpshake "

/* The program's input: names and code of each block snapped, in step
 * order. */
static char *
py_input(struct agent_ctx *a, const struct script *sc, size_t **order,
    size_t *n)
{
	char *s = NULL, **slot;
	size_t len = 0, k;
	FILE *f = open_memstream(&s, &len);

	*order = xcalloc(sc->nsteps + 1, sizeof **order);
	*n = 0;
	for (k = 0; f != NULL && k < sc->nsteps; k++) {
		slot = agent_ctx_snap(a, k);
		if (*slot == NULL)
			continue;
		fprintf(f, "%s\n#--tcpshake--\n%s\n#--tcpshake--\n", *slot,
		    sc->steps[k].command);
		(*order)[(*n)++] = k;
	}
	if (f != NULL)
		fclose(f);
	return s;
}

/* python3 with input on its stdin; its stdout and stderr in out. */
static int
py_exec(const char *input, char **out)
{
	int in[2], res[2], status = 0;
	size_t got = 0, cap = 4096;
	ssize_t r;
	pid_t pid;

	*out = xcalloc(1, cap);
	if (pipe(in) == -1 || pipe(res) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(res[1], STDERR_FILENO);
		dup2(res[1], STDOUT_FILENO);
		close(in[0]); close(in[1]); close(res[0]); close(res[1]);
		execlp("python3", "python3", "-c", py_runner, (char *)NULL);
		fprintf(stderr, "python3: %s\n", strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	/* The input goes first and whole: a writer of its own would be
	 * needed past the pipe's 64 KiB; the blocks are small. */
	if (pid > 0)
		(void)!write(in[1], input, strlen(input));
	close(in[1]);
	while (pid > 0 && (r = read(res[0], *out + got, cap - 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
		if (got + 1 == cap)
			*out = xrealloc(*out, cap *= 2);
	}
	(*out)[got] = '\0';
	close(res[0]);
	while (pid > 0 && waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return pid > 0 ? status : -1;
}

/*
 * The first request runs them all (packetdrill runs its blocks after the
 * script, in one program); each block's verdict is kept for its own
 * request. A block after the first failing one is not run.
 */
void
agent_python_run(struct agent_ctx *a, const struct step *st, size_t idx,
    struct agent_rep *rep)
{
	static char **verdicts;		/* per step: "" ok, else why */
	static const struct script *ran;
	const struct script *sc = agent_ctx_script(a);
	char *input, *out, *p, *e, *last = NULL;
	size_t *order, n, k = 0;

	(void)st;
	rep->t_start = rep->t_end = mono_ns();
	if (ran != sc) {
		ran = sc;
		verdicts = xcalloc(sc->nsteps + 1, sizeof *verdicts);
		input = py_input(a, sc, &order, &n);
		(void)py_exec(input != NULL ? input : "", &out);
		for (p = out; (e = strstr(p, PY_MARK)) != NULL && k < n; k++) {
			p = e + strlen(PY_MARK);
			e = strchr(p, '\n');
			xasprintf(&verdicts[order[k]], "%.*s", (int)(e != NULL ?
			    e - p : (ptrdiff_t)strlen(p)), p);
		}
		/* No marker for a block: not run after a failing one, or
		 * what python3 said last. */
		if (k > 0 && k < n && strncmp(verdicts[order[k - 1]], "fail",
		    4) == 0) {
			for (; k < n; k++)
				xasprintf(&verdicts[order[k]], "fail not run: "
				    "the block of line %d failed before it",
				    sc->steps[order[k - 1]].line);
		}
		for (p = out; *p != '\0'; p = e + 1) {
			if ((e = strchr(p, '\n')) == NULL)
				e = p + strlen(p) - 1;
			if (e > p)
				last = p;
			if (e[1] == '\0')
				break;
		}
		for (; k < n; k++)
			xasprintf(&verdicts[order[k]], "fail %.*s", last != NULL ?
			    (int)strcspn(last, "\n") : 14, last != NULL ? last :
			    "python3 failed");
		free(input);
		free(order);
		free(out);
	}
	if (verdicts[idx] == NULL)
		snprintf(rep->why, sizeof rep->why, "%%{ }%%: no TCP_INFO was "
		    "taken at its time");
	else if (strcmp(verdicts[idx], "ok") == 0)
		rep->ok = 1;
	else
		snprintf(rep->why, sizeof rep->why, "%%{ }%%: %.380s",
		    verdicts[idx] + (strncmp(verdicts[idx], "fail ", 5) == 0 ?
		    5 : 0));
}
