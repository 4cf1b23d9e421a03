/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-exercise.c: `lab list` and `lab exercise NAME`: finds the exercises,
 * prints a worksheet, runs its scenario through run --lab's code, and
 * explains the run's capture through read's. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "lab-exercise.h"
#include "lab-sys.h"
#include "run-lab.h"
#include "script-lab.h"
#include "tcpshake.h"
#include "xmalloc.h"

/* Set by mk/labs.am: where make install puts the exercises, and the
 * source tree's for the binary of the build tree. */
#ifndef TCPSHAKE_LABS_INSTALLED
#define TCPSHAKE_LABS_INSTALLED	"/usr/local/share/tcpshake/labs"
#endif
#ifndef TCPSHAKE_LABS_SOURCE
#define TCPSHAKE_LABS_SOURCE	""
#endif
#ifndef TCPSHAKE_BUILD_EXE
#define TCPSHAKE_BUILD_EXE	""
#endif

const char *
exercise_dir(void)
{
	const char *env = getenv("TCPSHAKE_LABS");
	char self[PATH_MAX], built[PATH_MAX];

	if (env != NULL && env[0] != '\0')
		return env;
	if (TCPSHAKE_BUILD_EXE[0] != '\0' &&
	    realpath("/proc/self/exe", self) != NULL &&
	    realpath(TCPSHAKE_BUILD_EXE, built) != NULL &&
	    strcmp(self, built) == 0)
		return TCPSHAKE_LABS_SOURCE;
	return TCPSHAKE_LABS_INSTALLED;
}

/* "NN-name.shake": two digits, '-', then letters, digits, '-' and '_'. */
static bool
exercise_file(const char *f)
{
	size_t n = strlen(f), i;

	if (n < 10 || strcmp(f + n - 6, ".shake") != 0 || f[0] < '0' ||
	    f[0] > '9' || f[1] < '0' || f[1] > '9' || f[2] != '-')
		return false;
	for (i = 3; i < n - 6; i++)
		if (!((f[i] >= 'a' && f[i] <= 'z') || (f[i] >= 'A' &&
		    f[i] <= 'Z') || (f[i] >= '0' && f[i] <= '9') ||
		    f[i] == '-' || f[i] == '_'))
			return false;
	return true;
}

static int
exercise_filter(const struct dirent *de)
{
	return exercise_file(de->d_name);
}

/* The exercises' names (NN-name), sorted; -1 when dir cannot be read. */
static int
exercise_names(const char *dir, char ***names)
{
	struct dirent **de;
	int n, i;

	if ((n = scandir(dir, &de, exercise_filter, alphasort)) == -1)
		return -1;
	*names = xcalloc((size_t)n + 1, sizeof **names);
	for (i = 0; i < n; i++) {
		(*names)[i] = xstrdup(de[i]->d_name);
		(*names)[i][strlen((*names)[i]) - 6] = '\0';
		free(de[i]);
	}
	free(de);
	return n;
}

static void
exercise_names_free(char **names)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* The title of the file's first line "# NN-name: title", or NULL. */
static char *
exercise_title(const char *dir, const char *name)
{
	char path[PATH_MAX], line[512], *t = NULL;
	size_t n = strlen(name);
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.shake", dir, name);
	if ((f = fopen(path, "re")) == NULL)
		return NULL;
	if (fgets(line, sizeof line, f) != NULL &&
	    strncmp(line, "# ", 2) == 0 && strncmp(line + 2, name, n) == 0 &&
	    strncmp(line + 2 + n, ": ", 2) == 0) {
		line[strcspn(line, "\r\n")] = '\0';
		t = xstrdup(line + 4 + n);
	}
	fclose(f);
	return t;
}

int
exercise_list(void)
{
	const char *dir = exercise_dir();
	char **names, *t;
	int n, i;

	if ((n = exercise_names(dir, &names)) == -1) {
		warnx_("lab list: cannot read the exercises in %s: %s (set "
		    "TCPSHAKE_LABS to their directory)", dir, strerror(errno));
		return 2;
	}
	for (i = 0; i < n; i++) {
		t = exercise_title(dir, names[i]);
		printf("%-24s %s\n", names[i], t != NULL ? t : "(no '# "
		    "NN-name: title' first line)");
		free(t);
	}
	if (n == 0 && !gopts.quiet)
		fprintf(stderr, "tcpshake: lab list: no exercises in %s\n",
		    dir);
	exercise_names_free(names);
	return 0;
}

/* Whether `arg` names exercise `name`: NN-name, name or NN. */
static bool
exercise_is(const char *name, const char *arg)
{
	size_t n = strlen(arg);

	if (n > 6 && strcmp(arg + n - 6, ".shake") == 0)
		n -= 6;
	return (strlen(name) == n && strncmp(name, arg, n) == 0) ||
	    (strlen(name + 3) == n && strncmp(name + 3, arg, n) == 0) ||
	    (n == 2 && strncmp(name, arg, 2) == 0);
}

/* One line: no such exercise, and the names close to it. */
static int
exercise_unknown(const char *dir, char **names, int n, const char *arg)
{
	char *close = xstrdup(""), *t;
	int i;

	for (i = 0; i < n; i++)
		if (strstr(names[i], arg) != NULL || cli_distance(arg,
		    names[i] + 3) <= 3 || cli_distance(arg, names[i]) <=
		    3) {
			xasprintf(&t, "%s%s%s", close, close[0] ? ", " : "",
			    names[i]);
			free(close);
			close = t;
		}
	fflush(stdout);
	if (n == 0)
		fprintf(stderr, "tcpshake: lab exercise: no exercise '%s': %s "
		    "holds none (set TCPSHAKE_LABS to their directory)\n", arg,
		    dir);
	else if (close[0] != '\0')
		fprintf(stderr, "tcpshake: lab exercise: no exercise '%s' "
		    "(close: %s; tcpshake lab list names them all)\n", arg,
		    close);
	else
		fprintf(stderr, "tcpshake: lab exercise: no exercise '%s' "
		    "(tcpshake lab list names them all)\n", arg);
	free(close);
	return 2;
}

