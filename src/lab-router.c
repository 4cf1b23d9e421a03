/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lab-router.c: the router namespace's nftables table: masquerade, a
 * synproxy in front of the server, firewall rules, and a counted drop of
 * what conntrack finds INVALID (as a stateful middlebox does). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab-router.h"
#include "lab-sys.h"
#include "xmalloc.h"

/* Synproxy answers SYNs with these options; the server (Linux on a veth
 * with a 1500-byte MTU) negotiates the same, as synproxy needs. */
#define LAB_SYNPROXY_OPTS	"mss 1460 wscale 7 timestamp sack-perm"

static const struct {
	enum lab_fw_action	 action;
	const char		*word;		/* on the command line, and
						 * in the rule's comment */
	const char		*nft;		/* the rule's verdict */
	const char		*says;		/* in lab status */
} lab_fw_actions[] = {
	{ LAB_FW_DROP, "drop", "drop", "" },
	{ LAB_FW_RESET, "reject", "reject with tcp reset",
	    ", each answered with RST" },
	{ LAB_FW_ICMP, "reject-icmp", "reject with icmpx port-unreachable",
	    ", each answered with ICMP port unreachable" },
};
#define LAB_FW_NACTIONS	(sizeof lab_fw_actions / sizeof lab_fw_actions[0])

bool
lab_firewall_parse(const char *action, const char *port,
    struct lab_firewall *fw, char **error)
{
	unsigned long v;
	size_t i;
	char *end;

	for (i = 0; i < LAB_FW_NACTIONS &&
	    strcmp(action, lab_fw_actions[i].word) != 0; i++)
		;
	if (i == LAB_FW_NACTIONS) {
		xasprintf(error, "--firewall '%s': give drop, reject or "
		    "reject-icmp, then a port (--firewall drop 81)", action);
		return false;
	}
	v = port != NULL ? strtoul(port, &end, 10) : 0;
	if (port == NULL || *port == '\0' || *end != '\0' || v == 0 ||
	    v > 65535) {
		xasprintf(error, "--firewall %s: give a port 1..65535 after "
		    "it (--firewall %s 81)", action, action);
		return false;
	}
	fw->action = lab_fw_actions[i].action;
	fw->port = (uint16_t)v;
	return true;
}

void
lab_router_describe(const struct lab_router *r, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	if (r->nat)
		n += (size_t)snprintf(buf + n, len - n, ", nat");
	if (r->synproxy && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", synproxy");
	for (i = 0; i < r->nfirewall && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, ", firewall %s %u",
		    lab_fw_actions[r->firewall[i].action].word,
		    r->firewall[i].port);
	if (n == 0)
		snprintf(buf, len, "routing only");
	else
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
}

/* Append a formatted line to *s. */
static void __attribute__((format(printf, 2, 3)))
lab_append(char **s, const char *fmt, ...)
{
	char *line, *joined;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		abort();
	va_end(ap);
	xasprintf(&joined, "%s%s", *s, line);
	free(line);
	free(*s);
	*s = joined;
}

/*
 * Forwarded traffic from the client (iif r0) meets, in order: the
 * firewall's rules, the synproxy (SYNs are untracked in raw prerouting,
 * so synproxy answers them; the client's ACK is then INVALID, tcp_loose
 * being off, and synproxy checks its cookie and opens the connection to
 * the server), and a counted drop of whatever conntrack calls INVALID.
 * The synproxy is IPv4's only: on the kernels tried (6.18) nftables'
 * synproxy in the forward hook answered no IPv6 SYN (its syn_received
 * stayed 0), so IPv6 goes through as through a plain router.
 */
