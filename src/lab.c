/* lab.c: builds, describes and removes the lab (two network namespaces
 * joined by veth, sysctls, the serve process) and runs commands inside. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "xmalloc.h"

/* How long `up` waits for serve to listen, and `down` for processes to
 * end after SIGTERM before SIGKILL. */
#define LAB_WAIT_MS		2000
#define LAB_POLL_MS		20

static const struct {
	enum lab_side	 side;
	const char	*ifname;
	const char	*v4;
	const char	*v6;
} lab_sides[] = {
	{ LAB_CLIENT, LAB_CLIENT_IF, LAB_CLIENT_V4, LAB_CLIENT_V6 },
	{ LAB_SERVER, LAB_SERVER_IF, LAB_SERVER_V4, LAB_SERVER_V6 },
};

bool
lab_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > LAB_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

void
lab_ns_name(const char *name, enum lab_side side, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%c", name, side == LAB_CLIENT ? 'c' : 's');
}

static void
lab_path(char *buf, size_t len, const char *name, const char *file)
{
	snprintf(buf, len, "%s/%s%s%s", LAB_RUN_DIR, name, file ? "/" : "",
	    file ? file : "");
}

static void
lab_ns_path(char *buf, size_t len, const char *name, enum lab_side side)
{
	char ns[32];

	lab_ns_name(name, side, ns, sizeof ns);
	snprintf(buf, len, "%s/%s", LAB_NETNS_DIR, ns);
}

