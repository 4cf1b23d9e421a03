/* SPDX-License-Identifier: GPL-2.0-or-later */
/* privdrop.c: root given up once the wire is open: the user, the
 * capabilities kept, no new privileges, and the seccomp filter. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

#define NOBODY_ID	65534

static bool privdrop_done;

const struct cli_opt privdrop_table[] = {
	{ "user", 0, PD_USER, "NAME", "once the wire is open, become NAME "
	    "(the sudo caller, else nobody)", 0, NULL },
	{ "no-drop", 0, PD_NO_DROP, NULL, "keep root and every capability "
	    "to the end", 0, NULL },
	{ NULL, 0, 0, NULL, NULL, 0, NULL },
};

bool
privdrop_option(struct privdrop_opts *o, int id, const char *arg)
{
	switch (id) {
	case PD_USER:
		o->user = arg;
		return true;
	case PD_NO_DROP:
		o->no_drop = true;
		return true;
	}
	return false;
}

bool
privdrop_dropped(void)
{
	return privdrop_done;
}

/* A whole number that fits an id. */
static bool
id_parse(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out < (uid_t)-1;
}

/* Who to become: --user, else the sudo caller, else nobody. name is the
 * account name when there is one (for its groups), else "". */
static int
target_user(const struct privdrop_opts *o, uid_t *uid, gid_t *gid,
    char *name, size_t namelen, char *err, size_t errlen)
{
	const struct passwd *pw = NULL;
	unsigned long u, g;

	name[0] = '\0';
	if (o->user != NULL) {
		if ((pw = getpwnam(o->user)) == NULL && id_parse(o->user, &u))
			pw = getpwuid((uid_t)u);
		if (pw == NULL && !id_parse(o->user, &u)) {
			snprintf(err, errlen, "--user %s: no such user", o->user);
			return -1;
		}
		*uid = pw != NULL ? pw->pw_uid : (uid_t)u;
		*gid = pw != NULL ? pw->pw_gid : (gid_t)u;
	} else if (id_parse(getenv("SUDO_UID"), &u) && u != 0 &&
	    id_parse(getenv("SUDO_GID"), &g)) {
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		pw = getpwuid(*uid);
	} else if ((pw = getpwnam("nobody")) == NULL) {
		*uid = NOBODY_ID;
		*gid = NOBODY_ID;
	} else {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (pw != NULL && pw->pw_uid == *uid)
		snprintf(name, namelen, "%s", pw->pw_name);
	if (*uid == 0) {
		snprintf(err, errlen, "--user %s is root: give --no-drop to "
		    "keep root", o->user != NULL ? o->user : "0");
		return -1;
	}
	return 0;
}

/* The capability sets, as capset(2) takes them (version 3: two words). */
static int
caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof d);
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

/* Out of the bounding set, every capability but keep (needs CAP_SETPCAP:
 * before the user changes). */
static int
caps_bound(uint64_t keep)
{
	int c;

	for (c = 0; c <= 63; c++) {
		if (keep & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1 && errno != EINVAL)
			return -1;
	}
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL ? -1 : 0;
}

/* ------------------------------------------------------------- seccomp */

#if defined(__x86_64__)
#define SECCOMP_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH	AUDIT_ARCH_AARCH64
#endif

#ifdef SECCOMP_ARCH

/* System calls nothing after the drop needs; EPERM for each. */
static const long denied[] = {
	SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot,
	SYS_unshare, SYS_setns,
	SYS_bpf, SYS_perf_event_open, SYS_userfaultfd,
	SYS_keyctl, SYS_add_key, SYS_request_key,
	SYS_init_module, SYS_finit_module, SYS_delete_module,
	SYS_kexec_load, SYS_kexec_file_load, SYS_reboot,
	SYS_swapon, SYS_swapoff, SYS_acct, SYS_quotactl,
	SYS_settimeofday, SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex,
	SYS_sethostname, SYS_setdomainname,
	SYS_open_by_handle_at, SYS_name_to_handle_at,
	SYS_setuid, SYS_setgid, SYS_setreuid, SYS_setregid, SYS_setresuid,
	SYS_setresgid, SYS_setgroups, SYS_setfsuid, SYS_setfsgid, SYS_capset,
#ifdef SYS_fsopen
	SYS_fsopen, SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree,
#endif
#if defined(__x86_64__)
	SYS_iopl, SYS_ioperm, SYS_uselib,
#endif
};
#define NDENIED	(sizeof denied / sizeof denied[0])

