/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-status.c: `lab status`: tells a whole, working lab from a
 * half-built or broken one, then describes each namespace, its processes,
 * what listens, the sysctls, the router's counters and the impairment;
 * and what `lab up` made. */
#include "config.h"

#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab-impair.h"
#include "lab-net.h"
#include "lab-router.h"
#include "lab-sys.h"
#include "lab.h"
#include "xmalloc.h"

/* Add "; what" to the problems. */
static void
lab_problem(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? "; " : "", what);
}

/* Whether the router forwards IPv4 and IPv6. */
static bool
lab_router_forwards(const char *name)
{
	char *v4 = lab_sysctl_read(name, LAB_ROUTER, "net.ipv4.ip_forward");
	char *v6 = lab_sysctl_read(name, LAB_ROUTER,
	    "net.ipv6.conf.all.forwarding");
	bool ok = v4 != NULL && v6 != NULL && strcmp(v4, "1") == 0 &&
	    strcmp(v6, "1") == 0;

	free(v4);
	free(v6);
	return ok;
}

/* Every server of the lab: the first one's serve.pid and serve.port,
 * the others' serve-PORT.pid. */
struct lab_server {
	long		 pid;
	long		 port;
	char		 log[32];
};

static size_t
lab_servers(const char *name, struct lab_server **out)
{
	struct lab_server *v = NULL;
	char path[256], *base;
	size_t n = 0, i;
	glob_t g;
	long pid;

	if ((pid = lab_pid_read(name, "serve.pid")) != 0) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].pid = pid;
		v[n].port = lab_pid_read(name, "serve.port");
		snprintf(v[n++].log, sizeof v->log, "serve.log");
	}
	lab_path(path, sizeof path, name, "serve-*.pid");
	if (glob(path, 0, NULL, &g) == 0)
		for (i = 0; i < g.gl_pathc; i++) {
			base = strrchr(g.gl_pathv[i], '/') + 1;
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].pid = lab_pid_read(name, base);
			v[n].port = strtol(base + 6, NULL, 10);
			snprintf(v[n++].log, sizeof v->log, "serve-%ld.log",
			    strtol(base + 6, NULL, 10));
		}
	globfree(&g);
	*out = v;
	return n;
}

/* What is wrong with a server, or "". */
static void
lab_server_health(const char *name, const struct lab_server *sv, char *line,
    size_t len)
{
	line[0] = '\0';
	if (!lab_pid_alive(sv->pid))
		snprintf(line, len, "serve (pid %ld, port %ld) is not running",
		    sv->pid, sv->port);
	else if (sv->port > 0 && sv->port < 65536 &&
	    !lab_listening(name, LAB_SERVER, (uint16_t)sv->port))
		snprintf(line, len, "nothing listens on port %ld", sv->port);
}

/* What is missing or dead; "" for a working lab. */
static void
lab_health(const char *name, char *buf, size_t len)
{
	const struct lab_end *ends;
	char path[256], line[160];
	bool router = lab_has_router(name);
	size_t n = lab_net_ends(router, &ends), i, ns;
	struct lab_server *sv;
	struct stat sb;
	long pid;

	buf[0] = '\0';
	if (!lab_is_up(name)) {
		pid = lab_pid_read(name, "up.pid");
		snprintf(line, sizeof line, lab_pid_alive(pid) ? "being built "
		    "by 'lab up' (pid %ld)" : "half-built: its 'lab up' (pid "
		    "%ld) did not finish", pid);
		lab_problem(buf, len, line);
	}
	for (i = 0; i < n; i++) {
		lab_ns_path(path, sizeof path, name, ends[i].side);
		if (stat(path, &sb) == -1)
			snprintf(line, sizeof line, "no namespace %s",
			    strrchr(path, '/') + 1);
		else if (!lab_end_running(name, &ends[i]))
			snprintf(line, sizeof line, "link %s in %s not up",
			    ends[i].ifname, strrchr(path, '/') + 1);
		else
			continue;
		lab_problem(buf, len, line);
	}
	if (router && !lab_router_forwards(name))
		lab_problem(buf, len, "the router does not forward (its "
		    "ip_forward or IPv6 forwarding is off)");
	ns = lab_servers(name, &sv);
	for (i = 0; i < ns; i++) {
		lab_server_health(name, &sv[i], line, sizeof line);
		if (line[0] != '\0')
			lab_problem(buf, len, line);
	}
	free(sv);
	if ((pid = lab_pid_read(name, "impaird.pid")) != 0 &&
	    !lab_pid_alive(pid)) {
		snprintf(line, sizeof line, "the impairment daemon (pid %ld) "
		    "is not running", pid);
		lab_problem(buf, len, line);
	}
}

