/* guard-helper.c: holds a guard open for tests/guard.sh, so the test can
 * see the table and end the holder in every way a prober can end. */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "segment.h"
#include "xmalloc.h"

/*
 * guard-helper [--no-owner] LOCAL LPORT REMOTE RPORT MODE
 *
 * Opens a guard (without the owner flag: the old-kernel path), adds the
 * flow, prints "ready owned|unowned TABLE", then by MODE:
 *   wait	sleep in poll() until a signal ends the process
 *   close	guard_close() and exit 0
 *   exit	exit 0 without guard_close() (the atexit hook must act)
 *   fatal	fatalx() (the atfatal hook must act), exit 2
 *   delflow	remove the flow again, print the table's rules, close
 * Exit 2 with the guard's error line when it cannot open.
 */
static void
usage(void)
{
	fprintf(stderr, "usage: guard-helper [--no-owner] LOCAL LPORT REMOTE "
	    "RPORT wait|close|exit|fatal|delflow\n");
	exit(2);
}

static uint16_t
port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || v < 0 || v > 65535)
		usage();
	return (uint16_t)v;
}

int
main(int argc, char **argv)
{
	struct guard *g;
	struct ipaddr local, remote;
	unsigned int flags = 0;
	char err[512];
	const char *mode;

	if (argc > 1 && strcmp(argv[1], "--no-owner") == 0) {
		flags |= GUARD_NO_OWNER;
		argc--;
		argv++;
	}
	if (argc != 6 || !ipaddr_parse(argv[1], &local) ||
	    !ipaddr_parse(argv[3], &remote))
		usage();
	mode = argv[5];
	if ((g = guard_open_flags(flags, err, sizeof err)) == NULL)
		fatalx("%s", err);
	if (guard_add_flow(g, &local, port(argv[2]), &remote, port(argv[4]),
	    err, sizeof err) == -1)
		fatalx("%s", err);
	/* Adding the same flow twice is not an error. */
	if (guard_add_flow(g, &local, port(argv[2]), &remote, port(argv[4]),
	    err, sizeof err) == -1)
		fatalx("adding a flow twice: %s", err);
	printf("ready %s %s\n", guard_owned(g) ? "owned" : "unowned",
	    guard_table(g));
	fflush(stdout);

	if (strcmp(mode, "wait") == 0) {
		for (;;)
			poll(NULL, 0, -1);
	} else if (strcmp(mode, "close") == 0) {
		guard_close(g);
	} else if (strcmp(mode, "exit") == 0) {
		exit(0);
	} else if (strcmp(mode, "fatal") == 0) {
		fatalx("ending by fatalx as asked");
	} else if (strcmp(mode, "delflow") == 0) {
		if (guard_del_flow(g, &local, port(argv[2]), &remote,
		    port(argv[4]), err, sizeof err) == -1)
			fatalx("%s", err);
		if (guard_del_flow(g, &local, port(argv[2]), &remote,
		    port(argv[4]), err, sizeof err) == 0)
			fatalx("removing a flow twice succeeded");
		printf("second delete: %s\n", err);
		fflush(stdout);
		if (guard_list(stdout, err, sizeof err) == -1)
			fatalx("%s", err);
		guard_close(g);
	} else
		usage();
	return 0;
}