bool
lab_sysctl_parse(const char *kv, enum lab_side side, struct lab_sysctl *sc,
    char **error)
{
	const char *eq = strchr(kv, '=');
	size_t klen;

	/* Only net.* settings live in a network namespace: anything else
	 * would change the host. */
	if (eq == NULL || eq[1] == '\0' || strchr(eq, '\n') != NULL) {
		xasprintf(error, "sysctl '%s': give KEY=VALUE, e.g. "
		    "net.ipv4.tcp_synack_retries=2", kv);
		return false;
	}
	klen = (size_t)(eq - kv);
	if (klen < 5 || strncmp(kv, "net.", 4) != 0 ||
	    strspn(kv, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != klen || strstr(kv, "..") != NULL) {
		xasprintf(error, "sysctl '%.*s': only net.* settings can be "
		    "set in a namespace (e.g. net.ipv4.tcp_synack_retries)",
		    (int)klen, kv);
		return false;
	}
	sc->side = side;
	sc->key = xmalloc(klen + 1);
	memcpy(sc->key, kv, klen);
	sc->key[klen] = '\0';
	sc->value = xstrdup(eq + 1);
	return true;
}

void
lab_words_free(char **words)
{
	size_t i;

	if (words == NULL)
		return;
	for (i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

void
lab_sysctls_free(struct lab_sysctl *sc, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(sc[i].key);
		free(sc[i].value);
	}
	free(sc);
}

char **
lab_split_words(const char *s, char **error)
{
	char **words = xcalloc(1, sizeof *words), *w;
	size_t n = 0, len;
	char quote;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			return words;
		w = xmalloc(strlen(s) + 1);
		len = 0;
		quote = '\0';
		for (; *s != '\0' && (quote || !strchr(" \t\n", *s)); s++) {
			if (quote && *s == quote)
				quote = '\0';
			else if (!quote && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (*s == '\\' && s[1] != '\0' && (!quote ||
			    (quote == '"' && strchr("\"\\", s[1]))))
				w[len++] = *++s;
			else
				w[len++] = *s;
		}
		w[len] = '\0';
		if (quote) {
			xasprintf(error, "--serve: unclosed %c in '%s'", quote,
			    w);
			free(w);
			lab_words_free(words);
			return NULL;
		}
		words = xreallocarray(words, n + 2, sizeof *words);
		words[n++] = w;
		words[n] = NULL;
	}
}

uint16_t
lab_serve_port(char *const *argv)
{
	const char *p = NULL;
	unsigned long v;
	char *end;

	for (; *argv != NULL; argv++) {
		if ((strcmp(*argv, "--port") == 0 || strcmp(*argv, "-p") == 0)
		    && argv[1] != NULL)
			p = *++argv;
		else if (strncmp(*argv, "--port=", 7) == 0)
			p = *argv + 7;
	}
	if (p == NULL)
		return 80;
	v = strtoul(p, &end, 0);
	return (*end == '\0' && v > 0 && v < 65536) ? (uint16_t)v : 0;
}

bool
lab_exists(const char *name)
{
	char path[256];
	struct stat sb;

	lab_ns_path(path, sizeof path, name, LAB_CLIENT);
	if (stat(path, &sb) == 0)
		return true;
	lab_ns_path(path, sizeof path, name, LAB_SERVER);
	if (stat(path, &sb) == 0)
		return true;
	lab_path(path, sizeof path, name, NULL);
	return stat(path, &sb) == 0;
}

static void
lab_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A child must not inherit the front end's blocked signals. */
static void
lab_child_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/* Run argv (iproute2's ip or ss) with stdout and stderr into *output.
 * Returns its exit status, or -1 when it could not be run at all. */
static int
lab_run(char *const argv[], char **output)
{
	size_t len = 0, cap = 256;
	char *buf = xmalloc(cap);
	int p[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		free(buf);
		*output = xstrdup(strerror(errno));
		return -1;
	}
	if (pid == 0) {
		lab_child_signals();
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s%s\n", argv[0],
		    strerror(errno), errno == ENOENT ?
		    " (install iproute2)" : "");
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (len + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(p[0], buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(p[0]);
	*output = buf;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run argv; on failure set *error to the command and its first line. */
static bool
lab_cmd(char **error, char *const argv[])
{
	char *out, *nl, cmd[256] = "";
	size_t i;

	if (lab_run(argv, &out) == 0) {
		free(out);
		return true;
	}
	for (i = 0; argv[i] != NULL; i++) {
		strncat(cmd, i ? " " : "", sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
	}
	if ((nl = strchr(out, '\n')) != NULL)
		*nl = '\0';
	xasprintf(error, "'%s' failed: %s", cmd, *out ? out : "no reason "
	    "given");
	free(out);
	return false;
}

/* Move this (single-threaded) process into a side's namespace; *saved
 * keeps the way back for lab_leave(). */
static bool
lab_enter(const char *name, enum lab_side side, int *saved, char **error)
{
	char path[256];
	int fd;

	lab_ns_path(path, sizeof path, name, side);
	if (saved != NULL &&
	    (*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(error, "/proc/self/ns/net: %s", strerror(errno));
		return false;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(fd, CLONE_NEWNET) == -1) {
		xasprintf(error, "cannot enter namespace %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		if (saved != NULL)
			close(*saved);
		return false;
	}
	close(fd);
	return true;
}

static void
lab_leave(int saved)
{
	/* Going back to where we were cannot fail for root; if it did, the
	 * next step would act in the wrong namespace, so stop here. */
	if (setns(saved, CLONE_NEWNET) == -1)
		abort();
	close(saved);
}

/* Turn checksum offload, TSO, GSO and GRO off on the veth end (the
 * default: the capture sees real segments with real checksums, not 64 KB
 * super-packets carrying partial sums), or on (--offloads on: what a
 * container's veth gives). Called inside the namespace. */
static void
lab_offloads_set(const char *ifname, bool on)
{
	static const uint32_t cmds[] = {
		ETHTOOL_STXCSUM, ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO,
	};
	struct ethtool_value ev;
	struct ifreq ifr;
	size_t i;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
		ev.cmd = cmds[i];
		ev.data = on;
		ifr.ifr_data = (void *)&ev;
		ioctl(fd, SIOCETHTOOL, &ifr);
	}
	close(fd);
}

static void
lab_sysctl_path(const char *key, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "/proc/sys/%s", key);
	for (p = buf + 10; *p != '\0'; p++)
		if (*p == '.')
			*p = '/';
}

/* Write one sysctl inside its namespace: /proc/sys/net resolves against
 * the namespace of the process that opens it. */
static bool
lab_sysctl_write(const char *name, const struct lab_sysctl *sc,
    char **error)
{
	char path[512];
	int saved, fd, err = 0;
	size_t len = strlen(sc->value);

	if (!lab_enter(name, sc->side, &saved, error))
		return false;
	lab_sysctl_path(sc->key, path, sizeof path);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		err = errno;
	else {
		if (write(fd, sc->value, len) != (ssize_t)len)
			err = errno;
		close(fd);
	}
	lab_leave(saved);
	if (err == ENOENT)
		xasprintf(error, "sysctl %s: no such setting in a network "
		    "namespace", sc->key);
	else if (err != 0)
		xasprintf(error, "sysctl %s=%s: %s", sc->key, sc->value,
		    strerror(err));
	return err == 0;
}

/* The value of a sysctl as the side's namespace sees it, or NULL. */
static char *
lab_sysctl_read(const char *name, enum lab_side side, const char *key)
{
	char path[512], buf[256], *error = NULL, *nl;
	ssize_t n = -1;
	int saved, fd;

	if (!lab_enter(name, side, &saved, &error)) {
		free(error);
		return NULL;
	}
	lab_sysctl_path(key, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	lab_leave(saved);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	return xstrdup(buf);
}

/* Whether a TCP socket listens on port in the side's namespace, from
 * /proc/self/net/tcp{,6} (which show the reader's namespace). */
static bool
lab_listening(const char *name, enum lab_side side, uint16_t port)
{
	static const char *const files[] = {
		"/proc/self/net/tcp6", "/proc/self/net/tcp",
	};
	char line[512], *error = NULL;
	unsigned lport, state;
	bool found = false;
	size_t i;
	FILE *f;
	int saved;

	if (!lab_enter(name, side, &saved, &error)) {
		free(error);
		return false;
	}
	for (i = 0; i < 2 && !found; i++) {
		if ((f = fopen(files[i], "re")) == NULL)
			continue;
		while (!found && fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:"
			    "%*x %x", &lport, &state) == 2 &&
			    lport == port && state == 0x0A)
				found = true;
		fclose(f);
	}
	lab_leave(saved);
	return found;
}

static bool
lab_ns_add(const char *name, enum lab_side side, char **error)
{
	char ns[32];
	char *argv[] = { "ip", "netns", "add", ns, NULL };

	lab_ns_name(name, side, ns, sizeof ns);
	return lab_cmd(error, argv);
}

/* Loopback up, addresses on the veth end (IPv6 without DAD, so it is
 * usable at once), link up, offloads off (or on). */
static bool
lab_side_setup(const char *name, size_t i, bool offloads, char **error)
{
	char ns[32], v4[64], v6[64];
	char *lo[] = { "ip", "-n", ns, "link", "set", "lo", "up", NULL };
	char *a4[] = { "ip", "-n", ns, "addr", "add", v4, "dev",
	    (char *)lab_sides[i].ifname, NULL };
	char *a6[] = { "ip", "-n", ns, "addr", "add", v6, "dev",
	    (char *)lab_sides[i].ifname, "nodad", NULL };
	char *up[] = { "ip", "-n", ns, "link", "set",
	    (char *)lab_sides[i].ifname, "up", NULL };
	int saved;

	lab_ns_name(name, lab_sides[i].side, ns, sizeof ns);
	snprintf(v4, sizeof v4, "%s/%d", lab_sides[i].v4, LAB_V4_PREFIX);
	snprintf(v6, sizeof v6, "%s/%d", lab_sides[i].v6, LAB_V6_PREFIX);
	if (!lab_cmd(error, lo) || !lab_cmd(error, a4) ||
	    !lab_cmd(error, a6) || !lab_cmd(error, up))
		return false;
	if (!lab_enter(name, lab_sides[i].side, &saved, error))
		return false;
	lab_offloads_set(lab_sides[i].ifname, offloads);
	lab_leave(saved);
	return true;
}

/* Whether the side's veth end is operationally up (IFF_RUNNING): until
 * then its queue discipline drops what is sent. */
static bool
lab_link_running(const char *name, size_t i)
{
	struct ifreq ifr;
	char *error = NULL;
	bool running = false;
	int saved, fd;

	if (!lab_enter(name, lab_sides[i].side, &saved, &error)) {
		free(error);
		return false;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) != -1) {
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s",
		    lab_sides[i].ifname);
		running = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
		    (ifr.ifr_flags & IFF_RUNNING);
		close(fd);
	}
	lab_leave(saved);
	return running;
}

static bool
lab_links_wait(const char *name, char **error)
{
	int waited;

	for (waited = 0; waited <= LAB_WAIT_MS; waited += LAB_POLL_MS) {
		if (lab_link_running(name, 0) && lab_link_running(name, 1))
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "the veth pair %s/%s did not come up within %d ms",
	    LAB_CLIENT_IF, LAB_SERVER_IF, LAB_WAIT_MS);
	return false;
}

static bool
lab_net_setup(const char *name, bool offloads, char **error)
{
	char nc[32], nsv[32];
	char *veth[] = { "ip", "link", "add", LAB_CLIENT_IF, "netns", nc,
	    "type", "veth", "peer", "name", LAB_SERVER_IF, "netns", nsv, NULL };

	lab_ns_name(name, LAB_CLIENT, nc, sizeof nc);
	lab_ns_name(name, LAB_SERVER, nsv, sizeof nsv);
	return lab_ns_add(name, LAB_CLIENT, error) &&
	    lab_ns_add(name, LAB_SERVER, error) &&
	    lab_cmd(error, veth) &&
	    lab_side_setup(name, 0, offloads, error) &&
	    lab_side_setup(name, 1, offloads, error) &&
	    lab_links_wait(name, error);
}

/* Apply the sysctls and note them in the run dir for `status`. */
static bool
lab_sysctls_apply(const struct lab_config *cf, char **error)
{
	char path[256];
	size_t i;
	FILE *f;

	lab_path(path, sizeof path, cf->name, "sysctl");
	if ((f = fopen(path, "we")) == NULL) {
		xasprintf(error, "%s: %s", path, strerror(errno));
		return false;
	}
	for (i = 0; i < cf->nsysctls; i++) {
		if (!lab_sysctl_write(cf->name, &cf->sysctls[i], error)) {
			fclose(f);
			return false;
		}
		fprintf(f, "%s %s=%s\n", cf->sysctls[i].side == LAB_CLIENT ?
		    "client" : "server", cf->sysctls[i].key,
		    cf->sysctls[i].value);
	}
	fclose(f);
	return true;
}

/* The serve child: its own session (so the terminal's ^C is not its),
 * in the server namespace, output to the log, this very binary. */
static void __attribute__((noreturn))
lab_serve_child(const struct lab_config *cf, const char *log)
{
	char **argv, *error = NULL;
	size_t n, i;
	int fd;

	lab_child_signals();
	setsid();
	if (chdir("/") == -1)
		_exit(126);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		_exit(126);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
		dup2(fd, STDIN_FILENO);
	if (!lab_enter(cf->name, LAB_SERVER, NULL, &error)) {
		dprintf(STDERR_FILENO, "tcpshake: %s\n", error);
		_exit(126);
	}
	for (n = 0; cf->serve_argv[n] != NULL; n++)
		;
	argv = xcalloc(n + 4, sizeof *argv);
	argv[0] = "tcpshake";
	argv[1] = "-v";
	argv[2] = "serve";
	for (i = 0; i < n; i++)
		argv[i + 3] = cf->serve_argv[i];
	execv("/proc/self/exe", argv);
	dprintf(STDERR_FILENO, "tcpshake: cannot run /proc/self/exe: %s\n",
	    strerror(errno));
	_exit(126);
}

/* The last line serve wrote, to say why it did not start. */
static char *
lab_log_tail(const char *log)
{
	char line[512], last[512] = "no message";
	FILE *f;

	if ((f = fopen(log, "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (line[0] != '\n')
				memcpy(last, line, sizeof last);
		fclose(f);
	}
	last[strcspn(last, "\n")] = '\0';
	return xstrdup(last);
}

static bool
lab_serve_start(const struct lab_config *cf, struct lab_made *made,
    char **error)
{
	char pidfile[256], *tail;
	int waited, status;
	pid_t pid;
	FILE *f;

	made->serve_port = lab_serve_port(cf->serve_argv);
	lab_path(made->log, sizeof made->log, cf->name, "serve.log");
	if ((pid = fork()) == -1) {
		xasprintf(error, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0)
		lab_serve_child(cf, made->log);
	made->serve_pid = pid;
	lab_path(pidfile, sizeof pidfile, cf->name, "serve.pid");
	if ((f = fopen(pidfile, "we")) != NULL) {
		fprintf(f, "%ld\n", (long)pid);
		fclose(f);
	}
	for (waited = 0; waited <= LAB_WAIT_MS; waited += LAB_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			tail = lab_log_tail(made->log);
			xasprintf(error, "serve did not start: %s", tail);
			free(tail);
			return false;
		}
		if (made->serve_port != 0 &&
		    lab_listening(cf->name, LAB_SERVER, made->serve_port))
			return true;
		lab_sleep_ms(LAB_POLL_MS);
	}
	xasprintf(error, "serve did not listen on port %u within %d ms "
	    "(see %s)", made->serve_port, LAB_WAIT_MS, made->log);
	return false;
}

int
lab_up(const struct lab_config *cf, struct lab_made *made, char **error)
{
	char path[256], *ignored = NULL;

	memset(made, 0, sizeof *made);
	if (mkdir(LAB_RUN_DIR, 0755) == -1 && errno != EEXIST) {
		xasprintf(error, "%s: %s", LAB_RUN_DIR, strerror(errno));
		return -1;
	}
	/* The run dir is the lock: two `up`s of one name cannot both make
	 * it, and the loser must not tear down the winner's lab. */
	lab_path(path, sizeof path, cf->name, NULL);
	if (mkdir(path, 0755) == -1) {
		if (errno == EEXIST)
			xasprintf(error, "lab '%s' is already up (tcpshake "
			    "lab down --name %s)", cf->name, cf->name);
		else
			xasprintf(error, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (lab_net_setup(cf->name, cf->offloads, error) &&
	    lab_sysctls_apply(cf, error) &&
	    (cf->serve_argv == NULL || lab_serve_start(cf, made, error)))
		return 0;
	lab_down(cf->name, &ignored);
	free(ignored);
	return -1;
}

/* Processes whose network namespace is the side's: what `ip netns pids`
 * prints, found the same way (same nsfs inode). */
static size_t
lab_pids(const char *name, enum lab_side side, pid_t **out)
{
	char path[256], nspath[300];
	struct stat want, sb;
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	char *end;
	long pid;

	*out = NULL;
	lab_ns_path(path, sizeof path, name, side);
	if (stat(path, &want) == -1 || (d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		snprintf(nspath, sizeof nspath, "/proc/%ld/ns/net", pid);
		if (stat(nspath, &sb) == -1 || sb.st_ino != want.st_ino ||
		    sb.st_dev != want.st_dev)
			continue;
		*out = xreallocarray(*out, n + 1, sizeof **out);
		(*out)[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

static size_t
lab_signal_all(const char *name, int sig)
{
	size_t side, i, n, total = 0;
	pid_t *pids;

	for (side = 0; side < 2; side++) {
		n = lab_pids(name, lab_sides[side].side, &pids);
		for (i = 0; i < n; i++)
			if (sig != 0)
				kill(pids[i], sig);
		total += n;
		free(pids);
	}
	return total;
}

/* TERM, up to LAB_WAIT_MS for them to go, then KILL. */
static void
lab_kill_all(const char *name)
{
	int waited;

	if (lab_signal_all(name, SIGTERM) == 0)
		return;
	/* Zombies do not count: a dead process has left its namespace. */
	for (waited = 0; waited < LAB_WAIT_MS; waited += LAB_POLL_MS) {
		if (lab_signal_all(name, 0) == 0)
			return;
		lab_sleep_ms(LAB_POLL_MS);
	}
	lab_signal_all(name, SIGKILL);
}

/* What `ip netns del` does: detach the bind mount, remove the file. */
static bool
lab_ns_del(const char *name, enum lab_side side, char **error)
{
	char path[256];

	lab_ns_path(path, sizeof path, name, side);
	if (umount2(path, MNT_DETACH) == -1 && errno != EINVAL &&
	    errno != ENOENT) {
		xasprintf(error, "umount %s: %s", path, strerror(errno));
		return false;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		xasprintf(error, "%s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static bool
lab_rundir_del(const char *name, char **error)
{
	char dir[256], path[600];
	struct dirent *de;
	DIR *d;

	lab_path(dir, sizeof dir, name, NULL);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	if (rmdir(dir) == -1 && errno != ENOENT) {
		xasprintf(error, "%s: %s", dir, strerror(errno));
		return false;
	}
	return true;
}

int
lab_down(const char *name, char **error)
{
	bool ok;

	lab_kill_all(name);
	ok = lab_ns_del(name, LAB_CLIENT, error);
	ok = ok && lab_ns_del(name, LAB_SERVER, error);
	ok = ok && lab_rundir_del(name, error);
	return ok ? 0 : -1;
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
lab_status_procs(const char *name, FILE *f)
{
	char path[64], buf[1024], ns[32];
	size_t side, i, n, k;
	ssize_t len;
	pid_t *pids;
	int fd;

	fprintf(f, "processes\n");
	for (side = 0; side < 2; side++) {
		lab_ns_name(name, lab_sides[side].side, ns, sizeof ns);
		n = lab_pids(name, lab_sides[side].side, &pids);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof path, "/proc/%ld/cmdline",
			    (long)pids[i]);
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
			fprintf(f, "  %s pid %ld: %s\n", ns, (long)pids[i],
			    buf);
		}
		if (n == 0)
			fprintf(f, "  %s: none\n", ns);
		free(pids);
	}
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

void
lab_status(const char *name, FILE *f)
{
	char ns[32], log[256];
	char *addr[] = { "ip", "-n", ns, "-brief", "address", "show", NULL };
	char *ss[] = { "ss", "-N", ns, "-ltn", NULL };
	size_t side;

	fprintf(f, "lab '%s' is up\n", name);
	for (side = 0; side < 2; side++) {
		lab_ns_name(name, lab_sides[side].side, ns, sizeof ns);
		fprintf(f, "%s namespace %s (%s)\n", side == 0 ? "client" :
		    "server", ns, side == 0 ? "the prober's side" :
		    "the target");
		lab_status_cmd(f, addr);
	}
	lab_status_procs(name, f);
	lab_ns_name(name, LAB_SERVER, ns, sizeof ns);
	fprintf(f, "listening in %s\n", ns);
	lab_status_cmd(f, ss);
	lab_status_sysctls(name, f);
	lab_path(log, sizeof log, name, "serve.log");
	if (access(log, F_OK) == 0)
		fprintf(f, "serve log: %s\n", log);
}

int
lab_exec(const char *name, enum lab_side side, char **argv, char **error)
{
	int err;

	if (!lab_enter(name, side, NULL, error))
		return -1;
	/* Like `ip netns exec`: a private mount namespace with a sysfs of
	 * this network namespace, so /sys/class/net lists its interfaces
	 * (libpcap reads it). Without it the command still runs. */
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) == 0 &&
	    umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	lab_child_signals();
	execvp(argv[0], argv);
	err = errno;
	xasprintf(error, "lab exec: cannot run %s: %s", argv[0],
	    strerror(err));
	errno = err;
	return -1;
}