/* Print a command's output, indented; or its failure. */
static void
lab_status_cmd(FILE *f, char *const argv[])
{
	char *out, *line, *save = NULL;

	lab_run(argv, &out);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		fprintf(f, "  %s\n", line);
	free(out);
}

static void
lab_status_procs(const char *name, enum lab_side side, FILE *f)
{
	char path[64], buf[1024], ns[32];
	size_t i, n, k;
	ssize_t len;
	long *pids;
	int fd;

	lab_ns_name(name, side, ns, sizeof ns);
	n = lab_pids(name, side, &pids);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "/proc/%ld/cmdline", pids[i]);
		len = -1;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			len = read(fd, buf, sizeof buf - 1);
			close(fd);
		}
		if (len <= 0)
			continue;
		buf[len] = '\0';
		for (k = 0; k + 1 < (size_t)len; k++)
			if (buf[k] == '\0')
				buf[k] = ' ';
		fprintf(f, "  %s pid %ld: %s\n", ns, pids[i], buf);
	}
	if (n == 0)
		fprintf(f, "  %s: none\n", ns);
	free(pids);
}

static void
lab_status_sysctls(const char *name, FILE *f)
{
	char path[256], line[512], key[256], *now;
	enum lab_side side;
	FILE *in;

	lab_path(path, sizeof path, name, "sysctl");
	fprintf(f, "sysctls set by up\n");
	if ((in = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof line, in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		side = strncmp(line, "client ", 7) == 0 ? LAB_CLIENT :
		    LAB_SERVER;
		snprintf(key, sizeof key, "%.*s", (int)strcspn(line + 7, "="),
		    line + 7);
		now = lab_sysctl_read(name, side, key);
		fprintf(f, "  %s (now %s)\n", line, now ? now : "unreadable");
		free(now);
	}
	fclose(in);
}

static void
lab_status_sides(const char *name, FILE *f)
{
	static const struct {
		enum lab_side	 side;
		const char	*role, *what;
	} sides[] = {
		{ LAB_CLIENT, "client", "the prober's side" },
		{ LAB_ROUTER, "router", "between them" },
		{ LAB_SERVER, "server", "the target" },
	};
	char ns[32], path[256];
	char *addr[] = { "ip", "-n", ns, "-brief", "address", "show", NULL };
	struct stat sb;
	size_t i;

	for (i = 0; i < 3; i++) {
		lab_ns_name(name, sides[i].side, ns, sizeof ns);
		lab_ns_path(path, sizeof path, name, sides[i].side);
		if (stat(path, &sb) == -1) {
			if (sides[i].side != LAB_ROUTER)
				fprintf(f, "%s namespace %s: MISSING\n",
				    sides[i].role, ns);
			continue;
		}
		fprintf(f, "%s namespace %s (%s)\n", sides[i].role, ns,
		    sides[i].what);
		lab_status_cmd(f, addr);
	}
	fprintf(f, "processes\n");
	for (i = 0; i < 3; i++)
		if (sides[i].side != LAB_ROUTER || lab_has_router(name))
			lab_status_procs(name, sides[i].side, f);
}

/* Each server: its port, pid, whether it runs and listens, its log. */
static void
lab_status_servers(const char *name, FILE *f)
{
	struct lab_server *sv;
	char line[160], log[256];
	size_t n = lab_servers(name, &sv), i;

	fprintf(f, "servers\n");
	if (n == 0)
		fprintf(f, "  none\n");
	for (i = 0; i < n; i++) {
		lab_server_health(name, &sv[i], line, sizeof line);
		lab_path(log, sizeof log, name, sv[i].log);
		fprintf(f, "  port %ld: tcpshake serve pid %ld, %s, log %s\n",
		    sv[i].port, sv[i].pid, line[0] != '\0' ? line :
		    "listening", log);
	}
	free(sv);
}

int
lab_status(const char *name, FILE *f)
{
	char ns[32], problems[1024];
	char *ss[] = { "ss", "-N", ns, "-ltn", NULL };

	lab_health(name, problems, sizeof problems);
	if (problems[0] == '\0')
		fprintf(f, "lab '%s' is up\n", name);
	else
		fprintf(f, "lab '%s' is NOT working: %s (remove it with: "
		    "tcpshake lab down --name %s)\n", name, problems, name);
	lab_status_sides(name, f);
	lab_ns_name(name, LAB_SERVER, ns, sizeof ns);
	if (access(LAB_NETNS_DIR, F_OK) == 0) {
		fprintf(f, "listening in %s\n", ns);
		lab_status_cmd(f, ss);
	}
	lab_status_sysctls(name, f);
	if (lab_has_router(name)) {
		fprintf(f, "router counters\n");
		lab_router_counters(name, f);
	}
	lab_impair_status(name, f);
	lab_status_servers(name, f);
	return problems[0] == '\0' ? 0 : 1;
}

/* ---- What lab up made ---- */

static void
lab_print_more(const struct lab_config *cf, const struct lab_made *made,
    FILE *f)
{
	size_t i, k;

	for (i = 0; i < made->nmore; i++) {
		fprintf(f, "  serve:  tcpshake serve");
		for (k = 0; cf->serve_more[i][k] != NULL; k++)
			fprintf(f, " %s", cf->serve_more[i][k]);
		fprintf(f, " (pid %ld, port %u, log %s)\n", made->more[i].pid,
		    made->more[i].port, made->more[i].log);
	}
}

void
lab_print_up(const char *name, const struct lab_config *cf,
    const struct lab_made *made, FILE *f)
{
	char nc[32], nsv[32], nr[32], what[200];
	size_t i;

	lab_ns_name(name, LAB_CLIENT, nc, sizeof nc);
	lab_ns_name(name, LAB_SERVER, nsv, sizeof nsv);
	lab_ns_name(name, LAB_ROUTER, nr, sizeof nr);
	if (made->recovered)
		fprintf(f, "removed what an interrupted 'lab up --name %s' had "
		    "left\n", name);
	fprintf(f, "lab '%s' is up\n", name);
	fprintf(f, "  client: namespace %s, interface %s, %s/%d, %s/%d\n", nc,
	    LAB_CLIENT_IF, LAB_CLIENT_V4, LAB_V4_PREFIX, LAB_CLIENT_V6,
	    LAB_V6_PREFIX);
	if (cf->router.enabled) {
		lab_router_describe(&cf->router, what, sizeof what);
		fprintf(f, "  router: namespace %s, %s %s/%d %s/%d, %s %s/%d "
		    "%s/%d (%s)\n", nr, LAB_ROUTER_CIF, LAB_ROUTER_CV4,
		    LAB_V4_PREFIX, LAB_ROUTER_CV6, LAB_V6_PREFIX,
		    LAB_ROUTER_SIF, LAB_ROUTER_SV4, LAB_V4_PREFIX,
		    LAB_ROUTER_SV6, LAB_V6_PREFIX, what);
	}
	fprintf(f, "  server: namespace %s, interface %s, %s/%d, %s/%d\n", nsv,
	    LAB_SERVER_IF, cf->router.enabled ? LAB_ROUTED_SERVER_V4 :
	    LAB_SERVER_V4, LAB_V4_PREFIX, cf->router.enabled ?
	    LAB_ROUTED_SERVER_V6 : LAB_SERVER_V6, LAB_V6_PREFIX);
	if (made->impair[0] != '\0')
		fprintf(f, "  impair: %s\n", made->impair);
	if (cf->serve_argv != NULL) {
		fprintf(f, "  serve:  tcpshake serve");
		for (i = 0; cf->serve_argv[i] != NULL; i++)
			fprintf(f, " %s", cf->serve_argv[i]);
		fprintf(f, " (pid %ld, port %u, log %s)\n", made->serve_pid,
		    made->serve_port, made->log);
		lab_print_more(cf, made, f);
	} else
		fprintf(f, "  serve:  none (--no-serve)\n");
	fprintf(f, "  offloads: %s\n", cf->offloads ? "on (checksum offload, "
	    "TSO, GSO, GRO: captures hold partial checksums and "
	    "super-segments)" : "off (the capture sees wire segments)");
	for (i = 0; i < cf->nsysctls; i++)
		fprintf(f, "  sysctl: %s %s=%s\n", cf->sysctls[i].side ==
		    LAB_CLIENT ? "client" : "server", cf->sysctls[i].key,
		    cf->sysctls[i].value);
	fprintf(f, "run commands on the client side with: tcpshake lab exec "
	    "--name %s -- COMMAND\n", name);
}
