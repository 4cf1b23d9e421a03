/* SPDX-License-Identifier: GPL-2.0-or-later */
/* syscall-names.c: the names system-call lines use for constants
 * (SOCK_STREAM, SO_REUSEADDR, TCP_INFO, O_NONBLOCK, SPLICE_F_MORE, ...)
 * and errno. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <linux/errqueue.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "syscall.h"

#define C(x)	{ #x, (int64_t)(x) }

static const struct {
	const char	*name;
	int64_t		 v;
} consts[] = {
	C(AF_INET), C(AF_INET6), C(AF_UNSPEC), C(PF_INET), C(PF_INET6),
	C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
	C(IPPROTO_TCP), C(IPPROTO_IP), C(IPPROTO_IPV6), C(IPPROTO_UDP),
	C(SOL_SOCKET), C(SOL_TCP), C(SOL_IP), C(SOL_IPV6),
	C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_KEEPALIVE), C(SO_LINGER),
	C(SO_RCVBUF), C(SO_SNDBUF), C(SO_RCVLOWAT), C(SO_SNDLOWAT),
	C(SO_ERROR), C(SO_TYPE), C(SO_DEBUG), C(SO_OOBINLINE),
	C(SO_RCVTIMEO), C(SO_SNDTIMEO), C(SO_MARK), C(SO_PRIORITY),
	C(SO_ZEROCOPY), C(SO_TIMESTAMPING), C(SO_MAX_PACING_RATE),
	C(SO_BINDTODEVICE), C(SO_ACCEPTCONN), C(SO_DOMAIN), C(SO_PROTOCOL),
	C(SO_RCVBUFFORCE), C(SO_SNDBUFFORCE),
	C(TCP_NODELAY), C(TCP_MAXSEG), C(TCP_CORK), C(TCP_KEEPIDLE),
	C(TCP_KEEPINTVL), C(TCP_KEEPCNT), C(TCP_SYNCNT), C(TCP_LINGER2),
	C(TCP_DEFER_ACCEPT), C(TCP_WINDOW_CLAMP), C(TCP_INFO),
	C(TCP_QUICKACK), C(TCP_CONGESTION), C(TCP_MD5SIG),
	C(TCP_THIN_LINEAR_TIMEOUTS), C(TCP_THIN_DUPACK), C(TCP_USER_TIMEOUT),
	C(TCP_REPAIR), C(TCP_FASTOPEN), C(TCP_TIMESTAMP),
	C(TCP_NOTSENT_LOWAT), C(TCP_SAVE_SYN), C(TCP_SAVED_SYN),
	C(TCP_FASTOPEN_CONNECT), C(TCP_FASTOPEN_KEY), C(TCP_FASTOPEN_NO_COOKIE),
	C(TCP_INQ), C(TCP_CM_INQ), C(TCP_TX_DELAY),
	C(IP_TOS), C(IP_TTL), C(IP_MTU_DISCOVER), C(IP_RECVERR),
	C(IPV6_TCLASS), C(IPV6_V6ONLY), C(IPV6_RECVERR), C(IPV6_MTU_DISCOVER),
	C(IP_PMTUDISC_DO), C(IP_PMTUDISC_DONT), C(IP_PMTUDISC_PROBE),
	C(IP_FREEBIND), C(IPV6_FREEBIND), C(IP_TRANSPARENT),
	C(IPV6_TRANSPARENT), C(IP_BIND_ADDRESS_NO_PORT),
	C(F_GETFL), C(F_SETFL), C(F_GETFD), C(F_SETFD), C(FD_CLOEXEC),
	C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_NONBLOCK), C(O_NDELAY),
	C(O_CLOEXEC), C(O_CREAT), C(O_EXCL), C(O_TRUNC), C(O_APPEND),
	C(O_SYNC), C(O_NOFOLLOW),
	C(SPLICE_F_MOVE), C(SPLICE_F_NONBLOCK), C(SPLICE_F_MORE),
	C(SPLICE_F_GIFT),
	C(MSG_OOB), C(MSG_PEEK), C(MSG_DONTROUTE), C(MSG_DONTWAIT),
	C(MSG_WAITALL), C(MSG_TRUNC), C(MSG_NOSIGNAL), C(MSG_MORE),
	C(MSG_EOR), C(MSG_FASTOPEN), C(MSG_ZEROCOPY), C(MSG_ERRQUEUE),
	C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
	C(POLLIN), C(POLLPRI), C(POLLOUT), C(POLLERR), C(POLLHUP),
	C(POLLNVAL), C(POLLRDNORM), C(POLLRDBAND), C(POLLWRNORM),
	C(POLLWRBAND), C(POLLMSG), C(POLLRDHUP),
	C(SIOCINQ), C(SIOCOUTQ), C(SIOCOUTQNSD), C(FIONREAD),
	C(EPOLL_CTL_ADD), C(EPOLL_CTL_MOD), C(EPOLL_CTL_DEL), C(EPOLLIN),
	C(EPOLLOUT), C(EPOLLPRI), C(EPOLLERR), C(EPOLLHUP), C(EPOLLRDHUP),
	C(EPOLLET), C(EPOLLONESHOT), C(EPOLLEXCLUSIVE),
	/* Control messages (recvmsg's msg_control) and what they carry. */
	C(SCM_TIMESTAMPING), C(SCM_TSTAMP_SND), C(SCM_TSTAMP_SCHED),
	C(SCM_TSTAMP_ACK), C(SO_EE_ORIGIN_NONE), C(SO_EE_ORIGIN_LOCAL),
	C(SO_EE_ORIGIN_ICMP), C(SO_EE_ORIGIN_ICMP6),
	C(SO_EE_ORIGIN_TIMESTAMPING), C(SO_EE_ORIGIN_ZEROCOPY),
	C(SO_EE_CODE_ZEROCOPY_COPIED), C(SO_EE_CODE_TXTIME_INVALID_PARAM),
	C(SO_EE_CODE_TXTIME_MISSED),
	C(SOF_TIMESTAMPING_TX_HARDWARE), C(SOF_TIMESTAMPING_TX_SOFTWARE),
	C(SOF_TIMESTAMPING_RX_HARDWARE), C(SOF_TIMESTAMPING_RX_SOFTWARE),
	C(SOF_TIMESTAMPING_SOFTWARE), C(SOF_TIMESTAMPING_SYS_HARDWARE),
	C(SOF_TIMESTAMPING_RAW_HARDWARE), C(SOF_TIMESTAMPING_OPT_ID),
	C(SOF_TIMESTAMPING_TX_SCHED), C(SOF_TIMESTAMPING_TX_ACK),
	C(SOF_TIMESTAMPING_OPT_CMSG), C(SOF_TIMESTAMPING_OPT_TSONLY),
	C(SOF_TIMESTAMPING_OPT_STATS), C(SOF_TIMESTAMPING_OPT_PKTINFO),
	C(SOF_TIMESTAMPING_OPT_TX_SWHW),
	/* tcpi_state and tcpi_ca_state values. */
	C(TCP_ESTABLISHED), C(TCP_SYN_SENT), C(TCP_SYN_RECV),
	C(TCP_FIN_WAIT1), C(TCP_FIN_WAIT2), C(TCP_TIME_WAIT), C(TCP_CLOSE),
	C(TCP_CLOSE_WAIT), C(TCP_LAST_ACK), C(TCP_LISTEN), C(TCP_CLOSING),
	C(TCP_CA_Open), C(TCP_CA_Disorder), C(TCP_CA_CWR),
	C(TCP_CA_Recovery), C(TCP_CA_Loss),
	/* packetdrill's own names. */
	{ "NULL", 0 },
};

bool
syscall_const(const char *name, size_t len, int64_t *v)
{
	size_t k;
	int e;

	for (k = 0; k < sizeof consts / sizeof consts[0]; k++)
		if (strlen(consts[k].name) == len &&
		    strncmp(consts[k].name, name, len) == 0) {
			*v = consts[k].v;
			return true;
		}
	/* An errno's name as a value: ee_errno=ENOMSG. */
	if (len > 1 && name[0] == 'E' && (e = syscall_errno(name, len)) != 0) {
		*v = e;
		return true;
	}
	return false;
}

/* glibc's names (strerrorname_np), EWOULDBLOCK read as EAGAIN. */
int
syscall_errno(const char *name, size_t len)
{
	const char *n;
	int e;

	if (len == 11 && strncmp(name, "EWOULDBLOCK", 11) == 0)
		return EAGAIN;
	for (e = 1; e < 256; e++)
		if ((n = strerrorname_np(e)) != NULL && strlen(n) == len &&
		    strncmp(n, name, len) == 0)
			return e;
	return 0;
}

const char *
syscall_errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n != NULL ? n : "E?";
}
