/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-impair.c: impairs the lab's target's outgoing packets: netem on s0
 * where the kernel has sch_netem, else the NFQUEUE daemon (lab-impaird.c)
 * started in the server namespace behind iptables queue rules. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab-impair.h"
#include "lab-sys.h"
#include "splitmix.h"
#include "xmalloc.h"

bool
lab_impair_percent(const char *s, const char *what, uint32_t *ppm,
    char **error)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*end == '%')
		end++;
	if (end == s || *end != '\0' || errno != 0 || !(v >= 0 && v <= 100)) {
		xasprintf(error, "%s '%s': give a percentage 0..100 (e.g. "
		    "2%% or 0.5%%)", what, s);
		return false;
	}
	*ppm = (uint32_t)(v * 10000 + 0.5);
	return true;
}

struct lab_fate
lab_impair_fate(const struct lab_impair *im, uint64_t *rng)
{
	struct lab_fate f;
	int64_t us = im->delay_us, j = im->jitter_us;
	uint64_t r;

	f.drop = splitmix64(rng) % 1000000u < im->loss_ppm;
	f.duplicate = splitmix64(rng) % 1000000u < im->duplicate_ppm;
	f.reorder = splitmix64(rng) % 1000000u < im->reorder_ppm;
	/* The delay plus a uniform jitter in [-jitter, +jitter]. */
	r = splitmix64(rng);
	if (j > 0)
		us += (int64_t)(r % (uint64_t)(2 * j + 1)) - j;
	f.delay_ns = us > 0 ? (uint64_t)us * 1000u : 0;
	return f;
}

bool
lab_impair_active(const struct lab_impair *im)
{
	return im->delay_us || im->jitter_us || im->loss_ppm ||
	    im->reorder_ppm || im->duplicate_ppm;
}

void
lab_impair_describe(const struct lab_impair *im, char *buf, size_t len)
{
	snprintf(buf, len, "delay %.3fms jitter %.3fms loss %g%% reorder "
	    "%g%% duplicate %g%%", im->delay_us / 1e3, im->jitter_us / 1e3,
	    im->loss_ppm / 1e4, im->reorder_ppm / 1e4,
	    im->duplicate_ppm / 1e4);
}