#define CLONE_NEW_ANY	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
	CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | \
	CLONE_NEWTIME)

#define LD(field)	(struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
	    offsetof(struct seccomp_data, field))
#define RET(v)		(struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v))

static int
seccomp_install(void)
{
	/* The head, the clone checks, one test per denied call, the tail. */
	struct sock_filter f[16 + NDENIED * 2];
	struct sock_fprog prog;
	size_t n = 0, k;

	f[n++] = LD(arch);
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    SECCOMP_ARCH, 1, 0);
	f[n++] = RET(SECCOMP_RET_KILL_PROCESS);
	f[n++] = LD(nr);
#if defined(__x86_64__)
	/* The x32 ABI's numbers would slip past the table. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	    0x40000000, 0, 1);
	f[n++] = RET(SECCOMP_RET_ERRNO | EPERM);
#endif
	/* clone3's flags sit behind a pointer: ENOSYS, and glibc uses
	 * clone, whose flags are its first argument. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    SYS_clone3, 0, 1);
	f[n++] = RET(SECCOMP_RET_ERRNO | ENOSYS);
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    SYS_clone, 0, 4);
	f[n++] = LD(args[0]);
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
	    CLONE_NEW_ANY, 0, 1);
	f[n++] = RET(SECCOMP_RET_ERRNO | EPERM);
	f[n++] = RET(SECCOMP_RET_ALLOW);
	for (k = 0; k < NDENIED; k++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
		    BPF_K, (uint32_t)denied[k], 0, 1);
		f[n++] = RET(SECCOMP_RET_ERRNO | EPERM);
	}
	f[n++] = RET(SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	prog.filter = f;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

#else

static int
seccomp_install(void)
{
	return 0;	/* an architecture the filter does not know: none */
}

#endif

/* ---------------------------------------------------------------- drop */

static int
fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "cannot drop root (%s: %s); --no-drop keeps "
	    "it", what, strerror(errno));
	return -1;
}

int
privdrop_apply(const struct privdrop_opts *o, unsigned int keep, char *err,
    size_t errlen)
{
	uint64_t caps = 1ULL << CAP_NET_RAW;
	char name[256];
	uid_t uid;
	gid_t gid;

	if (o == NULL || o->no_drop || privdrop_done || geteuid() != 0)
		return 0;
	if (keep & PRIVDROP_KEEP_ADMIN)
		caps |= 1ULL << CAP_NET_ADMIN;
	if (keep & PRIVDROP_KEEP_BIND)
		caps |= 1ULL << CAP_NET_BIND_SERVICE;
	if (target_user(o, &uid, &gid, name, sizeof name, err, errlen) == -1)
		return -1;
	if (name[0] != '\0' ? initgroups(name, gid) == -1 :
	    setgroups(0, NULL) == -1)
		return fail(err, errlen, "groups");
	if (caps_bound(caps) == -1)
		return fail(err, errlen, "bounding set");
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return fail(err, errlen, "PR_SET_KEEPCAPS");
	if (setresgid(gid, gid, gid) == -1)
		return fail(err, errlen, "setresgid");
	if (setresuid(uid, uid, uid) == -1)
		return fail(err, errlen, "setresuid");
	if (caps_set(caps) == -1)
		return fail(err, errlen, "capset");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return fail(err, errlen, "PR_SET_NO_NEW_PRIVS");
	/* Root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		errno = EPERM;
		return fail(err, errlen, "root came back");
	}
	if (seccomp_install() == -1)
		return fail(err, errlen, "seccomp");
	privdrop_done = true;
	return 0;
}
