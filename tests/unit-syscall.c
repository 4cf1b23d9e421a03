/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-syscall.c: system-call lines parsed (syscall-parse.c): arguments,
 * flag expressions, structs, results and errno, refusals; control
 * messages built and judged (agent-cmsg.c); and the super-segment cut
 * (coalesce.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/errqueue.h>

#include "agent.h"
#include "check.h"
#include "clock.h"
#include "coalesce.h"
#include "offload.h"
#include "script.h"
#include "syscall.h"

static struct syscall *
parse(const char *s, char *err, size_t *at)
{
	*at = 0;
	err[0] = '\0';
	return syscall_parse(s, at, err, 256);
}

static void
test_calls(void)
{
	char err[256];
	size_t at;
	struct syscall *c;

	c = parse("socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", err, &at);
	CHECK(c != NULL);
	CHECK_STR(c->name, "socket");
	CHECK_INT(c->nargs, 3);
	CHECK_INT(c->args[0]->kind, SX_ELLIPSIS);
	CHECK_INT(c->args[1]->v, SOCK_STREAM);
	CHECK_INT(c->ret, 3);
	CHECK_INT(c->err, 0);
	syscall_free(c);

	c = parse("fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0", err, &at);
	CHECK(c != NULL && c->args[2]->v == (O_RDWR | O_NONBLOCK));
	syscall_free(c);

	c = parse("read(4, ..., 100) = -1 EAGAIN (Resource temporarily "
	    "unavailable)", err, &at);
	CHECK(c != NULL && c->ret == -1 && c->err == EAGAIN);
	syscall_free(c);

	c = parse("setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, "
	    "8) = 0", err, &at);
	CHECK(c != NULL && c->args[3]->kind == SX_STRUCT &&
	    c->args[3]->nkids == 2);
	CHECK_STR(c->args[3]->kids[1]->name, "linger");
	syscall_free(c);

	c = parse("poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, "
	    "0) = 1", err, &at);
	CHECK(c != NULL && c->args[0]->kind == SX_LIST &&
	    c->args[0]->kids[0]->kind == SX_STRUCT);
	syscall_free(c);

	c = parse("sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], "
	    "msg_flags=0}, 0) = 100", err, &at);
	CHECK(c != NULL && c->args[1]->nkids == 3);
	CHECK_STR(c->args[1]->kids[1]->name, "msg_iov");
	syscall_free(c);

	c = parse("epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, "
	    "fd=4}) = 0", err, &at);
	CHECK(c != NULL && c->args[3]->kind == SX_STRUCT &&
	    c->args[3]->kids[0]->v == (int64_t)(EPOLLIN | EPOLLET));
	syscall_free(c);

	c = parse("setsockopt(3, SOL_TCP, TCP_CONGESTION, \"reno\", 4) = 0",
	    err, &at);
	CHECK(c != NULL && c->args[3]->kind == SX_STRING &&
	    strcmp(c->args[3]->s, "reno") == 0);
	syscall_free(c);
}

static void
test_refusals(void)
{
	char err[256];
	size_t at;

	CHECK(parse("socket(..., SOCK_STREAMX, 0) = 3", err, &at) == NULL);
	CHECK(strstr(err, "unknown name 'SOCK_STREAMX'") != NULL);
	CHECK_INT(at, 12);
	CHECK(parse("sendfile(4, 5, ..., 10) = 10", err, &at) == NULL);
	CHECK(strstr(err, "not a system call the agent makes") != NULL);
	CHECK(parse("close(3)", err, &at) == NULL);
	CHECK(strstr(err, "expected '= RESULT'") != NULL);
	CHECK(parse("close(3) = 0 EAGAIN", err, &at) == NULL);
	CHECK(strstr(err, "an errno goes with '= -1'") != NULL);
	CHECK(parse("close(3) = -1 ENOSUCH", err, &at) == NULL);
	CHECK(strstr(err, "unknown errno name 'ENOSUCH'") != NULL);
	CHECK(parse("write(4, \"abc, 3) = 3", err, &at) == NULL);
	CHECK(strstr(err, "unterminated string") != NULL);
}

/* The script parser: refused without a lab, steps with one. */
static void
test_script(void)
{
	const char *text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+0...0.2 accept(3, ...,\n    ...) = 4\n"
	    "+0 %{\nassert tcpi_state == 1 // a comment of Python's\n}%\n";
	struct script_defs lab = { NULL, 0, NULL, false, true };
	struct script_defs none = { NULL, 0, NULL, false, false };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;

	sc = script_parse_string("t", text, &lab, &errs);
	CHECK(sc != NULL);
	if (sc != NULL) {
		CHECK_INT(sc->nsteps, 3);
		CHECK(sc->syscalls);
		CHECK_INT(sc->steps[1].kind, STEP_SYSCALL);
		CHECK(sc->steps[1].call->blocking);
		CHECK_INT(sc->steps[1].call->end_ns, 200000000);
		CHECK_INT(sc->steps[2].kind, STEP_PYTHON);
		CHECK(strstr(sc->steps[2].command, "// a comment") != NULL);
		CHECK_INT(sc->target_port, 8080);
	}
	script_free(sc);
	CHECK(script_parse_string("t", text, &none, &errs) == NULL);
	CHECK(errs.n >= 2 && strstr(errs.v[0].msg, "is a system call line"));
	script_errors_clear(&errs);
}

static void
test_cut(void)
{
	struct segment s, *parts;
	size_t n;

	segment_init(&s);
	s.seq = 100;
	s.flags = TH_ACK_ | TH_PSH_;
	segment_set_data(&s, NULL, 2500);
	n = coalesce_cut(&s, 1000, &parts);
	CHECK_INT(n, 3);
	CHECK_INT(parts[1].seq, 1100);
	CHECK_INT(parts[2].len, 500);
	CHECK_INT(parts[0].flags, TH_ACK_);
	CHECK_INT(parts[2].flags, TH_ACK_ | TH_PSH_);
	offload_split_free(parts, n);
	n = coalesce_cut(&s, 0, &parts);
	CHECK_INT(n, 1);
	CHECK_INT(parts[0].len, 2500);
	offload_split_free(parts, n);
	segment_clear(&s);
}

#define CMSG_LINE "recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 0}], " \
	"msg_flags=MSG_ERRQUEUE, msg_control=[{cmsg_level=SOL_SOCKET, " \
	"cmsg_type=SCM_TIMESTAMPING, cmsg_data={scm_sec=0, " \
	"scm_nsec=10000000}}, {cmsg_level=SOL_IP, cmsg_type=IP_RECVERR, " \
	"cmsg_data={ee_errno=ENOMSG, ee_origin=SO_EE_ORIGIN_TIMESTAMPING, " \
	"ee_type=0, ee_code=0, ee_info=SCM_TSTAMP_ACK, ee_data=1999}}, " \
	"{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=9000}]}, " \
	"MSG_ERRQUEUE) = 0"

/* A line's control messages built, then judged against themselves
 * (the kernel's answer stood in for), then against changed bytes. */
static void
test_cmsg(void)
{
	char err[256], why[256], buf[512] __attribute__((aligned(8)));
	const struct sx *list;
	struct sock_extended_err *ee;
	struct cmsghdr *cm;
	struct msghdr mh;
	struct syscall *c;
	int64_t t0;
	size_t at;
	long len;

	c = parse(CMSG_LINE, err, &at);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	list = c->args[1]->kids[3];
	CHECK_STR(list->name, "msg_control");
	len = agent_cmsg_build(list, buf, sizeof buf, err, sizeof err);
	CHECK_INT(len, CMSG_SPACE(sizeof(struct scm_timestamping)) +
	    CMSG_SPACE(sizeof(struct sock_extended_err) +
	    sizeof(struct sockaddr_in)) + CMSG_SPACE(sizeof(int)));
	memset(&mh, 0, sizeof mh);
	mh.msg_control = buf;
	mh.msg_controllen = (size_t)len;
	cm = CMSG_NXTHDR(&mh, CMSG_FIRSTHDR(&mh));
	ee = (struct sock_extended_err *)CMSG_DATA(cm);
	CHECK_INT(ee->ee_errno, ENOMSG);
	CHECK_INT(ee->ee_data, 1999);
	/* The built stamp is 0.01 s on the realtime clock: script time
	 * 0.01 when the script's time 0 is realtime's 0. */
	t0 = mono_ns() - clock_ns(CLOCK_REALTIME);
	CHECK(agent_cmsg_check(list, &mh, t0, 1000000, why, sizeof why));
	CHECK(!agent_cmsg_check(list, &mh, t0 + 50000000, 1000000, why,
	    sizeof why));
	CHECK_STR(why, "control message 0: timestamp at -0.040000 s, the "
	    "line says 0.010000 s");
	ee->ee_data = 7;
	CHECK(!agent_cmsg_check(list, &mh, t0, 1000000, why, sizeof why));
	CHECK_STR(why, "control message 1: ee_data is 7, the line says 1999");
	ee->ee_data = 1999;
	*(int *)CMSG_DATA(CMSG_NXTHDR(&mh, cm)) = 8000;
	CHECK(!agent_cmsg_check(list, &mh, t0, 1000000, why, sizeof why));
	CHECK_STR(why, "control message 2: data 8000, the line says 9000");
	mh.msg_controllen = CMSG_SPACE(sizeof(struct scm_timestamping));
	CHECK(!agent_cmsg_check(list, &mh, t0, 1000000, why, sizeof why));
	CHECK_STR(why, "recvmsg read 1 control messages, the line says 3");
	CHECK_INT(agent_cmsg_build(list, buf, 64, err, sizeof err), -1);
	CHECK_STR(err, "msg_control: more than 64 bytes");
	CHECK_INT(agent_cmsg_build(c->args[1], buf, sizeof buf, err,
	    sizeof err), -1);
	syscall_free(c);
	c = parse("recvmsg(4, {msg_control=[{cmsg_level=1, cmsg_data=2}]}, 0) "
	    "= 0", err, &at);
	CHECK(c != NULL);
	CHECK_INT(agent_cmsg_build(c->args[1]->kids[0], buf, sizeof buf, err,
	    sizeof err), -1);
	CHECK_STR(err, "a control message is {cmsg_level=L, cmsg_type=T, "
	    "cmsg_data=D}");
	syscall_free(c);
}

int
main(void)
{
	test_calls();
	test_refusals();
	test_script();
	test_cmsg();
	test_cut();
	return check_done();
}
