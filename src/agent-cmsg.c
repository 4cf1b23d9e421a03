/* SPDX-License-Identifier: GPL-2.0-or-later */
/* agent-cmsg.c: inside the agent, the control messages of sendmsg and
 * recvmsg lines (msg_control=[{cmsg_level=L, cmsg_type=T,
 * cmsg_data=D}, ...]): their size, the bytes sendmsg passes, and what
 * recvmsg read back judged against the line, as packetdrill judges:
 * level, type and length of each in turn, then its data: a
 * sock_extended_err's fields, a scm_timestamping's first time (script
 * time, within the tolerance; 0 is any), any other byte for byte. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/errqueue.h>

#include "agent.h"
#include "clock.h"
#include "syscall.h"

enum cm_kind { CM_INT, CM_TSTAMP, CM_EXTERR, CM_BAD };

static const char *const ee_fields[] = {
	"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data",
};

/* What cmsg_data D is, and the length of the data it stands for. */
static enum cm_kind
cm_kind(const struct sx *d, int level, size_t *len)
{
	if (d != NULL && d->kind == SX_INT) {
		*len = sizeof(int);
		return CM_INT;
	}
	if (d != NULL && d->kind == SX_STRUCT &&
	    (sx_member(d, "scm_sec") != NULL ||
	    sx_member(d, "scm_nsec") != NULL)) {
		*len = sizeof(struct scm_timestamping);
		return CM_TSTAMP;
	}
	if (d != NULL && d->kind == SX_STRUCT &&
	    sx_member(d, "ee_errno") != NULL) {
		/* ip(v6)_recv_error puts the offender's address after it. */
		*len = sizeof(struct sock_extended_err) + (level == SOL_IP ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
		return CM_EXTERR;
	}
	return CM_BAD;
}

/* One {cmsg_level=L, cmsg_type=T, cmsg_data=D}: false when it is not. */
static bool
cm_parts(const struct sx *e, int *level, int *type, const struct sx **d,
    enum cm_kind *kind, size_t *len, char *err, size_t n)
{
	const struct sx *l = sx_member(e, "cmsg_level");
	const struct sx *t = sx_member(e, "cmsg_type");

	*d = sx_member(e, "cmsg_data");
	if (e->kind != SX_STRUCT || l == NULL || l->kind != SX_INT ||
	    t == NULL || t->kind != SX_INT || *d == NULL) {
		snprintf(err, n, "a control message is {cmsg_level=L, "
		    "cmsg_type=T, cmsg_data=D}");
		return false;
	}
	*level = (int)l->v;
	*type = (int)t->v;
	if ((*kind = cm_kind(*d, *level, len)) == CM_BAD) {
		snprintf(err, n, "cmsg_data is a number, {scm_sec=S, "
		    "scm_nsec=N} or {ee_errno=E, ee_origin=O, ee_type=T, "
		    "ee_code=C, ee_info=I, ee_data=D}");
		return false;
	}
	return true;
}

static void
cm_fill(unsigned char *data, enum cm_kind kind, const struct sx *d)
{
	struct scm_timestamping ts;
	struct sock_extended_err ee;
	const struct sx *f;
	int v;

	if (kind == CM_INT) {
		v = (int)d->v;
		memcpy(data, &v, sizeof v);
	} else if (kind == CM_TSTAMP) {
		memset(&ts, 0, sizeof ts);
		if ((f = sx_member(d, "scm_sec")) != NULL)
			ts.ts[0].tv_sec = (time_t)f->v;
		if ((f = sx_member(d, "scm_nsec")) != NULL)
			ts.ts[0].tv_nsec = (long)f->v;
		memcpy(data, &ts, sizeof ts);
	} else {
		memset(&ee, 0, sizeof ee);
		ee.ee_errno = (uint32_t)((f = sx_member(d, "ee_errno")) ?
		    f->v : 0);
		ee.ee_origin = (uint8_t)((f = sx_member(d, "ee_origin")) ?
		    f->v : 0);
		ee.ee_type = (uint8_t)((f = sx_member(d, "ee_type")) ?
		    f->v : 0);
		ee.ee_code = (uint8_t)((f = sx_member(d, "ee_code")) ?
		    f->v : 0);
		ee.ee_info = (uint32_t)((f = sx_member(d, "ee_info")) ?
		    f->v : 0);
		ee.ee_data = (uint32_t)((f = sx_member(d, "ee_data")) ?
		    f->v : 0);
		memcpy(data, &ee, sizeof ee);
	}
}

long
agent_cmsg_build(const struct sx *list, void *buf, size_t cap, char *err,
    size_t n)
{
	struct msghdr mh;
	struct cmsghdr *cm;
	const struct sx *d;
	enum cm_kind kind;
	size_t k, len, sum = 0;
	int level, type;

	if (list == NULL || list->kind != SX_LIST) {
		snprintf(err, n, "msg_control is [{cmsg_level=L, "
		    "cmsg_type=T, cmsg_data=D}, ...]");
		return -1;
	}
	memset(buf, 0, cap);
	memset(&mh, 0, sizeof mh);
	mh.msg_control = buf;
	mh.msg_controllen = cap;
	cm = CMSG_FIRSTHDR(&mh);
	for (k = 0; k < list->nkids; k++) {
		if (!cm_parts(list->kids[k], &level, &type, &d, &kind, &len,
		    err, n))
			return -1;
		if (cm == NULL || sum + CMSG_SPACE(len) > cap) {
			snprintf(err, n, "msg_control: more than %zu bytes",
			    cap);
			return -1;
		}
		cm->cmsg_level = level;
		cm->cmsg_type = type;
		cm->cmsg_len = CMSG_LEN(len);
		cm_fill(CMSG_DATA(cm), kind, d);
		sum += CMSG_SPACE(len);
		cm = CMSG_NXTHDR(&mh, cm);
	}
	return (long)sum;
}

/* The realtime stamp the kernel gave, in script time: ns since t0, the
 * script's time 0 on CLOCK_MONOTONIC. */
static int64_t
cm_run_ns(const struct timespec *rt, int64_t t0)
{
	int64_t off = clock_ns(CLOCK_REALTIME) - mono_ns();

	return timespec_ns(rt) - off - t0;
}

static bool
cm_data_check(int i, enum cm_kind kind, const struct sx *d,
    const unsigned char *got, int64_t t0, int64_t tol, char *why, size_t n)
{
	struct scm_timestamping ts, want;
	struct sock_extended_err ee, wee;
	uint32_t gv[6], wv[6];
	int64_t at, w;
	size_t k;
	int v;

	if (kind == CM_INT) {
		memcpy(&v, got, sizeof v);
		if (v == (int)d->v)
			return true;
		snprintf(why, n, "control message %d: data %d, the line says "
		    "%lld", i, v, (long long)d->v);
		return false;
	}
	if (kind == CM_TSTAMP) {
		memcpy(&ts, got, sizeof ts);
		cm_fill((unsigned char *)&want, kind, d);
		if (want.ts[0].tv_sec == 0 && want.ts[0].tv_nsec == 0)
			return true;
		at = cm_run_ns(&ts.ts[0], t0);
		w = timespec_ns(&want.ts[0]);
		if (at - w <= tol && w - at <= tol)
			return true;
		snprintf(why, n, "control message %d: timestamp at %.6f s, "
		    "the line says %.6f s", i, (double)at / 1e9,
		    (double)w / 1e9);
		return false;
	}
	memcpy(&ee, got, sizeof ee);
	cm_fill((unsigned char *)&wee, kind, d);
	gv[0] = ee.ee_errno; gv[1] = ee.ee_origin; gv[2] = ee.ee_type;
	gv[3] = ee.ee_code; gv[4] = ee.ee_info; gv[5] = ee.ee_data;
	wv[0] = wee.ee_errno; wv[1] = wee.ee_origin; wv[2] = wee.ee_type;
	wv[3] = wee.ee_code; wv[4] = wee.ee_info; wv[5] = wee.ee_data;
	for (k = 0; k < 6; k++)
		if (sx_member(d, ee_fields[k]) != NULL && gv[k] != wv[k]) {
			snprintf(why, n, "control message %d: %s is %u, the "
			    "line says %u", i, ee_fields[k], gv[k], wv[k]);
			return false;
		}
	return true;
}

bool
agent_cmsg_check(const struct sx *list, const struct msghdr *got,
    int64_t t0, int64_t tol, char *why, size_t n)
{
	struct cmsghdr *cm;
	const struct sx *d;
	enum cm_kind kind;
	size_t k, len;
	int level, type;

	cm = CMSG_FIRSTHDR(got);
	for (k = 0; k < list->nkids; k++, cm = CMSG_NXTHDR(
	    (struct msghdr *)got, cm)) {
		if (!cm_parts(list->kids[k], &level, &type, &d, &kind, &len,
		    why, n))
			return false;
		if (cm == NULL) {
			snprintf(why, n, "recvmsg read %zu control messages, "
			    "the line says %zu", k, list->nkids);
			return false;
		}
		if (cm->cmsg_level != level || cm->cmsg_type != type ||
		    cm->cmsg_len != CMSG_LEN(len)) {
			snprintf(why, n, "control message %zu: level %d type "
			    "%d length %zu, the line says level %d type %d "
			    "length %zu", k, cm->cmsg_level, cm->cmsg_type,
			    (size_t)cm->cmsg_len, level, type,
			    (size_t)CMSG_LEN(len));
			return false;
		}
		if (!cm_data_check((int)k, kind, d, CMSG_DATA(cm), t0, tol,
		    why, n))
			return false;
	}
	if (cm != NULL) {
		snprintf(why, n, "recvmsg read more than the %zu control "
		    "messages the line says", list->nkids);
		return false;
	}
	return true;
}
