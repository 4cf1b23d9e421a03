/* SPDX-License-Identifier: GPL-2.0-or-later */
/* peer-test.c: for tests/peer.sh, prints the state peer.c reads for one
 * connection (or listener) of a namespace's kernel. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer.h"

/*
 * peer-test [-c] NETNS LOCAL LPORT [REMOTE RPORT]
 *
 * NETNS "-" is our own namespace. Prints the state's name; with -c calls
 * peer_changed() twice and prints "NAME changed unchanged" when the first
 * call reported a change and the second (nothing happened in between) did
 * not. Exit 1 when the kernel could not be asked.
 */
int
main(int argc, char **argv)
{
	struct ipaddr local, remote;
	struct peer *p;
	char err[256];
	int state, again, argi = 1;
	uint16_t lport, rport = 0;
	bool twice = false, first, second;

	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		twice = true;
		argi++;
	}
	if ((argc - argi != 3 && argc - argi != 5) ||
	    !ipaddr_parse(argv[argi + 1], &local) ||
	    (argc - argi == 5 && !ipaddr_parse(argv[argi + 3], &remote))) {
		fprintf(stderr, "usage: peer-test [-c] NETNS LOCAL LPORT "
		    "[REMOTE RPORT]\n");
		return 2;
	}
	lport = (uint16_t)atoi(argv[argi + 2]);
	if (argc - argi == 3)
		memset(&remote, 0, sizeof remote);	/* the listener */
	else
		rport = (uint16_t)atoi(argv[argi + 4]);
	if ((p = peer_open(strcmp(argv[argi], "-") == 0 ? NULL : argv[argi],
	    err, sizeof err)) == NULL) {
		fprintf(stderr, "peer-test: %s\n", err);
		return 1;
	}
	if (!twice) {
		state = peer_state(p, &local, lport, &remote, rport);
		printf("%s\n", peer_state_name(state));
	} else {
		first = peer_changed(p, &local, lport, &remote, rport, &state);
		second = peer_changed(p, &local, lport, &remote, rport, &again);
		printf("%s %s %s\n", peer_state_name(state),
		    first ? "changed" : "unchanged",
		    second || again != state ? "changed" : "unchanged");
	}
	peer_close(p);
	return state == PEER_ERROR ? 1 : 0;
}
