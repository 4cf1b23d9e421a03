/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-syscall.c: system-call lines parsed (syscall-parse.c): arguments,
 * flag expressions, structs, results and errno, refusals; control
 * messages built and judged (agent-cmsg.c); files and pipes made in
 * this process (agent-file.c); and the super-segment cut (coalesce.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

/* The calls that may connect (the agent binds the socket first; the
 * engine leaves aside what an earlier socket sent before them). */
static void
test_connects(void)
{
	static const struct {
		const char	*line;
		bool		 connects;
	} v[] = {
		{ "connect(3, ..., ...) = 0", true },
		{ "sendto(3, ..., 100, MSG_FASTOPEN, ..., ...) = 100", true },
		{ "sendto(3, ..., 100, 0, NULL, 0) = 100", false },
		{ "sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 100}], "
		    "msg_flags=0}, MSG_FASTOPEN) = 100", true },
		{ "sendmsg(4, {msg_iov(1)=[{..., 100}], msg_flags=0}, 0) = "
		    "100", false },
		{ "write(3, ..., 100) = 100", false },
		{ "listen(3, 1) = 0", false },
	};
	char err[256];
	size_t at, i;
	struct syscall *c;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		c = parse(v[i].line, err, &at);
		CHECK(c != NULL);
		if (c != NULL)
			CHECK_INT(syscall_connects(c), v[i].connects);
		syscall_free(c);
	}
}