/* Whether an executable of that name is on PATH. */
static bool
lab_have_tool(const char *tool)
{
	const char *path = getenv("PATH");
	char dir[4096], file[4200];
	size_t n;

	while (path != NULL && *path != '\0') {
		n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
		snprintf(file, sizeof file, "%s/%s", n ? dir : ".", tool);
		if (access(file, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/* netem on the server's s0: false with *unknown when the kernel has no
 * sch_netem (then the daemon does the work). */
static bool
lab_netem(const struct lab_config *cf, bool *unknown, char **error)
{
	const struct lab_impair *im = &cf->impair;
	char ns[32], d[32], j[32], l[32], r[32], u[32], *out, *nl;
	char *argv[] = { "tc", "-n", ns, "qdisc", "add", "dev",
	    LAB_SERVER_IF, "root", "netem", "delay", d, j, "loss", l,
	    "reorder", r, "duplicate", u, NULL };
	int rc;

	lab_ns_name(cf->name, LAB_SERVER, ns, sizeof ns);
	snprintf(d, sizeof d, "%uus", im->delay_us);
	snprintf(j, sizeof j, "%uus", im->jitter_us);
	snprintf(l, sizeof l, "%g%%", im->loss_ppm / 1e4);
	snprintf(r, sizeof r, "%g%%", im->reorder_ppm / 1e4);
	snprintf(u, sizeof u, "%g%%", im->duplicate_ppm / 1e4);
	*unknown = false;
	if ((rc = lab_run(argv, &out)) == 0) {
		free(out);
		return true;
	}
	*unknown = strstr(out, "unknown") != NULL ||
	    strstr(out, "Unknown") != NULL;
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	xasprintf(error, "tc netem on %s in %s failed: %s", LAB_SERVER_IF,
	    ns, out);
	free(out);
	return false;
}

/* The daemon: a daemon of the lab, this very binary as `lab impaird`. */
static void __attribute__((noreturn))
lab_impaird_child(const struct lab_config *cf)
{
	const struct lab_impair *im = &cf->impair;
	char a[5][32], seed[32];

	lab_daemon_child(cf->name, LAB_SERVER, "impaird.log");
	snprintf(a[0], sizeof a[0], "%uus", im->delay_us);
	snprintf(a[1], sizeof a[1], "%uus", im->jitter_us);
	snprintf(a[2], sizeof a[2], "%g%%", im->loss_ppm / 1e4);
	snprintf(a[3], sizeof a[3], "%g%%", im->reorder_ppm / 1e4);
	snprintf(a[4], sizeof a[4], "%g%%", im->duplicate_ppm / 1e4);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)im->seed);
	execl("/proc/self/exe", "tcpshake", "lab", "impaird", "--name",
	    cf->name, "--delay", a[0], "--jitter", a[1], "--loss", a[2],
	    "--reorder", a[3], "--duplicate", a[4], "--seed", seed,
	    (char *)NULL);
	dprintf(STDERR_FILENO, "tcpshake: cannot run /proc/self/exe: %s\n",
	    strerror(errno));
	_exit(126);
}

/* Start the daemon and wait until it has bound its queue. */
static bool
lab_impaird_start(const struct lab_config *cf, char **error)
{
	char ready[256], *why;
	int waited, status;
	pid_t pid;

	lab_path(ready, sizeof ready, cf->name, "impaird.ready");
	if ((pid = lab_daemon_fork()) == -1) {
		xasprintf(error, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		lab_impaird_child(cf);
	lab_pid_write(cf->name, "impaird.pid", pid);
	for (waited = 0; waited <= LAB_WAIT_MS && !lab_interrupted;
	    waited += LAB_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			why = lab_log_tail(cf->name, "impaird.log");
			xasprintf(error, "the impairment daemon did not start: "
			    "%s", why);
			free(why);
			return false;
		}
		if (access(ready, F_OK) == 0)
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "the impairment daemon did not bind its queue "
	    "within %d ms", LAB_WAIT_MS);
	return false;
}

/*
 * The server's packets out of s0 go to the daemon's queue, except its own
 * duplicates (marked), multicast (IPv6 neighbour discovery and MLD, which
 * a namespace sends when its links come up, at times of its own) and
 * unicast neighbour solicitations and advertisements: the link's
 * addressing is not what is impaired (ARP is not IP and passes too), and
 * a seeded run must see the same k-th packet each time.
 * --queue-bypass: if the daemon dies, packets pass unimpaired rather than
 * vanish (status then says the daemon is gone).
 */
static bool
lab_impair_rules(const char *name, char **error)
{
	static const char *const pass[][4] = {
		{ "iptables", "-d", "224.0.0.0/4", NULL },
		{ "ip6tables", "-d", "ff00::/8", NULL },
		{ "ip6tables", "-p", "ipv6-icmp", "neighbour-solicitation" },
		{ "ip6tables", "-p", "ipv6-icmp", "neighbour-advertisement" },
	};
	static const char *const tools[] = { "iptables", "ip6tables" };
	char ns[32], mark[16], q[8];
	size_t i;

	lab_ns_name(name, LAB_SERVER, ns, sizeof ns);
	snprintf(mark, sizeof mark, "0x%x", LAB_IMPAIR_MARK);
	snprintf(q, sizeof q, "%d", LAB_IMPAIR_QUEUE);
	for (i = 0; i < sizeof pass / sizeof pass[0]; i++) {
		char *v[] = { "ip", "netns", "exec", ns, (char *)pass[i][0],
		    "-w", "-t", "mangle", "-A", "POSTROUTING", "-o",
		    LAB_SERVER_IF, (char *)pass[i][1], (char *)pass[i][2],
		    "-j", "RETURN", NULL, NULL, NULL };

		if (pass[i][3] != NULL) {
			v[14] = "--icmpv6-type";
			v[15] = (char *)pass[i][3];
			v[16] = "-j";
			v[17] = "RETURN";
		}
		if (!lab_cmd(error, v))
			return false;
	}
	for (i = 0; i < 2; i++) {
		char *v[] = { "ip", "netns", "exec", ns, (char *)tools[i], "-w",
		    "-t", "mangle", "-A", "POSTROUTING", "-o", LAB_SERVER_IF,
		    "-m", "mark", "!", "--mark", mark, "-j", "NFQUEUE",
		    "--queue-num", q, "--queue-bypass", NULL };

		if (!lab_cmd(error, v))
			return false;
	}
	return true;
}

static void
lab_impair_note(const char *name, const char *how)
{
	char path[256];
	FILE *f;

	lab_path(path, sizeof path, name, "impair");
	if ((f = fopen(path, "we")) != NULL) {
		fprintf(f, "%s\n", how);
		fclose(f);
	}
}

bool
lab_impair_start(const struct lab_config *cf, struct lab_made *made,
    char **error)
{
	struct lab_config c = *cf;
	char what[128];
	bool unknown;

	if (!c.impair.seeded)
		c.impair.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() <<
		    32);
	lab_impair_describe(&c.impair, what, sizeof what);
	if (lab_netem(&c, &unknown, error)) {
		snprintf(made->impair, sizeof made->impair, "netem on %s: %s",
		    LAB_SERVER_IF, what);
		lab_impair_note(c.name, made->impair);
		return true;
	}
	if (!unknown)
		return false;
	free(*error);
	*error = NULL;
	if (!lab_have_tool("iptables") || !lab_have_tool("ip6tables")) {
		xasprintf(error, "this kernel has no sch_netem, and the "
		    "NFQUEUE daemon that stands in for it needs iptables and "
		    "ip6tables (apt-get install iptables)");
		return false;
	}
	if (!lab_impaird_start(&c, error) || !lab_impair_rules(c.name, error))
		return false;
	snprintf(made->impair, sizeof made->impair, "nfqueue daemon (no "
	    "sch_netem) on %s: %s seed %llu", LAB_SERVER_IF, what,
	    (unsigned long long)c.impair.seed);
	lab_impair_note(c.name, made->impair);
	return true;
}

bool
lab_impair_status(const char *name, FILE *f)
{
	char path[256], line[256];
	long pid;
	bool ok = true;
	FILE *in;

	lab_path(path, sizeof path, name, "impair");
	if ((in = fopen(path, "re")) == NULL)
		return true;
	if (fgets(line, sizeof line, in) != NULL)
		fprintf(f, "impairment of the server's outgoing packets\n  %s",
		    line);
	fclose(in);
	if ((pid = lab_pid_read(name, "impaird.pid")) != 0) {
		ok = lab_pid_alive(pid);
		fprintf(f, "  daemon pid %ld: %s\n", pid, ok ? "running" :
		    "GONE (packets pass unimpaired)");
	}
	lab_path(path, sizeof path, name, "impaird.stats");
	if ((in = fopen(path, "re")) != NULL) {
		if (fgets(line, sizeof line, in) != NULL)
			fprintf(f, "  %s", line);
		fclose(in);
	}
	return ok;
}