static char *
lab_router_rules(const struct lab_router *r)
{
	char *s = xstrdup("");
	size_t i;

	lab_append(&s, "add table inet " LAB_ROUTER_TABLE "\n"
	    "add chain inet " LAB_ROUTER_TABLE " raw { type filter hook "
	    "prerouting priority raw; policy accept; }\n"
	    "add chain inet " LAB_ROUTER_TABLE " forward { type filter hook "
	    "forward priority filter; policy accept; }\n"
	    "add chain inet " LAB_ROUTER_TABLE " nat { type nat hook "
	    "postrouting priority srcnat; policy accept; }\n");
	for (i = 0; i < r->nfirewall; i++)
		lab_append(&s, "add rule inet " LAB_ROUTER_TABLE " forward "
		    "iifname \"" LAB_ROUTER_CIF "\" tcp dport %u counter %s "
		    "comment \"firewall %s %u\"\n", r->firewall[i].port,
		    lab_fw_actions[r->firewall[i].action].nft,
		    lab_fw_actions[r->firewall[i].action].word,
		    r->firewall[i].port);
	if (r->synproxy)
		lab_append(&s, "add rule inet " LAB_ROUTER_TABLE " raw "
		    "iifname \"" LAB_ROUTER_CIF "\" meta nfproto ipv4 tcp "
		    "flags & (fin|syn|rst|ack) == syn notrack\n"
		    "add rule inet " LAB_ROUTER_TABLE " forward iifname \""
		    LAB_ROUTER_CIF "\" meta nfproto ipv4 meta l4proto tcp ct "
		    "state invalid,untracked counter synproxy "
		    LAB_SYNPROXY_OPTS " comment \"synproxy\"\n");
	lab_append(&s, "add rule inet " LAB_ROUTER_TABLE " forward ct state "
	    "invalid counter drop comment \"conntrack invalid\"\n");
	if (r->nat)
		lab_append(&s, "add rule inet " LAB_ROUTER_TABLE " nat "
		    "oifname \"" LAB_ROUTER_SIF "\" counter masquerade random "
		    "comment \"nat\"\n");
	return s;
}

bool
lab_router_setup(const struct lab_config *cf, char **error)
{
	char *rules = lab_router_rules(&cf->router);
	bool ok;

	ok = lab_nft(cf->name, LAB_ROUTER, rules, NULL, error);
	free(rules);
	/* The synproxy must see the client's third segment as INVALID: with
	 * tcp_loose on, conntrack would pick it up as a connection. */
	return ok && (!cf->router.synproxy || lab_sysctl_write(cf->name,
	    LAB_ROUTER, "net.netfilter.nf_conntrack_tcp_loose", "0", error));
}

/* How a rule answers what it drops, from its comment "firewall WORD
 * PORT" (nft lists an ICMP reject as a bare "reject"). */
static const char *
lab_fw_says(const char *comment)
{
	char word[32];
	size_t i;

	if (sscanf(comment, "firewall %31s", word) == 1)
		for (i = 0; i < LAB_FW_NACTIONS; i++)
			if (strcmp(word, lab_fw_actions[i].word) == 0)
				return lab_fw_actions[i].says;
	return "";
}

unsigned long
lab_router_counters(const char *name, FILE *f)
{
	unsigned long pk, by, dropped = 0;
	char *out = NULL, *error = NULL, *line, *save = NULL, *c, *m;
	char what[64];

	if (!lab_nft(name, LAB_ROUTER, "list table inet " LAB_ROUTER_TABLE,
	    &out, &error)) {
		fprintf(f, "  no table %s in the router: %s\n",
		    LAB_ROUTER_TABLE, error);
		free(error);
		return 0;
	}
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((c = strstr(line, "counter packets ")) == NULL ||
		    sscanf(c, "counter packets %lu bytes %lu", &pk, &by) != 2 ||
		    (m = strstr(line, "comment \"")) == NULL ||
		    sscanf(m, "comment \"%63[^\"]\"", what) != 1)
			continue;
		if (strcmp(what, "nat") == 0)
			fprintf(f, "  nat: %lu connections masqueraded\n", pk);
		else if (strcmp(what, "synproxy") == 0)
			fprintf(f, "  synproxy: %lu segments answered or "
			    "checked\n", pk);
		else {
			fprintf(f, "  %s: router dropped %lu packets (%lu "
			    "bytes)%s\n", what, pk, by, lab_fw_says(what));
			dropped += pk;
		}
	}
	free(out);
	return dropped;
}