/* Print a file to stdout; false when it cannot be read. */
static bool
exercise_cat(const char *path)
{
	char buf[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "re")) == NULL)
		return false;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
	return true;
}

/* `tcpshake read -e FILE` in a child (read ends its process on a bad
 * file); its exit status. */
static int
exercise_explain(const char *pcap)
{
	char *argv[] = { "read", "-e", (char *)pcap, NULL };
	int status;
	pid_t pid;

	printf("\n# tcpshake read -e: every segment of the run, field by "
	    "field\n");
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		warnx_("lab exercise: fork: %s", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		status = cmd_read_entry.exec(3, argv);
		fflush(stdout);
		_exit(status);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

/* What the run needs of the file's header: "lab explain", "lab quick". */
static struct script *
exercise_header(const char *path, const struct exercise_opts *o)
{
	struct script_defs defs = { o->defs, o->ndefs, NULL, false, true,
	    NULL, 0 };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;

	if ((sc = script_parse_file(path, &defs, &errs)) == NULL) {
		fflush(stdout);
		script_errors_print(stderr, &errs);
		script_errors_clear(&errs);
	}
	return sc;
}

/* run --lab --ladder [-D QUICK=1 -D each "lab quick"] [-D ...] [-w PCAP]
 * FILE, through run-lab.c. */
static int
exercise_scenario(const struct exercise_opts *o, const char *path,
    const struct script_lab *b, const char *pcap)
{
	size_t nq = o->quick && b != NULL ? b->nquick : 0, n = 0, nd = 0, k;
	char **opts = xcalloc(2 * (nq + o->ndefs) + 6, sizeof *opts);
	struct script_def *defs = xcalloc(nq + o->ndefs + 1, sizeof *defs);
	char *file = (char *)path;
	struct run_lab_args a;
	int status;

	opts[n++] = "--ladder";
	if (o->quick) {
		opts[n++] = "-D";
		opts[n++] = "QUICK=1";
		defs[nd++] = (struct script_def){ "QUICK", "1" };
	}
	/* The command line's -D first: the first of a name wins. */
	for (k = 0; k < o->ndefs; k++) {
		opts[n++] = "-D";
		opts[n++] = o->dargs[k];
		defs[nd++] = o->defs[k];
	}
	for (k = 0; k < nq; k++) {
		opts[n++] = "-D";
		opts[n++] = b->quick[k];
		xasprintf((char **)&defs[nd].name, "%.*s",
		    (int)strcspn(b->quick[k], "="), b->quick[k]);
		defs[nd++].value = strchr(b->quick[k], '=') + 1;
	}
	if (pcap != NULL) {
		opts[n++] = "-w";
		opts[n++] = (char *)pcap;
	}
	memset(&a, 0, sizeof a);
	a.opts = opts;
	a.nopts = (int)n;
	a.files = &file;
	a.nfiles = 1;
	a.defs = defs;
	a.ndefs = nd;
	a.one_report = pcap != NULL;
	status = run_lab_files(&a);
	for (k = nd - nq; k < nd; k++)
		free((char *)defs[k].name);
	free(defs);
	free(opts);
	return status;
}

/* The run, and its explanation with "lab explain". */
static int
exercise_go(const struct exercise_opts *o, const char *path)
{
	struct script *sc;
	char tmp[] = "/tmp/tcpshake-exercise.XXXXXX", pcap[64];
	bool explain;
	int status, st;

	if ((sc = exercise_header(path, o)) == NULL)
		return 2;
	explain = sc->lab != NULL && sc->lab->explain;
	if (explain && mkdtemp(tmp) == NULL)
		fatalx("lab exercise: cannot make a directory for the "
		    "capture: %s", strerror(errno));
	snprintf(pcap, sizeof pcap, "%s/run.pcap", tmp);
	status = exercise_scenario(o, path, sc->lab, explain ? pcap : NULL);
	script_free(sc);
	if (!explain)
		return status;
	/* Not after a ^C: the run was cut short. */
	if (!lab_interrupted && access(pcap, R_OK) == 0 &&
	    (st = exercise_explain(pcap)) != 0 && status == 0)
		status = 2;
	unlink(pcap);
	rmdir(tmp);
	return status;
}

int
exercise_run(const struct exercise_opts *o)
{
	const char *dir = exercise_dir();
	char **names, path[PATH_MAX];
	int n, i, status;

	if ((n = exercise_names(dir, &names)) == -1)
		fatalx("lab exercise: cannot read the exercises in %s: %s (set "
		    "TCPSHAKE_LABS to their directory)", dir, strerror(errno));
	for (i = 0; i < n && !exercise_is(names[i], o->name); i++)
		;
	if (i == n) {
		status = exercise_unknown(dir, names, n, o->name);
		exercise_names_free(names);
		return status;
	}
	snprintf(path, sizeof path, "%s/%s.md", dir, names[i]);
	if (!o->no_worksheet && !exercise_cat(path))
		warnx_("lab exercise: no worksheet %s: %s", path,
		    strerror(errno));
	if (!o->no_worksheet)
		printf("\n");
	/* The file by its own name, as `run` prints it in the ladder (a
	 * long path would wrap its verdict over two lines). */
	if (chdir(dir) == -1)
		fatalx("lab exercise: cannot enter %s: %s", dir,
		    strerror(errno));
	snprintf(path, sizeof path, "%s.shake", names[i]);
	exercise_names_free(names);
	return exercise_go(o, path);
}
