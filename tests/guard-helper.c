/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guard-helper.c: holds a guard open for tests/guard.sh, so the test can
 * see the table and end the holder in every way a prober can end. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "segment.h"
#include "xmalloc.h"

/*
 * guard-helper [--no-owner | --no-nft] LOCAL LPORT REMOTE RPORT MODE
 *
 * Opens a guard (--no-owner: without the owner flag, the old-kernel path;
 * --no-nft: as on a kernel without nftables, whose netfilter netlink
 * sockets cannot be opened; exit 77 where that cannot be faked), adds the
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
	fprintf(stderr, "usage: guard-helper [--no-owner | --no-nft] LOCAL "
	    "LPORT REMOTE RPORT wait|close|exit|fatal|delflow\n");
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

#if defined(__x86_64__)
#define HELPER_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HELPER_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(n)	(offsetof(struct seccomp_data, args[n]))
#else
#define ARG_LO(n)	(offsetof(struct seccomp_data, args[n]) + 4)
#endif

/* Make socket(AF_NETLINK, *, NETLINK_NETFILTER) fail as it does on a
 * kernel built without nfnetlink: EPROTONOSUPPORT. */
static void
fake_no_nftables(void)
{
#if defined(HELPER_AUDIT_ARCH) && defined(__NR_socket)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HELPER_AUDIT_ARCH, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_NETFILTER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
		    SECCOMP_RET_ERRNO | (EPROTONOSUPPORT & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof f / sizeof f[0], f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
		return;
	perror("guard-helper: seccomp");
#endif
	fprintf(stderr, "guard-helper: cannot fake a kernel without "
	    "nftables here\n");
	exit(77);
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
	} else if (argc > 1 && strcmp(argv[1], "--no-nft") == 0) {
		fake_no_nftables();
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