static void
test_refusals(void)
{
	char err[256];
	size_t at;

	CHECK(parse("socket(..., SOCK_STREAMX, 0) = 3", err, &at) == NULL);
	CHECK(strstr(err, "unknown name 'SOCK_STREAMX'") != NULL);
	CHECK_INT(at, 12);
	CHECK(parse("mmap(0, 4096, 3, 2, 5, 0) = 0", err, &at) == NULL);
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

/* open, sendfile, pipe and splice in packetdrill's forms. */
static void
test_file_calls(void)
{
	char err[256];
	size_t at;
	struct syscall *c;

	c = parse("open(\"/tmp/testfile\", O_RDONLY) = 5", err, &at);
	CHECK(c != NULL && c->nargs == 2 && c->args[0]->kind == SX_STRING &&
	    c->args[1]->v == O_RDONLY && c->ret == 5);
	CHECK_STR(c != NULL ? c->args[0]->s : NULL, "/tmp/testfile");
	syscall_free(c);
	c = parse("open(\"f\", O_WRONLY|O_CREAT|O_TRUNC, 0600) = 3", err,
	    &at);
	CHECK(c != NULL && c->args[1]->v == (O_WRONLY | O_CREAT | O_TRUNC) &&
	    c->args[2]->v == 0600);
	syscall_free(c);
	c = parse("sendfile(4, 5, [0], 5) = 5", err, &at);
	CHECK(c != NULL && c->nargs == 4 && c->args[2]->kind == SX_LIST &&
	    c->args[2]->nkids == 1 && c->args[3]->v == 5);
	syscall_free(c);
	c = parse("pipe([5, 6]) = 0", err, &at);
	CHECK(c != NULL && c->args[0]->kind == SX_LIST &&
	    c->args[0]->nkids == 2 && c->args[0]->kids[1]->v == 6);
	syscall_free(c);
	c = parse("splice(4, NULL, 6, NULL, 99, SPLICE_F_MOVE|SPLICE_F_MORE) = "
	    "99", err, &at);
	CHECK(c != NULL && c->nargs == 6 && c->args[1]->kind == SX_INT &&
	    c->args[1]->v == 0 && c->args[5]->v ==
	    (SPLICE_F_MOVE | SPLICE_F_MORE));
	syscall_free(c);
	c = parse("setsockopt(3, SOL_IP, IP_FREEBIND, [1], 4) = 0", err, &at);
	CHECK(c != NULL && c->args[2]->v == IP_FREEBIND);
	syscall_free(c);
}

/* The file lines of the agent made here, in this process, on a file
 * and pipes; each step's verdict. */
static const char file_script[] =
    "0  open(\"%s\", O_RDONLY) = 5\n"
    "+0 pipe([6, 7]) = 0\n"
    "+0 sendfile(7, 5, [1], 4) = 4\n"		/* from offset 1 */
    "+0 read(6, \"ello\", 4) = 4\n"
    "+0 sendfile(7, 5, NULL, 1) = 1\n"	/* the file's own: 0 */
    "+0 read(6, \"h\", 1) = 1\n"
    "+0 pipe([8, 9]) = 0\n"
    "+0 write(7, \"abcdef\", 6) = 6\n"
    "+0 splice(6, NULL, 9, NULL, 6, SPLICE_F_MOVE) = 6\n"
    "+0 read(8, \"abcdef\", 6) = 6\n"
    "+0 splice(6, [0], 9, NULL, 1, 0) = -1 ESPIPE\n"
    "+0 close(5) = 0\n"
    "+0 sendfile(7, 5, [0], 1) = -1 EBADF\n"
    "+0 pipe([6, 10]) = 0\n"
    "+0 sendfile(7, 5, 3, 1) = 1\n"
    "+0 open(\"%s.none\", O_RDONLY) = 5\n"
    "+0 sendfile(7, 6, [0], 1) = 3\n";

static void
test_file_agent(void)
{
	static const char *const why[] = {
		"", "", "", "", "", "", "", "", "", "", "", "", "",
		"pipe(): fd 6 is open already",
		"sendfile(): argument 3 is an offset, [N] or NULL",
		"open returned = -1 ENOENT (No such file or directory), the "
		"line says = 5",
		"sendfile returned = -1 ESPIPE (Illegal seek), the line says "
		"= 3",
	};
	struct script_defs lab = { NULL, 0, NULL, false, true, NULL, 0 };
	struct script_errors errs = { NULL, 0, false };
	char path[] = "/tmp/tcpshake-unit.XXXXXX", text[2048];
	struct agent_req req;
	struct agent_rep rep;
	struct agent_ctx *a;
	struct script *sc;
	size_t k;
	int fd;

	fd = mkstemp(path);
	CHECK(fd != -1 && write(fd, "hello", 5) == 5);
	if (fd == -1)
		return;
	close(fd);
	snprintf(text, sizeof text, file_script, path, path);
	sc = script_parse_string("t", text, &lab, &errs);
	CHECK(sc != NULL);
	CHECK_INT(sc != NULL ? sc->nsteps : 0, sizeof why / sizeof why[0]);
	if (sc == NULL || sc->nsteps != sizeof why / sizeof why[0]) {
		script_errors_clear(&errs);
		script_free(sc);
		unlink(path);
		return;
	}
	a = agent_ctx_new(sc);
	memset(&req, 0, sizeof req);
	for (k = 0; k < sc->nsteps; k++) {
		memset(&rep, 0, sizeof rep);
		agent_call(a, &sc->steps[k], &req, &rep);
		CHECK_(rep.ok == (why[k][0] == '\0') &&
		    strcmp(rep.why, why[k]) == 0, "step %zu: %s (%s)", k + 1,
		    sc->steps[k].call->text, rep.why);
	}
	agent_ctx_free(a);
	script_free(sc);
	unlink(path);
}

/* The script parser: refused without a lab, steps with one. */
static void
test_script(void)
{
	const char *text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+0...0.2 accept(3, ...,\n    ...) = 4\n"
	    "+0 %{\nassert tcpi_state == 1 // a comment of Python's\n}%\n";
	struct script_defs lab = { NULL, 0, NULL, false, true, NULL, 0 };
	struct script_defs none = { NULL, 0, NULL, false, false, NULL, 0 };
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
	double at_s = 0;
	size_t at;
	long len;
	char unit = 0;

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
	/* t0 and the check each read the two clocks once: the pairs can
	 * differ by a microsecond when a read is preempted. */
	CHECK(sscanf(why, "control message 0: timestamp at %lf s, the line "
	    "says 0.010000 %c", &at_s, &unit) == 2 && unit == 's');
	CHECK(at_s > -0.040100 && at_s < -0.039900);
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

/* htons(N), inet_addr("A"), inet6_addr("A"); the ends they name
 * (agent-addr.c): --local_ip and --remote_ip, packetdrill's defaults,
 * their IPv4-mapped forms; any other address refused. */
static void
test_addrs(void)
{
	struct script_option opts[] = {
		{ "local_ip", "198.51.100.7", 0 },
		{ "remote_ip", "2001:db8:77::1", 0 },
	};
	struct script_defs defs = { NULL, 0, NULL, false, true, opts, 2 };
	struct script_errors errs = { NULL, 0, false };
	struct agent_names names;
	struct sockaddr_in6 s6;
	struct ipaddr t, p;
	struct script *sc;
	struct syscall *c;
	char err[256], why[300];
	size_t at;

	c = parse("bind(3, {sa_family=AF_INET, sin_port=htons(8080), "
	    "sin_addr=inet_addr(\"192.168.0.1\")}, 16) = 0", err, &at);
	CHECK_(c != NULL, "sockaddr parses: %s", err);
	if (c == NULL)
		return;
	CHECK_INT(sx_member(c->args[1], "sin_port")->v, 8080);
	CHECK_INT(sx_member(c->args[1], "sin_addr")->kind, SX_ADDR);
	CHECK_INT(sx_member(c->args[1], "sin_addr")->v, AF_INET);
	sc = script_parse_string("t.pkt", "--ip_version=ipv4\n", NULL, &errs);
	CHECK(sc != NULL);
	agent_names_init(&names, sc, false);
	script_free(sc);
	CHECK_INT(agent_sockaddr_end(&names, c->args[1], 0, why, sizeof why),
	    1);
	syscall_free(c);

	c = parse("connect(3, {sa_family=AF_INET6, sin6_port=htons(80), "
	    "sin6_addr=inet6_addr(\"::ffff:192.0.2.1\")}, 28) = 0", err, &at);
	CHECK(c != NULL && agent_sockaddr_end(&names, c->args[1], 1, why,
	    sizeof why) == 0);
	syscall_free(c);
	c = parse("connect(3, {sa_family=AF_INET, sin_port=htons(80), "
	    "sin_addr=inet_addr(\"8.8.8.8\")}, 16) = 0", err, &at);
	CHECK(c != NULL && agent_sockaddr_end(&names, c->args[1], 1, why,
	    sizeof why) == -1);
	CHECK_STR(why, "address 8.8.8.8 is neither --local_ip (192.168.0.1, "
	    "the target) nor --remote_ip (192.0.2.1, the prober): the agent "
	    "makes its calls with the lab's addresses only");
	syscall_free(c);

	/* The command line's names, in an IPv6 run. */
	sc = script_parse_string("t.pkt", "--remote_ip=fd00::9\n", &defs,
	    &errs);
	CHECK(sc != NULL);
	agent_names_init(&names, sc, true);
	script_free(sc);
	c = parse("getpeername(4, {sa_family=AF_INET6, sin6_port=htons(9), "
	    "sin6_addr=inet6_addr(\"2001:db8:77::1\")}, [28]) = 0", err, &at);
	CHECK(c != NULL && agent_sockaddr_end(&names, c->args[1], 1, why,
	    sizeof why) == 0);
	/* The lab's prober address read back names the prober. */
	ipaddr_parse("2001:db8::2", &t);
	ipaddr_parse("2001:db8::1", &p);
	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(40000);
	memcpy(&s6.sin6_addr, p.a, 16);
	CHECK(c != NULL && agent_sockaddr_check(&names, c->args[1],
	    (struct sockaddr *)&s6, &t, &p, why, sizeof why));
	memcpy(&s6.sin6_addr, t.a, 16);
	CHECK(c != NULL && !agent_sockaddr_check(&names, c->args[1],
	    (struct sockaddr *)&s6, &t, &p, why, sizeof why));
	CHECK_STR(why, "the address is the target's (--local_ip), the line "
	    "says the prober's (--remote_ip)");
	syscall_free(c);

	c = parse("bind(3, {sin_addr=inet_addr(\"1.2.3\")}, 16) = 0", err,
	    &at);
	CHECK(c == NULL);
	CHECK_STR(err, "'1.2.3' is not an IPv4 address");
	c = parse("bind(3, {sin_addr=inet6_addr(\"::1\"}, 16) = 0", err, &at);
	CHECK(c == NULL);
	CHECK_STR(err, "expected ')' after the argument of inet6_addr()");
}

int
main(void)
{
	test_calls();
	test_connects();
	test_addrs();
	test_refusals();
	test_file_calls();
	test_file_agent();
	test_script();
	test_cmsg();
	test_cut();
	return check_done();
}
