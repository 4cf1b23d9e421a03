/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab.c: builds and removes the lab (namespaces, links, sysctls, the
 * router's rules, impairments, the serve process) in order, undoing all of
 * it on every failure or interrupt, and runs commands inside. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab-impair.h"
#include "lab-net.h"
#include "lab-router.h"
#include "lab-serve.h"
#include "lab-sys.h"
#include "lab.h"
#include "xmalloc.h"

static const enum lab_side lab_all_sides[] = {
	LAB_CLIENT, LAB_ROUTER, LAB_SERVER,
};

bool
lab_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > LAB_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
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

bool
lab_exists(const char *name)
{
	char path[256];
	struct stat sb;
	size_t i;

	for (i = 0; i < 3; i++) {
		lab_ns_path(path, sizeof path, name, lab_all_sides[i]);
		if (stat(path, &sb) == 0)
			return true;
	}
	lab_path(path, sizeof path, name, NULL);
	return stat(path, &sb) == 0;
}

bool
lab_is_up(const char *name)
{
	char ready[256];

	if (!lab_name_valid(name))
		return false;
	lab_path(ready, sizeof ready, name, "ready");
	return access(ready, F_OK) == 0;
}

bool
lab_has_router(const char *name)
{
	char path[256];
	struct stat sb;

	lab_ns_path(path, sizeof path, name, LAB_ROUTER);
	return stat(path, &sb) == 0;
}

const char *
lab_target_v4(const char *name)
{
	return lab_has_router(name) ? LAB_ROUTED_SERVER_V4 : LAB_SERVER_V4;
}

const char *
lab_target_v6(const char *name)
{
	return lab_has_router(name) ? LAB_ROUTED_SERVER_V6 : LAB_SERVER_V6;
}

/* Apply the sysctls and note them in the run dir for `status`. */
static bool
lab_sysctls_apply(const struct lab_config *cf, char **error)
{
	const struct lab_sysctl *sc;
	char path[256];
	size_t i;
	FILE *f;

	lab_path(path, sizeof path, cf->name, "sysctl");
	if ((f = fopen(path, "we")) == NULL) {
		xasprintf(error, "%s: %s", path, strerror(errno));
		return false;
	}
	for (i = 0; i < cf->nsysctls; i++) {
		sc = &cf->sysctls[i];
		if (!lab_sysctl_write(cf->name, sc->side, sc->key, sc->value,
		    error)) {
			fclose(f);
			return false;
		}
		fprintf(f, "%s %s=%s\n", sc->side == LAB_CLIENT ? "client" :
		    "server", sc->key, sc->value);
	}
	fclose(f);
	return true;
}

/*
 * Claim the name: under a lock on /run/tcpshake (held only for this), make
 * the run dir and write our pid as its builder. Parts of a lab whose
 * builder died before it finished (no "ready" file, builder gone: a
 * SIGKILL, a crash, a reboot-less power cut of the process) are removed
 * first.
 */
static bool
lab_claim(const char *name, struct lab_made *made, char **error)
{
	char path[256], *ignored = NULL;
	long builder;
	bool ok = false;
	int lock;

	if (mkdir(LAB_RUN_DIR, 0755) == -1 && errno != EEXIST) {
		xasprintf(error, "%s: %s", LAB_RUN_DIR, strerror(errno));
		return false;
	}
	if ((lock = open(LAB_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC))
	    == -1 || flock(lock, LOCK_EX) == -1) {
		xasprintf(error, "%s: %s", LAB_RUN_DIR, strerror(errno));
		if (lock != -1)
			close(lock);
		return false;
	}
	lab_path(path, sizeof path, name, NULL);
	builder = lab_pid_read(name, "up.pid");
	/* (A lab whose run dir names no builder but whose server runs was
	 * made by an older tcpshake: it is up, not a leftover.) */
	if (!lab_exists(name))
		;
	else if (lab_is_up(name) || (builder == 0 &&
	    lab_pid_alive(lab_pid_read(name, "serve.pid")))) {
		xasprintf(error, "lab '%s' is already up (tcpshake lab down "
		    "--name %s)", name, name);
		goto out;
	} else if (lab_pid_alive(builder)) {
		xasprintf(error, "lab '%s' is being built by pid %ld (wait "
		    "for it, or: tcpshake lab down --name %s)", name, builder,
		    name);
		goto out;
	} else {
		if (lab_down(name, &ignored) == -1) {
			xasprintf(error, "lab '%s': cannot remove what an "
			    "interrupted 'lab up' left: %s (tcpshake lab down "
			    "--name %s)", name, ignored, name);
			free(ignored);
			goto out;
		}
		made->recovered = true;
	}
	if (mkdir(path, 0755) == -1) {
		xasprintf(error, "%s: %s", path, strerror(errno));
		goto out;
	}
	lab_pid_write(name, "up.pid", (long)getpid());
	ok = true;
out:
	flock(lock, LOCK_UN);
	close(lock);
	return ok;
}

/* Every step, in order; false at the first failure or interrupt. */
static bool
lab_build(const struct lab_config *cf, struct lab_made *made, char **error)
{
	if (!lab_net_setup(cf, error) || lab_interrupted ||
	    !lab_sysctls_apply(cf, error) || lab_interrupted)
		return false;
	if (cf->router.enabled && (!lab_router_setup(cf, error) ||
	    lab_interrupted))
		return false;
	if (lab_impair_active(&cf->impair) &&
	    (!lab_impair_start(cf, made, error) || lab_interrupted))
		return false;
	return cf->serve_argv == NULL || lab_serve_start(cf, made, error);
}

int
lab_up(const struct lab_config *cf, struct lab_made *made, char **error)
{
	char path[256], *ignored = NULL, *what;
	FILE *f;

	memset(made, 0, sizeof *made);
	*error = NULL;
	if (!lab_claim(cf->name, made, error))
		return -1;
	if (lab_build(cf, made, error) && !lab_interrupted) {
		lab_path(path, sizeof path, cf->name, "ready");
		if ((f = fopen(path, "we")) != NULL && fclose(f) == 0)
			return 0;
		xasprintf(error, "%s: %s", path, strerror(errno));
	}
	what = *error;
	if (lab_interrupted)
		xasprintf(error, "lab up: interrupted by %s; removed what was "
		    "made", lab_interrupted == SIGINT ? "SIGINT" :
		    lab_interrupted == SIGTERM ? "SIGTERM" :
		    lab_interrupted == SIGHUP ? "SIGHUP" :
		    strsignal(lab_interrupted));
	else
		xasprintf(error, "lab up: %s", what);
	free(what);
	lab_daemons_stop();
	lab_down(cf->name, &ignored);
	free(ignored);
	return -1;
}

size_t
lab_pids(const char *name, enum lab_side side, long **out)
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
		(*out)[n++] = pid;
	}
	closedir(d);
	return n;
}

static size_t
lab_signal_all(const char *name, int sig)
{
	size_t side, i, n, total = 0;
	long *pids;

	for (side = 0; side < 3; side++) {
		n = lab_pids(name, lab_all_sides[side], &pids);
		for (i = 0; i < n; i++) {
			if (sig != 0)
				kill((pid_t)pids[i], sig);
			/* A zombie has left its namespace. */
			if (sig != 0 || lab_pid_alive(pids[i]))
				total++;
		}
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
	bool ok = true;
	size_t i;

	lab_kill_all(name);
	for (i = 0; i < 3 && ok; i++)
		ok = lab_ns_del(name, lab_all_sides[i], error);
	ok = ok && lab_rundir_del(name, error);
	return ok ? 0 : -1;
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
