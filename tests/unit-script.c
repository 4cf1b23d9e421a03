/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-script.c: the .shake parser: every malformed input with its exact
 * message, the language's forms, -D, flows, packetdrill files, round trip. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "script-lab.h"
#include "script.h"

/* ------------------------------------------------------------- helpers */

/* Parse text as "t.shake" with an optional "NAME=value" definition. */
static struct script *
parse(const char *text, const char *def, struct script_errors *errs)
{
	struct script_def d;
	struct script_defs defs = { NULL, 0, NULL, false, false, NULL, 0 };
	char name[64];
	const char *eq;

	if (def != NULL) {
		eq = strchr(def, '=');
		snprintf(name, sizeof name, "%.*s", (int)(eq - def), def);
		d.name = name;
		d.value = eq + 1;
		defs.v = &d;
		defs.n = 1;
	}
	return script_parse_string("t.shake", text, &defs, errs);
}

/* ------------------------------------------------- the error catalogue */

/* Eight blank lines (inside a wrapped option list: at most 40 options). */
#define NL8	"\n\n\n\n\n\n\n\n"

static const struct bad_case {
	const char	*what;
	const char	*text;
	const char	*def;		/* -D NAME=value, or NULL */
	const char	*want;		/* exactly what script_errors_print says */
} bad_cases[] = {
	{ "no direction",
	    "+0.1  S 0:0(0) win 1000\n",
	    NULL,
	    "t.shake:1:7: error: expected '<' or '>' after the time\n"
	    "  +0.1  S 0:0(0) win 1000\n"
	    "        ^\n" },
	{ "backwards",
	    "0 < S 0:0(0)\n"
	    "0.5 < . 1:1(0) ack 1\n"
	    "0.2 < . 1:1(0) ack 1\n",
	    NULL,
	    "t.shake:3:1: error: time goes backwards (0.200 after 0.500)\n"
	    "  0.2 < . 1:1(0) ack 1\n"
	    "  ^\n" },
	{ "window on send",
	    "0.9~1.1 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: a time window is only allowed on expected (>) lines\n"
	    "  0.9~1.1 < S 0:0(0)\n"
	    "  ^\n" },
	{ "star on send",
	    "* < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: '*' time is only allowed on expected (>) lines\n"
	    "  * < S 0:0(0)\n"
	    "  ^\n" },
	{ "len mismatch",
	    "+0 < S 0:5(4)\n",
	    NULL,
	    "t.shake:1:12: error: end - start (5) does not match the length (4)\n"
	    "  +0 < S 0:5(4)\n"
	    "             ^\n" },
	{ "any seq on send",
	    "+0 < S *:*(0)\n",
	    NULL,
	    "t.shake:1:8: error: '*' sequence numbers are only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < S *:*(0)\n"
	    "         ^\n" },
	{ "ack star on send",
	    "+0 < . 1:1(0) ack *\n",
	    NULL,
	    "t.shake:1:15: error: 'ack *' is only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < . 1:1(0) ack *\n"
	    "                ^\n" },
	{ "win star on send",
	    "+0 < . 1:1(0) win *\n",
	    NULL,
	    "t.shake:1:15: error: 'win *' is only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < . 1:1(0) win *\n"
	    "                ^\n" },
	{ "any opts on send",
	    "+0 < S 0:0(0) <...>\n",
	    NULL,
	    "t.shake:1:15: error: '<...>' (any options) is only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < S 0:0(0) <...>\n"
	    "                ^\n" },
	{ "payload size",
	    "+0 < P. 1:4(3) ack 1 \"ab\"\n",
	    NULL,
	    "t.shake:1:22: error: payload is 2 bytes but the length says 3\n"
	    "  +0 < P. 1:4(3) ack 1 \"ab\"\n"
	    "                       ^\n" },
	{ "option value with a blank",
	    "--target=198.18.0.2 80\n",
	    NULL,
	    "t.shake:1:20: error: trailing text after the value of --target (quote a value with blanks: --target=\"...\")\n"
	    "  --target=198.18.0.2 80\n"
	    "                     ^\n" },
	{ "unterminated quoted value",
	    "--target=\"198.18.0.2:80\n",
	    NULL,
	    "t.shake:1:10: error: unterminated quoted value of --target\n"
	    "  --target=\"198.18.0.2:80\n"
	    "           ^\n" },
	{ "sctp over two lines",
	    "+0.0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1500, os=1, is=1,\n"
	    "                  tsn=0]\n",
	    NULL,
	    "t.shake:1:8: error: not supported: this tool speaks TCP (packetdrill's 'sctp' lines)\n"
	    "  +0.0 < sctp: INIT[flgs=0, tag=1, a_rwnd=1500, os=1, is=1,\n"
	    "         ^\n" },
	{ "TCP over UDP",
	    "+0 > . 1:1(0) ack 1 win 65535/udp(1234 > 5678)\n",
	    NULL,
	    "t.shake:1:6: error: not supported: this tool speaks TCP (packetdrill's '/udp' encapsulation)\n"
	    "  +0 > . 1:1(0) ack 1 win 65535/udp(1234 > 5678)\n"
	    "       ^\n" },
	{ "icmp with its quoted segment",
	    "0.250 < [1:1461(1460)] icmp unreachable frag_needed mtu 1200\n",
	    NULL,
	    "t.shake:1:9: error: the quoted segment goes last: < icmp TYPE [CODE] [mtu N] [start:end(len)]\n"
	    "  0.250 < [1:1461(1460)] icmp unreachable frag_needed mtu 1200\n"
	    "          ^\n" },
	{ "encap",
	    "+0 > encap psp spi 23 P. 501:1001(500) ack 501\n",
	    NULL,
	    "t.shake:1:6: error: not supported: this tool speaks TCP (packetdrill's 'encap' encapsulation)\n"
	    "  +0 > encap psp spi 23 P. 501:1001(500) ack 501\n"
	    "       ^\n" },
	{ "md5 valid on a send",
	    "+0 < . 1:1(0) ack 1 <nop,nop,md5 valid>\n",
	    NULL,
	    "t.shake:1:34: error: 'md5 valid' on a '<' line needs the key: add --tcp_md5_secret=KEY (the target socket's TCP_MD5SIG key), or write md5 and the digest in hex (32 digits)\n"
	    "  +0 < . 1:1(0) ack 1 <nop,nop,md5 valid>\n"
	    "                                   ^\n" },
	{ "ect01 on a send",
	    "+0 < [ect01] . 1:1(0) ack 1\n",
	    NULL,
	    "t.shake:1:7: error: '[ect01]' (either ECT mark) is only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < [ect01] . 1:1(0) ack 1\n"
	    "        ^\n" },
	{ "...(len) on a send",
	    "+0 < S ...(0) win 100\n",
	    NULL,
	    "t.shake:1:8: error: '*' sequence numbers are only allowed on '>' lines: a sent segment needs every value\n"
	    "  +0 < S ...(0) win 100\n"
	    "         ^\n" },
	{ "a statement wraps for 64 lines at most",
	    "0 < S 0:0(0) <nop,\n" NL8 NL8 NL8 NL8 NL8 NL8 NL8 "\n\n\n\n\n\n"
	    "nop,\nnop>\n",
	    NULL,
	    "t.shake:1:14: error: unterminated option list (expected '>')\n"
	    "  0 < S 0:0(0) <nop,\n"
	    "               ^\n"
	    "t.shake:65:1: error: expected a time (0.250, +0.1 or *), an option line (--name=value), 'target HOST:PORT', 'flow NAME [PORT]' or 'lab WORD ...'\n"
	    "  nop>\n"
	    "  ^\n" },
	{ "#ifdef nested",
	    "#ifdef A\n#ifdef B\n#endif\n",
	    "A=1",
	    "t.shake:2:1: error: #ifdef inside the #ifdef of line 1 (packetdrill does not nest them)\n"
	    "  #ifdef B\n"
	    "  ^\n" },
	{ "#ifdef unterminated",
	    "#ifdef A\n+0 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: unterminated #ifdef (no #endif before the end of the file)\n"
	    "  #ifdef A\n"
	    "  ^\n" },
	{ "#else",
	    "#ifdef A\n#else\n#endif\n",
	    "A=1",
	    "t.shake:2:1: error: #else is not supported: packetdrill's scripts know only #ifdef NAME ... #endif\n"
	    "  #else\n"
	    "  ^\n" },
	{ "#endif alone",
	    "  #endif\n",
	    NULL,
	    "t.shake:1:3: error: #endif without #ifdef\n"
	    "    #endif\n"
	    "    ^\n" },
	{ "#ifdef without a name",
	    "#ifdef\n",
	    NULL,
	    "t.shake:1:7: error: #ifdef wants one NAME (defined by -D NAME=value or --define)\n"
	    "  #ifdef\n"
	    "        ^\n" },
	{ "tolerance_usecs value",
	    "--tolerance_usecs=abc\n",
	    NULL,
	    "t.shake:1:19: error: --tolerance_usecs wants a whole number of microseconds (0 to 60000000), got 'abc'\n"
	    "  --tolerance_usecs=abc\n"
	    "                    ^\n" },
	{ "tolerance_percent range",
	    "--tolerance_percent=120\n",
	    NULL,
	    "t.shake:1:21: error: --tolerance_percent wants a number from 0 to 100, got '120'\n"
	    "  --tolerance_percent=120\n"
	    "                      ^\n" },
	{ "option twice",
	    "--tolerance_usecs=1\n"
	    "--tolerance-usecs=2\n",
	    NULL,
	    "t.shake:2:1: error: --tolerance_usecs given twice (first on line 1)\n"
	    "  --tolerance-usecs=2\n"
	    "  ^\n" },
	{ "absolute value",
	    "--absolute=maybe\n",
	    NULL,
	    "t.shake:1:12: error: --absolute wants yes or no, got 'maybe'\n"
	    "  --absolute=maybe\n"
	    "             ^\n" },
	{ "option without value",
	    "--tolerance_usecs\n",
	    NULL,
	    "t.shake:1:18: error: --tolerance_usecs needs a value (--tolerance_usecs=VALUE)\n"
	    "  --tolerance_usecs\n"
	    "                   ^\n" },
	{ "target without port",
	    "target 198.18.0.2\n",
	    NULL,
	    "t.shake:1:8: error: expected HOST:PORT (a port after ':')\n"
	    "  target 198.18.0.2\n"
	    "         ^\n" },
	{ "target v6 brackets",
	    "target 2001:db8::2:80\n",
	    NULL,
	    "t.shake:1:8: error: '2001:db8::2:80' is ambiguous: write [2001:db8::2]:80 for port 80 of 2001:db8::2, or [2001:db8::2:80] for the address\n"
	    "  target 2001:db8::2:80\n"
	    "         ^\n" },
	{ "target port range",
	    "target 198.18.0.2:99999\n",
	    NULL,
	    "t.shake:1:8: error: '198.18.0.2:99999': port '99999' is not a number in 1..65535\n"
	    "  target 198.18.0.2:99999\n"
	    "         ^\n" },
	{ "target twice",
	    "target 198.18.0.2:80\n"
	    "--target=198.18.0.2:81\n",
	    NULL,
	    "t.shake:2:10: error: target given twice (first on line 1)\n"
	    "  --target=198.18.0.2:81\n"
	    "           ^\n" },
	{ "unknown flow declared",
	    "flow a\n"
	    "+0 b < S 0:0(0)\n",
	    NULL,
	    "t.shake:2:4: error: unknown flow 'b' (declared: a)\n"
	    "  +0 b < S 0:0(0)\n"
	    "     ^\n" },
	{ "unknown flow none declared",
	    "+0 b < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:4: error: unknown flow 'b': declare it first with 'flow b [PORT]'\n"
	    "  +0 b < S 0:0(0)\n"
	    "     ^\n" },
	{ "flow twice",
	    "flow a\n"
	    "flow a\n",
	    NULL,
	    "t.shake:2:6: error: flow 'a' declared twice (first on line 1)\n"
	    "  flow a\n"
	    "       ^\n" },
	{ "flow port twice",
	    "flow a 40001\n"
	    "flow b 40001\n",
	    NULL,
	    "t.shake:2:8: error: flows 'a' and 'b' both use source port 40001\n"
	    "  flow b 40001\n"
	    "         ^\n" },
	{ "several flows unnamed",
	    "flow a\n"
	    "flow b\n"
	    "+0 < S 0:0(0)\n",
	    NULL,
	    "t.shake:3:4: error: this file declares several flows: name one before the direction (a < ...)\n"
	    "  +0 < S 0:0(0)\n"
	    "     ^\n" },
	{ "flow keyword",
	    "flow none\n",
	    NULL,
	    "t.shake:1:6: error: 'none' is a keyword; give the flow another name\n"
	    "  flow none\n"
	    "       ^\n" },
	{ "unterminated comment",
	    "/* open\n"
	    "+0 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: unterminated comment (no '*/' before the end of the file)\n"
	    "  /* open\n"
	    "  ^\n" },
	{ "unterminated string",
	    "+0 < P. 1:2(1) \"a\n",
	    NULL,
	    "t.shake:1:16: error: unterminated string\n"
	    "  +0 < P. 1:2(1) \"a\n"
	    "                 ^\n" },
	{ "unterminated command",
	    "+0 `ls\n",
	    NULL,
	    "t.shake:1:4: error: unterminated command (expected a closing backquote)\n"
	    "  +0 `ls\n"
	    "     ^\n" },
	{ "syscall",
	    "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n",
	    NULL,
	    "t.shake:1:4: error: 'socket(...)' is a system call line: system call lines describe the local kernel under test (packetdrill); a black-box target has no such calls: write the segments it should send instead\n"
	    "  +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "     ^\n" },
	{ "python",
	    "+0 %{ print(1) }%\n",
	    NULL,
	    "t.shake:1:4: error: '%{ }%' is a python block: it inspects the local kernel under test (packetdrill); a black-box target has none: check the target with a `command` line instead\n"
	    "  +0 %{ print(1) }%\n"
	    "     ^\n" },
	{ "python unterminated",
	    "+0 %{\n"
	    "x = 1\n",
	    NULL,
	    "t.shake:1:4: error: '%{ }%' is a python block: it inspects the local kernel under test (packetdrill); a black-box target has none: check the target with a `command` line instead\n"
	    "  +0 %{\n"
	    "     ^\n"
	    "t.shake:1:4: error: unterminated python block (no '}%' before the end of the file)\n"
	    "  +0 %{\n"
	    "     ^\n" },
	{ "span",
	    "+0...0.2 > none\n",
	    NULL,
	    "t.shake:1:3: error: '...' spans belong to packetdrill's blocking system calls; write a window instead (+0~+3)\n"
	    "  +0...0.2 > none\n"
	    "    ^\n" },
	{ "silence without span",
	    "+0 > none\n",
	    NULL,
	    "t.shake:1:1: error: silence needs a span: write its time as a window, like +0~+3 > none\n"
	    "  +0 > none\n"
	    "  ^\n" },
	{ "silence on send",
	    "+0~+1 < none\n",
	    NULL,
	    "t.shake:1:9: error: 'none' (silence) is only for '>' lines: it says the target sends nothing\n"
	    "  +0~+1 < none\n"
	    "          ^\n" },
	{ "silence trailing",
	    "+0~+1 > none extra\n",
	    NULL,
	    "t.shake:1:14: error: trailing text after 'none'\n"
	    "  +0~+1 > none extra\n"
	    "               ^\n" },
	{ "option after step",
	    "+0 < S 0:0(0)\n"
	    "--tolerance_usecs=5\n",
	    NULL,
	    "t.shake:2:1: error: option lines come before the first step\n"
	    "  --tolerance_usecs=5\n"
	    "  ^\n" },
	{ "bad time",
	    "+x < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:2: error: expected a time in seconds (like 0.250 or +.1), got 'x'\n"
	    "  +x < S 0:0(0)\n"
	    "   ^\n" },
	{ "time unit",
	    "0.1s < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: malformed time '0.1s' (seconds, like 0.250)\n"
	    "  0.1s < S 0:0(0)\n"
	    "  ^\n" },
	{ "time decimals",
	    "0.0000000001 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: time 0.0000000001 has more than 9 decimals (nanoseconds)\n"
	    "  0.0000000001 < S 0:0(0)\n"
	    "  ^\n" },
	{ "mixed window",
	    "+0.1~0.2 > S. 0:0(0)\n",
	    NULL,
	    "t.shake:1:6: error: a window is either absolute (0.9~1.1) or relative (+.3~+.4), not both\n"
	    "  +0.1~0.2 > S. 0:0(0)\n"
	    "       ^\n" },
	{ "window backwards",
	    "1.0~0.5 > S. 0:0(0) ack 1\n",
	    NULL,
	    "t.shake:1:1: error: the window ends (0.500) before it starts (1.000)\n"
	    "  1.0~0.5 > S. 0:0(0) ack 1\n"
	    "  ^\n" },
	{ "star window",
	    "*~1 > S. 0:0(0)\n",
	    NULL,
	    "t.shake:1:2: error: '*' stands alone: it cannot open a window\n"
	    "  *~1 > S. 0:0(0)\n"
	    "   ^\n" },
	{ "unknown flag",
	    "+0 < X 0:0(0)\n",
	    NULL,
	    "t.shake:1:6: error: unknown flag 'X' (expected letters from SFRPUEWA, '.' or '-')\n"
	    "  +0 < X 0:0(0)\n"
	    "       ^\n" },
	{ "mss range",
	    "+0 < S 0:0(0) <mss 99999>\n",
	    NULL,
	    "t.shake:1:20: error: mss value 99999 is out of range (0-65535)\n"
	    "  +0 < S 0:0(0) <mss 99999>\n"
	    "                     ^\n" },
	{ "udp",
	    "+0 > udp (10)\n",
	    NULL,
	    "t.shake:1:6: error: not supported: this tool speaks TCP (packetdrill's 'udp' lines)\n"
	    "  +0 > udp (10)\n"
	    "       ^\n" },
	{ "no segment",
	    "+0 <\n",
	    NULL,
	    "t.shake:1:5: error: expected a segment after the direction (FLAGS start:end(len) ...) or 'none'\n"
	    "  +0 <\n"
	    "      ^\n" },
	{ "not a line",
	    "hello world\n",
	    NULL,
	    "t.shake:1:1: error: expected a time (0.250, +0.1 or *), an option line (--name=value), 'target HOST:PORT', 'flow NAME [PORT]' or 'lab WORD ...'\n"
	    "  hello world\n"
	    "  ^\n" },
	{ "untimed command between",
	    "`true`\n"
	    "+0 < S 0:0(0)\n"
	    "`true`\n"
	    "+0 < . 1:1(0) ack 1\n",
	    NULL,
	    "t.shake:3:1: error: a command without a time runs before the first step or after the last; give this one a time (+0 `...`)\n"
	    "  `true`\n"
	    "  ^\n" },
	{ "empty command",
	    "+0 ``\n",
	    NULL,
	    "t.shake:1:4: error: empty command between the backquotes\n"
	    "  +0 ``\n"
	    "     ^\n" },
	{ "command trailing",
	    "+0 `ls` x\n",
	    NULL,
	    "t.shake:1:9: error: trailing text after the command\n"
	    "  +0 `ls` x\n"
	    "          ^\n" },
	{ "define name",
	    "--define=1X=2\n",
	    NULL,
	    "t.shake:1:10: error: --define wants NAME=value, got '1X=2'\n"
	    "  --define=1X=2\n"
	    "           ^\n" },
	{ "star wait",
	    "* wait\n",
	    NULL,
	    "t.shake:1:1: error: '*' time is only allowed on expected (>) lines\n"
	    "  * wait\n"
	    "  ^\n" },
	{ "window wait",
	    "+0~+1 wait\n",
	    NULL,
	    "t.shake:1:1: error: a time window is only allowed on expected (>) lines\n"
	    "  +0~+1 wait\n"
	    "  ^\n" },
	{ "tabs",
	    "\t+0\tQ\n",
	    NULL,
	    "t.shake:1:5: error: expected '<' or '>' after the time\n"
	    "  \t+0\tQ\n"
	    "  \t  \t^\n" },
	{ "multiline command trailing",
	    "+0 `echo\n"
	    "hi` junk\n",
	    NULL,
	    "t.shake:2:5: error: trailing text after the command\n"
	    "  hi` junk\n"
	    "      ^\n" },
	{ "ports range",
	    "+0 < 70000>80 S 0:0(0)\n",
	    NULL,
	    "t.shake:1:6: error: source port 70000 is out of range (0-65535)\n"
	    "  +0 < 70000>80 S 0:0(0)\n"
	    "       ^\n" },
	{ "ack twice",
	    "+0 < . 1:1(0) ack 1 ack 2\n",
	    NULL,
	    "t.shake:1:21: error: 'ack' given twice\n"
	    "  +0 < . 1:1(0) ack 1 ack 2\n"
	    "                      ^\n" },
	{ "ip_version",
	    "--ip_version=ipv5\n",
	    NULL,
	    "t.shake:1:14: error: --ip_version wants ipv4, ipv6 or ipv4-mapped-ipv6, got 'ipv5'\n"
	    "  --ip_version=ipv5\n"
	    "               ^\n" },
	{ "syscall multiline",
	    "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1,\n"
	    "    linger=0}, 8) = 0\n"
	    "+0 Q\n",
	    NULL,
	    "t.shake:1:4: error: 'setsockopt(...)' is a system call line: system call lines describe the local kernel under test (packetdrill); a black-box target has no such calls: write the segments it should send instead\n"
	    "  +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1,\n"
	    "     ^\n"
	    "t.shake:3:4: error: expected '<' or '>' after the time\n"
	    "  +0 Q\n"
	    "     ^\n" },
	{ "time too large",
	    "12345678901 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: time 12345678901 is too large (at most 999999999 seconds)\n"
	    "  12345678901 < S 0:0(0)\n"
	    "  ^\n" },
	{ "window on command",
	    "+0~+1 `true`\n",
	    NULL,
	    "t.shake:1:1: error: a time window is only allowed on expected (>) lines\n"
	    "  +0~+1 `true`\n"
	    "  ^\n" },
	{ "option name",
	    "--=3\n",
	    NULL,
	    "t.shake:1:1: error: expected an option name after '--' (--name=value)\n"
	    "  --=3\n"
	    "  ^\n" },
	{ "flow port",
	    "flow a 0\n",
	    NULL,
	    "t.shake:1:8: error: expected the flow's source port (1 to 65535), got '0'\n"
	    "  flow a 0\n"
	    "         ^\n" },
	{ "unknown flow in silence",
	    "flow a\n"
	    "+0~+1 c > none\n",
	    NULL,
	    "t.shake:2:7: error: unknown flow 'c' (declared: a)\n"
	    "  +0~+1 c > none\n"
	    "        ^\n" },
	{ "syscall without time",
	    "close(3) = 0\n",
	    NULL,
	    "t.shake:1:1: error: 'close(...)' is a system call line: system call lines describe the local kernel under test (packetdrill); a black-box target has no such calls: write the segments it should send instead\n"
	    "  close(3) = 0\n"
	    "  ^\n" },
	{ "missing segment len",
	    "+0 < S 0:0\n",
	    NULL,
	    "t.shake:1:11: error: expected '(len)' after start:end\n"
	    "  +0 < S 0:0\n"
	    "            ^\n" },
	{ "unknown ip field",
	    "+0 < S 0:0(0) (hop 3)\n",
	    NULL,
	    "t.shake:1:16: error: unknown IP field 'hop' (expected ttl N, hlim N, tos N, class N, dscp N, flowlabel N, ecn MARK, ect0, ect1, ect01, ce or noecn)\n"
	    "  +0 < S 0:0(0) (hop 3)\n"
	    "                 ^\n" },
	{ "spaced span before a call",
	    "+.002 ... 0.052 connect(4, ..., ...) = 0\n",
	    NULL,
	    "t.shake:1:17: error: 'connect(...)' is a system call line: system call lines describe the local kernel under test (packetdrill); a black-box target has no such calls: write the segments it should send instead\n"
	    "  +.002 ... 0.052 connect(4, ..., ...) = 0\n"
	    "                  ^\n" },
	{ "caret after UTF-8",
	    "+0 < P. 1:3(2) \"\xc3\xa9\" x\n",
	    NULL,
	    "t.shake:1:21: error: trailing text 'x'\n"
	    "  +0 < P. 1:3(2) \"\xc3\xa9\" x\n"
	    "                     ^\n" },
	{ "-D value mapped to its name",
	    "+0 < . 1:1(0) ack 1 win WIN\n",
	    "WIN=abc",
	    "t.shake:1:25: error: expected window (a decimal number), got 'abc'\n"
	    "  +0 < . 1:1(0) ack 1 win WIN\n"
	    "                          ^\n" },
	{ "-D value with a bad flag",
	    "+0 < FLAGS 0:0(0)\n",
	    "FLAGS=SX",
	    "t.shake:1:6: error: unknown flag 'X' (expected letters from SFRPUEWA, '.' or '-')\n"
	    "  +0 < FLAGS 0:0(0)\n"
	    "       ^\n" },
	{ "system call after a block comment: the line it is on",
	    "0 /* c\n */ write(4, 10\n",
	    NULL,
	    "t.shake:2:5: error: 'write(...)' is a system call line: system "
	    "call lines describe the local kernel under test (packetdrill); a "
	    "black-box target has no such calls: write the segments it should "
	    "send instead\n"
	    "   */ write(4, 10\n"
	    "      ^\n"
	    "t.shake:2:5: error: unterminated system call (its parentheses "
	    "never close)\n"
	    "   */ write(4, 10\n"
	    "      ^\n" },
	{ "a step after a block comment: the line it is on",
	    "/* c\n */ 0 < S 0:0(0) win 1000 \"ab\"\n",
	    NULL,
	    "t.shake:2:27: error: payload is 2 bytes but the length says 0\n"
	    "   */ 0 < S 0:0(0) win 1000 \"ab\"\n"
	    "                            ^\n" },
	{ "lab: a backtick (found by fuzz/fuzz-script)",
	    "flow i\nlab serve `\n",
	    NULL,
	    "t.shake:2:11: error: a lab line holds no `command`: put commands "
	    "on lines of their own\n"
	    "  lab serve `\n"
	    "            ^\n" },
	{ "lab: an unknown word",
	    "lab frob\n",
	    NULL,
	    "t.shake:1:5: error: expected what the lab needs after 'lab' "
	    "(sysctl, client-sysctl, serve, no-serve, offloads, router, nat, "
	    "synproxy, firewall, delay, jitter, loss, reorder, duplicate, "
	    "seed, explain, quick)\n"
	    "  lab frob\n"
	    "      ^\n" },
	{ "lab: a sysctl outside net.*",
	    "lab sysctl kernel.x=1\n",
	    NULL,
	    "t.shake:1:12: error: sysctl 'kernel.x': only net.* settings can "
	    "be set in a namespace (e.g. net.ipv4.tcp_synack_retries)\n"
	    "  lab sysctl kernel.x=1\n"
	    "             ^\n" },
	{ "lab: two servers on one port",
	    "lab serve --port 81\nlab serve --mode echo --port 81\n",
	    NULL,
	    "t.shake:2:11: error: two servers on port 81 (give each its own "
	    "--port)\n"
	    "  lab serve --mode echo --port 81\n"
	    "            ^\n" },
	{ "lab: a firewall without its port",
	    "lab firewall drop\n",
	    NULL,
	    "t.shake:1:18: error: give 'lab firewall drop|reject|reject-icmp "
	    "PORT'\n"
	    "  lab firewall drop\n"
	    "                   ^\n" },
	{ "lab: a flag with a value",
	    "lab router yes\n",
	    NULL,
	    "t.shake:1:12: error: trailing text (it takes no value)\n"
	    "  lab router yes\n"
	    "             ^\n" },
	{ "lab: a bad delay",
	    "lab delay 11s\n",
	    NULL,
	    "t.shake:1:11: error: lab delay '11s': give 0 to 10s (250us, 50ms, "
	    "1.5s)\n"
	    "  lab delay 11s\n"
	    "            ^\n" },
	{ "lab: jitter over the delay, on the last impairment's line",
	    "lab delay 5ms\nlab router\nlab jitter 10ms\n",
	    NULL,
	    "t.shake:3:1: error: 'lab jitter' 10000us is larger than 'lab "
	    "delay' 5000us\n" },
	{ "lab: after a step",
	    "target 198.18.0.2:80\n0 < S 0:0(0) win 1\nlab router\n",
	    NULL,
	    "t.shake:3:1: error: lab lines come before the first step\n"
	    "  lab router\n"
	    "  ^\n" },
	{ "control characters echoed escaped",
	    "\033]0;title\007 < S 0:0(0)\n",
	    NULL,
	    "t.shake:1:1: error: expected a time (0.250, +0.1 or *), an option "
	    "line (--name=value), 'target HOST:PORT', 'flow NAME [PORT]' or 'lab WORD ...'\n"
	    "  \\e]0;title\\x07 < S 0:0(0)\n"
	    "  ^\n" },
	{ "control characters in a message escaped, caret after them",
	    "\t0 < S\033 0:0(0)\n",
	    NULL,
	    "t.shake:1:7: error: unknown flag '\\e' (expected letters from "
	    "SFRPUEWA, '.' or '-')\n"
	    "  \t0 < S\\e 0:0(0)\n"
	    "  \t     ^\n" },
	{ "a long line cut to a window around the caret",
	    "0 < P. 1:81(80) ack 1 \"01234567890123456789012345678901234567890"
	    "123456789012345678901234567890123456789\" zzzabcdefghijabcdefghij"
	    "abcdefghijabcdefghijabcdefghij\n",
	    NULL,
	    "t.shake:1:106: error: trailing text 'zzzabcdefghijabcdefghijabcdef"
	    "ghijabc...'\n"
	    "  ...123456789012345678901234567890123456789\" zzzabcdefghijabcdef"
	    "ghijabcdefghijabcdef...\n"
	    "                                              ^\n" },
};

static void
test_catalogue(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	char *got;
	size_t i;

	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		sc = parse(bad_cases[i].text, bad_cases[i].def, &errs);
		got = script_errors_format(&errs);
		if (sc == NULL && strcmp(got, bad_cases[i].want) == 0)
			CHECK_(true, "error: %s", bad_cases[i].what);
		else
			CHECK_(false, "error: %s\n#   got:\n%s#   want:\n%s",
			    bad_cases[i].what, got, bad_cases[i].want);
		free(got);
		script_free(sc);
		script_errors_clear(&errs);
	}
	CHECK(i >= 40);
}

/* ------------------------------------------------------- the language */

/* Every form of the language once (tests/data/rich.shake holds the same
 * for the shell test). */
static const char rich[] =
    "# rich.shake: every form of the language once.\n"
    "// packetdrill's comments too\n"
    "/* and a block\n"
    "   over lines */\n"
    "--tolerance_usecs=8000\n"
    "--tolerance-percent=5\n"
    "--define=PORT=8080\n"
    "--mss=1460\n"
    "target 198.18.0.2:PORT\n"
    "`echo setup # not a comment`\n"
    "\n"
    "0         < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,"
    "wscale 7>   # trailing\n"
    "+0        > S. 0:0(0) ack 1 <...>\n"
    "+.1       < . 1:1(0) ack 1 win 502\n"
    "0.2       < P. 1:17(16) ack 1 win 502 \"GET / # // x\\r\\n\\r\\n\"\n"
    "*         > . 1:1(0) ack 19 win * <...>\n"
    "+0.3~+0.4 > P. 1:6(5) ack 19 \"hello\"\n"
    "+0        > P. *:*(5) ack *\n"
    "+0 /* inline */ < . 19:19(0) ack 6! win 502 (ttl 3) (tos 0x10) [ect0]\n"
    "1~2       > F. 6:6(0) ack 19\n"
    "+0        < R 19!:19!(0) urg 0 \"\"\n"
    "+0        < P. 19:22(3) ack 7 urg 1 0x414243\n"
    "+0        < - 22:22(0)\n"
    "+0        < . 22:22(0) ack 7 <sack 1:2 3:4,nop,nop,eol>\n"
    "+0~+3     > none\n"
    "+1        wait\n"
    "+0        `ss -tan | grep -c PORT`\n"
    "`echo cleanup`\n";

#define MS	1000000LL

static void
check_time(const struct step *st, enum step_time_kind kind, int64_t start,
    int64_t end, bool window, int64_t at, int64_t until)
{
	CHECK_(st->time.kind == kind && st->time.start_ns == start &&
	    st->time.end_ns == end && st->time.window == window &&
	    st->time.at_ns == at && st->time.until_ns == until,
	    "line %d: time %d %lld~%lld (%d) at %lld..%lld", st->line,
	    (int)st->time.kind, (long long)st->time.start_ns,
	    (long long)st->time.end_ns, st->time.window,
	    (long long)st->time.at_ns, (long long)st->time.until_ns);
}

static void
test_rich(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc = parse(rich, NULL, &errs);
	const struct step *s;

	CHECK(sc != NULL);
	if (sc == NULL) {
		char *t = script_errors_format(&errs);
		printf("# %s", t);
		free(t);
		script_errors_clear(&errs);
		return;
	}
	CHECK_INT(sc->nsteps, 18);
	CHECK_INT(sc->tolerance_usecs, 8000);
	CHECK(sc->tolerance_percent == 5.0);
	CHECK_STR(script_option(sc, "mss"), "1460");
	CHECK_STR(script_option(sc, "tolerance_percent"), "5");
	CHECK(script_option(sc, "nonesuch") == NULL);
	CHECK_STR(sc->target_host, "198.18.0.2");
	CHECK_INT(sc->target_port, 8080);
	CHECK_INT(sc->target_line, 9);
	CHECK_INT(sc->nflows, 1);
	CHECK(sc->flows[0].name == NULL);
	s = sc->steps;
	/* Commands without a time: setup and cleanup; '#' inside kept. */
	CHECK_INT(s[0].kind, STEP_SHELL);
	CHECK_INT(s[0].time.kind, STEP_TIME_NONE);
	CHECK_STR(s[0].command, "echo setup # not a comment");
	CHECK_INT(s[17].time.kind, STEP_TIME_NONE);
	CHECK_STR(s[17].command, "echo cleanup");
	/* Times as written and laid out. */
	check_time(&s[1], STEP_TIME_ABS, 0, 0, false, 0, 0);
	check_time(&s[2], STEP_TIME_REL, 0, 0, false, 0, 0);
	check_time(&s[3], STEP_TIME_REL, 100 * MS, 0, false, 100 * MS,
	    100 * MS);
	check_time(&s[4], STEP_TIME_ABS, 200 * MS, 0, false, 200 * MS,
	    200 * MS);
	check_time(&s[5], STEP_TIME_ANY, 0, 0, false, 200 * MS, 200 * MS);
	check_time(&s[6], STEP_TIME_REL, 300 * MS, 400 * MS, true, 500 * MS,
	    600 * MS);
	check_time(&s[9], STEP_TIME_ABS, 1000 * MS, 2000 * MS, true,
	    1000 * MS, 2000 * MS);
	check_time(&s[14], STEP_TIME_REL, 0, 3000 * MS, true, 1000 * MS,
	    4000 * MS);
	check_time(&s[15], STEP_TIME_REL, 1000 * MS, 0, false, 2000 * MS,
	    2000 * MS);
	/* Lines and columns of the steps. */
	CHECK_INT(s[1].line, 12);
	CHECK_INT(s[1].column, 1);
	CHECK_STR(s[2].text, "+0        > S. 0:0(0) ack 1 <...>");
	/* Packets: direction, flow, fields. */
	CHECK_INT(s[1].kind, STEP_PACKET);
	CHECK_INT(s[1].dir, DIR_TO_TARGET);
	CHECK_INT(s[1].flow, 0);
	CHECK_INT(s[1].seg.flags, TH_SYN_);
	CHECK_INT(s[1].seg.win, 65535);
	CHECK_INT(s[1].seg.nopts, 5);
	CHECK_INT(s[1].seg.opts[2].u.ts.val, 100);
	CHECK_INT(s[2].dir, DIR_FROM_TARGET);
	CHECK(s[2].seg.has & SEG_ANY_OPTS);
	CHECK_INT(s[4].seg.len, 16);
	CHECK_MEM(s[4].seg.data, "GET / # // x\r\n\r\n", 16);
	CHECK(s[5].seg.has & SEG_ANY_WIN);
	CHECK_INT(s[7].seg.has & (SEG_ANY_SEQ | SEG_ANY_ACK),
	    SEG_ANY_SEQ | SEG_ANY_ACK);
	CHECK(s[8].seg.has & SEG_ABS_ACK);
	CHECK_INT(s[8].seg.ttl, 3);
	CHECK_INT(s[8].seg.tos, 0x12);
	CHECK_INT(s[8].column, 1);
	CHECK(s[10].seg.has & SEG_ABS_SEQ);
	CHECK(s[10].seg.has & SEG_HAS_DATA);
	CHECK_INT(s[10].seg.len, 0);
	CHECK_INT(s[11].seg.urg, 1);
	CHECK_MEM(s[11].seg.data, "ABC", 3);
	CHECK_INT(s[12].seg.flags, 0);
	CHECK_INT(s[13].seg.opts[0].u.sack.n, 2);
	CHECK_INT(s[14].kind, STEP_SILENCE);
	CHECK_INT(s[14].dir, DIR_FROM_TARGET);
	CHECK_INT(s[14].flow, 0);
	CHECK_INT(s[15].kind, STEP_WAIT);
	CHECK_INT(s[15].flow, -1);
	CHECK_INT(s[16].kind, STEP_SHELL);
	CHECK_STR(s[16].command, "ss -tan | grep -c 8080");
	script_free(sc);
}

/* Parse, print, parse again: the same steps, field by field. */
static void
test_round_trip(const char *what, const char *text)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *a = parse(text, NULL, &errs), *b;
	char *ta, *tb, *la, *lb;
	size_t i;
	bool same = true;

	CHECK_(a != NULL, "round trip %s: parses", what);
	if (a == NULL) {
		script_errors_clear(&errs);
		return;
	}
	ta = script_format(a);
	b = parse(ta, NULL, &errs);
	CHECK_(b != NULL, "round trip %s: the printed form parses", what);
	if (b == NULL) {
		la = script_errors_format(&errs);
		printf("# %s# from:\n%s", la, ta);
		free(la);
		script_errors_clear(&errs);
		free(ta);
		script_free(a);
		return;
	}
	tb = script_format(b);
	if (strcmp(ta, tb) == 0)
		CHECK_(true, "round trip %s: printed twice the same", what);
	else
		CHECK_(false, "round trip %s: printed twice the same\n%s---\n%s",
		    what, ta, tb);
	CHECK_INT(a->nsteps, b->nsteps);
	for (i = 0; i < a->nsteps && i < b->nsteps; i++) {
		const struct step *x = &a->steps[i], *y = &b->steps[i];

		la = script_step_format(a, x);
		lb = script_step_format(b, y);
		if (x->kind != y->kind || x->dir != y->dir ||
		    x->flow != y->flow || x->time.kind != y->time.kind ||
		    x->time.start_ns != y->time.start_ns ||
		    x->time.end_ns != y->time.end_ns ||
		    x->time.window != y->time.window ||
		    x->time.at_ns != y->time.at_ns ||
		    x->time.until_ns != y->time.until_ns ||
		    x->seg.has != y->seg.has || strcmp(la, lb) != 0 ||
		    (x->command != NULL) != (y->command != NULL) ||
		    (x->command != NULL && strcmp(x->command, y->command)))
			same = false;
		free(la);
		free(lb);
	}
	CHECK_(same, "round trip %s: every step the same", what);
	CHECK_INT(a->tolerance_usecs, b->tolerance_usecs);
	CHECK_INT(a->nflows, b->nflows);
	free(ta);
	free(tb);
	script_free(a);
	script_free(b);
}

/* A CR before a line feed ends a CRLF file's line; one that a command
 * holds there survives the print. */
static void
test_command_cr(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *a, *b;
	char *t;

	a = parse("0 `echo a\r\r\nb`\r\n", NULL, &errs);
	CHECK(a != NULL && a->nsteps == 1);
	if (a == NULL)
		return;
	CHECK_STR(a->steps[0].command, "echo a\r\nb");
	t = script_format(a);
	b = parse(t, NULL, &errs);
	CHECK(b != NULL && b->nsteps == 1);
	if (b != NULL)
		CHECK_STR(b->steps[0].command, "echo a\r\nb");
	free(t);
	script_free(a);
	script_free(b);
}

static const char flows[] =
    "# Two connections to one server.\n"
    "target [2001:db8::2]:7\n"
    "flow a 40001\n"
    "flow b\n"
    "0      a < S 0:0(0) win 1000\n"
    "+0     a > S. 0:0(0) ack 1 <...>\n"
    "+0     b < S 0:0(0) win 1000\n"
    "+0     b > S. 0:0(0) ack 1 <...>\n"
    "+0~+1  a > none\n"
    "+0     b<R 1:1(0)\n";

static void
test_flows(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc = parse(flows, NULL, &errs);

	CHECK(sc != NULL);
	if (sc == NULL) {
		script_errors_clear(&errs);
		return;
	}
	CHECK_INT(sc->nflows, 2);
	CHECK_STR(sc->flows[0].name, "a");
	CHECK_INT(sc->flows[0].sport, 40001);
	CHECK_INT(sc->flows[0].line, 3);
	CHECK_STR(sc->flows[1].name, "b");
	CHECK_INT(sc->flows[1].sport, 0);
	CHECK_INT(sc->steps[0].flow, 0);
	CHECK_INT(sc->steps[2].flow, 1);
	CHECK_INT(sc->steps[4].flow, 0);
	CHECK_INT(sc->steps[4].kind, STEP_SILENCE);
	CHECK_INT(sc->steps[5].flow, 1);
	CHECK_INT(sc->steps[5].seg.flags, TH_RST_);
	CHECK_STR(sc->target_host, "2001:db8::2");
	CHECK_INT(sc->target_port, 7);
	script_free(sc);

	/* One declared flow is the default of unnamed lines. */
	sc = parse("flow x 5000\n0 < S 0:0(0)\n+0 x < . 1:1(0) ack 1\n", NULL,
	    &errs);
	CHECK(sc != NULL && sc->nflows == 1 && sc->steps[0].flow == 0 &&
	    sc->steps[1].flow == 0 && sc->flows[0].sport == 5000);
	script_free(sc);
	script_errors_clear(&errs);
}

/* -D from the command line wins over --define; names are whole words,
 * never inside payload strings. */
static void
test_defines(void)
{
	struct script_errors errs = { NULL, 0, false };
	const char *text = "--define=W=100\n"
	    "0 < P. 1:3(2) ack 1 win W \"W!\"\n"
	    "+0 `echo W WW`\n";
	struct script *sc;

	sc = parse(text, NULL, &errs);
	CHECK(sc != NULL && sc->steps[0].seg.win == 100);
	CHECK(sc != NULL && sc->steps[0].seg.data[0] == 'W');
	CHECK(sc != NULL && strcmp(sc->steps[1].command, "echo 100 WW") == 0);
	script_free(sc);
	sc = parse(text, "W=200", &errs);
	CHECK(sc != NULL && sc->steps[0].seg.win == 200);
	CHECK(sc != NULL && strcmp(sc->steps[1].command, "echo 200 WW") == 0);
	script_free(sc);
	/* An undefined name stays as written, and the parser says why it
	 * does not fit. */
	sc = parse("0 < . 1:1(0) win UNDEF\n", "W=1", &errs);
	CHECK(sc == NULL && errs.n == 1 && errs.v[0].column == 18);
	script_free(sc);
	script_errors_clear(&errs);
}

/* packetdrill's other spellings of a file: options tcpshake does not
 * know (one warning each), quoted values, "+ 0.1", #ifdef, a packet line
 * over two lines. */
static const char pd_forms[] =
    "--send_omit_free\n"
    "--non_fatal=packet\n"
    "--define=\"SYNOPTS=mss 1460,sackOK\"\n"
    "# a comment, not a directive\n"
    "+ 0 < S 0:0(0) win 65535 <SYNOPTS,\n"
    "        nop,wscale 7>\n"
    "#ifdef FreeBSD\n"
    "+ 0.1 > S. 0:0(0) ack 1 win 65535 <mss 1460>\n"
    "not a line of a scenario: never read\n"
    "#endif\n"
    "#ifdef Linux\n"
    "+0.2 > S. 0:0(0) ack 1 <...>\n"
    "#endif\n"
    "+0 < F  . 1:1(0)   ack 1 win 65535\n"
    "+0 > . 2:2(0) ack 2\n"
    "   <nop,nop,\n"
    "    sack 1:2>\n";

/* Option lines from the command line (run --mtu, -O NAME=VALUE) win
 * over the file's: the file's line goes, theirs is read. */
static void
test_cmdline_options(void)
{
	struct script_option opts[] = {
		{ "mtu", "1520", 0 },
		{ "ip_version", "ipv6", 0 },
		{ "tolerance_usecs", "9000", 0 },
	};
	struct script_defs defs = { NULL, 0, NULL, false, true, opts, 3 };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;

	sc = script_parse_string("t.pkt", "--mtu=1400\n--mss=500\n"
	    "--tolerance_usecs=100\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = "
	    "3\n", &defs, &errs);
	CHECK(sc != NULL);
	if (sc == NULL)
		return;
	CHECK_STR(script_option(sc, "mtu"), "1520");
	CHECK_STR(script_option(sc, "mss"), "500");
	CHECK_STR(script_option(sc, "ip_version"), "ipv6");
	CHECK_INT(sc->tolerance_usecs, 9000);
	CHECK_INT(sc->noptions, 4);
	/* --ip_version=ipv6 from the command line: an IPv6 target. */
	CHECK_STR(sc->target_host, "2001:db8::1");
	script_free(sc);

	sc = script_parse_string("t.pkt", "--mtu=100\n", NULL, &errs);
	CHECK(sc == NULL);
	CHECK_INT(errs.n, 1);
	CHECK_STR(errs.n > 0 ? errs.v[0].msg : NULL, "--mtu wants a whole "
	    "number of bytes (576 to 65535), got '100'");
	script_errors_clear(&errs);
}

static void
test_pd_forms(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	char *out;

	sc = parse(pd_forms, "Linux=1", &errs);
	out = script_errors_format(&errs);
	CHECK_(sc != NULL, "packetdrill forms parse%s%s", out[0] ? ":\n" : "",
	    out);
	free(out);
	script_errors_clear(&errs);
	if (sc == NULL)
		return;
	CHECK_INT(sc->nsteps, 4);
	CHECK_INT(sc->nwarnings, 2);
	CHECK_STR(sc->nwarnings > 0 ? sc->warnings[0] : NULL, "t.shake:1:1: "
	    "warning: unknown option --send_omit_free ignored (known: "
	    "--tolerance_usecs, --tolerance_percent, --target, --define, "
	    "--commands_as, --absolute, --ip_version, --mss, --mtu, "
	    "--tcp_ts_tick_usecs, --local_ip, --remote_ip, --tcp_md5_secret)");
	CHECK_INT(sc->noptions, 1);
	CHECK_STR(sc->options[0].value, "SYNOPTS=mss 1460,sackOK");
	CHECK_INT(sc->steps[0].seg.nopts, 4);
	CHECK_STR(sc->steps[0].text, "+ 0 < S 0:0(0) win 65535 <mss 1460,"
	    "sackOK,         nop,wscale 7>");
	CHECK_INT(sc->steps[0].line, 5);
	/* Linux is defined, FreeBSD is not. */
	CHECK_INT(sc->steps[1].line, 12);
	CHECK_INT(sc->steps[1].time.at_ns, 200000000);
	CHECK_INT(sc->steps[2].seg.flags, TH_FIN_ | TH_ACK_);
	CHECK_INT(sc->steps[3].seg.nopts, 3);
	CHECK_INT(sc->steps[3].line, 15);
	script_free(sc);
	test_round_trip("packetdrill forms", pd_forms);

	/* #ifndef: its lines are read when the name is not defined. */
	sc = parse("#ifndef QUICK\n0 < S 0:0(0) win 1\n#endif\n"
	    "#ifdef QUICK\n0 < S 0:0(0) win 2\n#endif\n", "QUICK=1", &errs);
	CHECK(sc != NULL && sc->nsteps == 1 && sc->steps[0].seg.win == 2);
	script_free(sc);
	script_errors_clear(&errs);
	sc = parse("#ifndef QUICK\n0 < S 0:0(0) win 1\n#endif\n", NULL,
	    &errs);
	CHECK(sc != NULL && sc->nsteps == 1 && sc->steps[0].seg.win == 1);
	script_free(sc);
	script_errors_clear(&errs);

	/* "md5 valid" takes the file's key, on both directions. */
	sc = parse("--tcp_md5_secret=k3y\n0 < . 1:1(0) <nop,nop,md5 valid>\n"
	    "+0 > . 1:1(0) <nop,nop,md5 valid>\n", NULL, &errs);
	CHECK(sc != NULL && sc->nsteps == 2 && sc->steps[0].seg.md5_key &&
	    strcmp(sc->steps[0].seg.md5_key, "k3y") == 0 &&
	    sc->steps[1].seg.md5_key == sc->steps[0].seg.md5_key);
	script_free(sc);
	script_errors_clear(&errs);
	sc = parse("--tcp_md5_secret=" "0123456789012345678901234567890123456789"
	    "01234567890123456789012345678901234567891\n", NULL, &errs);
	CHECK(sc == NULL && errs.n == 1 && strcmp(errs.v[0].msg,
	    "--tcp_md5_secret is 81 bytes long; a TCP MD5 key has at most "
	    "80") == 0);
	script_errors_clear(&errs);
	/* The other branch is read when its name is defined. */
	sc = parse(pd_forms, "FreeBSD=1", &errs);
	CHECK(sc == NULL && errs.n == 1 && errs.v[0].line == 9);
	script_errors_clear(&errs);
	/* "+ 0.1" is relative, "+ .1~+ .2" a window. */
	sc = parse("0.5 < S 0:0(0)\n+ 0.1 < . 1:1(0)\n+ .1~+ .2 > . 1:1(0)\n",
	    NULL, &errs);
	CHECK(sc != NULL && sc->nsteps == 3 &&
	    sc->steps[1].time.kind == STEP_TIME_REL &&
	    sc->steps[1].time.at_ns == 600000000 &&
	    sc->steps[2].time.until_ns == 800000000);
	script_free(sc);
	script_errors_clear(&errs);
}

/* Comments of all three kinds; none inside strings or commands. */
static void
test_comments(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;

	sc = parse("0 < P. 1:5(4) \"#//x\" # a comment\n"
	    "+0 /* a\n"
	    "b */ `echo /* x */ // y`\n"
	    "+0 < . 5:5(0) // the end\n"
	    "/* x */ +0 < . 5:5(0) /* y */ ack 1 # z\n", NULL, &errs);
	CHECK(sc != NULL && sc->nsteps == 4);
	if (sc != NULL) {
		CHECK_MEM(sc->steps[0].seg.data, "#//x", 4);
		CHECK_INT(sc->steps[1].kind, STEP_SHELL);
		CHECK_STR(sc->steps[1].command, "echo /* x */ // y");
		CHECK_INT(sc->steps[3].column, 9);
		CHECK(sc->steps[3].seg.has & SEG_HAS_ACK);
	}
	script_free(sc);
	script_errors_clear(&errs);
}

/*
 * A file in packetdrill's style (written for this test): its packet lines,
 * options, times and commands parse unchanged; its system call lines and
 * python block are refused, one error each, even when a call goes on over
 * two lines.
 */
static const char pkt[] =
    "// A listener accepts, reads a request and aborts.\n"
    "--tolerance_usecs=10000\n"
    "--ip_version=ipv4\n"
    "`sysctl -q net.ipv4.tcp_timestamps=1\n"
    "sysctl -q net.ipv4.tcp_sack=1`\n"
    "\n"
    "    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
    "   +0 bind(3, ..., ...) = 0\n"
    "   +0 listen(3, 1) = 0\n"
    "\n"
    "   +0 < S 0:0(0) win 29200 <mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 6>\n"
    "   +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 9 ecr 7,nop,wscale 7>\n"
    " +.02 < . 1:1(0) ack 1 win 457 <nop,nop,TS val 8 ecr 9>\n"
    "   +0...0.050 accept(3, ..., ...) = 4\n"
    "   +0 %{ assert tcpi_snd_cwnd == 10 }%\n"
    " +.01 < P. 1:101(100) ack 1 win 457 <nop,nop,TS val 9 ecr 9>\n"
    "   +0 > . 1:1(0) ack 101 <nop,nop,TS val 10 ecr 9>\n"
    "   +0 read(4, ..., 1000) = 100\n"
    "   +0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1,\n"
    "                 linger=0}, 8) = 0\n"
    "   +0 close(4) = 0\n"
    "   +0 > R. 1:1(0) ack 101\n";

static void
test_packetdrill(void)
{
	static const int want_lines[] = { 7, 8, 9, 10, 15, 16, 19, 20, 22 };
	struct script_errors errs = { NULL, 0, false };
	struct script *sc = parse(pkt, NULL, &errs);
	char *kept, *out;
	const char *p, *nl;
	size_t i, n = sizeof want_lines / sizeof want_lines[0];
	bool lines_ok = errs.n == n, msgs_ok = true;

	CHECK(sc == NULL);
	for (i = 0; i < errs.n && i < n; i++) {
		if (errs.v[i].line != want_lines[i])
			lines_ok = false;
		if (strstr(errs.v[i].msg, "is a system call line: system call "
		    "lines describe the local kernel under test") == NULL &&
		    strstr(errs.v[i].msg, "is a python block") == NULL)
			msgs_ok = false;
	}
	CHECK_(lines_ok, "packetdrill file: errors on its %zu system call and "
	    "python lines only (got %zu)", n, errs.n);
	CHECK(msgs_ok);
	CHECK(errs.n > 4 && strncmp(errs.v[4].msg, "'accept(...)'", 13) == 0);
	CHECK(errs.n > 5 && strncmp(errs.v[5].msg, "'%{ }%'", 7) == 0);
	script_errors_clear(&errs);

	/* Without those lines, the rest is a scenario as it stands. */
	kept = calloc(1, sizeof pkt);
	for (p = pkt, i = 1; *p != '\0'; p = nl + 1, i++) {
		nl = strchr(p, '\n');
		if (i < 7 || (i > 10 && i != 15 && i != 16 && i != 19 &&
		    i != 20 && i != 21 && i != 22))
			strncat(kept, p, (size_t)(nl - p + 1));
	}
	sc = parse(kept, NULL, &errs);
	out = script_errors_format(&errs);
	CHECK_(sc != NULL, "packetdrill file without its calls parses%s%s",
	    out[0] ? ":\n" : "", out);
	CHECK(sc != NULL && sc->nsteps == 7 && sc->tolerance_usecs == 10000);
	CHECK(sc != NULL && sc->steps[0].kind == STEP_SHELL &&
	    strcmp(sc->steps[0].command, "sysctl -q net.ipv4.tcp_timestamps=1\n"
	    "sysctl -q net.ipv4.tcp_sack=1") == 0);
	free(out);
	script_free(sc);
	script_errors_clear(&errs);
	test_round_trip("packetdrill", kept);
	free(kept);
}

/* The lines of text, and the first line's length. */
static size_t
out_lines(const char *text, size_t *first)
{
	size_t n = 0;
	const char *t;

	*first = strcspn(text, "\n");
	for (t = text; *t != '\0'; t++)
		n += *t == '\n';
	return n;
}

static void
test_file_limit(void)
{
	struct script_errors errs = { NULL, 0, false };
	char path[] = "/tmp/unit-script-XXXXXX", *out, want[256];
	static char chunk[1 << 16];
	struct script *sc;
	FILE *f;
	int fd, k;

	memset(chunk, '#', sizeof chunk);
	chunk[sizeof chunk - 1] = '\n';
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		CHECK_(false, "cannot make a temporary file");
		return;
	}
	for (k = 0; k <= SCRIPT_MAX_BYTES / (int)sizeof chunk; k++)
		fwrite(chunk, 1, sizeof chunk, f);
	fclose(f);
	sc = script_parse_file(path, NULL, &errs);
	out = script_errors_format(&errs);
	snprintf(want, sizeof want, "%s: error: larger than 16 MiB: a scenario "
	    "may have at most that (tcpshake-scenario(5), LIMITS)\n", path);
	CHECK(sc == NULL);
	CHECK_STR(out, want);
	free(out);
	script_errors_clear(&errs);
	unlink(path);
}

/* Beyond the documented limits: one error each, and an echo that stays
 * short whatever the line. */
static void
test_size_limits(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	size_t len = 10 * 1024 * 1024, k, first;
	char *big, *out;

	/* A 10 MB line: refused in one short line, no echo. */
	big = malloc(len + 64);
	memcpy(big, "0 < P. 1:11(10) ack 1 \"", 23);
	memset(big + 23, 'x', len);
	strcpy(big + 23 + len, "\"\n");
	sc = parse(big, NULL, &errs);
	out = script_errors_format(&errs);
	CHECK(sc == NULL && errs.n == 1);
	CHECK_STR(out, "t.shake:1: error: line of 10485784 bytes: a line may "
	    "have at most 262144 (tcpshake-scenario(5), LIMITS)\n");
	free(out);
	script_errors_clear(&errs);

	/* 200 kB, within the limit, an error in its middle: the echo keeps
	 * a window around the caret. */
	big[23 + 100000] = '\033';
	strcpy(big + 23 + 200000, "\"\n");
	sc = parse(big, NULL, &errs);
	out = script_errors_format(&errs);
	CHECK(sc == NULL && errs.n == 1);
	CHECK_INT(out_lines(out, &first), 3);
	CHECK(first < 200 && strlen(out) < first + 2 * 100);
	free(out);
	script_errors_clear(&errs);

	/* More lines than SCRIPT_MAX_LINES. */
	k = 0;
	for (first = 0; first <= SCRIPT_MAX_LINES; first++) {
		memcpy(big + k, "+0 wait\n", 8);
		k += 8;
	}
	big[k] = '\0';
	sc = parse(big, NULL, &errs);
	out = script_errors_format(&errs);
	CHECK_STR(out, "t.shake: error: 100001 lines: a scenario may have at "
	    "most 100000 (tcpshake-scenario(5), LIMITS)\n");
	free(out);
	script_errors_clear(&errs);

	/* More flows than SCRIPT_MAX_FLOWS: the first beyond says so. */
	k = 0;
	for (first = 0; first <= SCRIPT_MAX_FLOWS; first++)
		k += (size_t)sprintf(big + k, "flow f%zu\n", first);
	sc = parse(big, NULL, &errs);
	CHECK(sc == NULL && errs.n == 1 && errs.v[0].line == 4097);
	CHECK_STR(errs.v[0].msg, "more than 4096 flows: a scenario may "
	    "declare at most 4096 (tcpshake-scenario(5), LIMITS)");
	script_errors_clear(&errs);
	/* At the limit, each one found by name. */
	big[k - strlen("flow f4096\n")] = '\0';
	strcat(big, "0 f4095 < S 0:0(0) win 1\n0 f17 < S 0:0(0) win 1\n");
	sc = parse(big, NULL, &errs);
	CHECK(sc != NULL && sc->nflows == 4096 && sc->nsteps == 2 &&
	    sc->steps[0].flow == 4095 && sc->steps[1].flow == 17);
	script_free(sc);
	script_errors_clear(&errs);
	free(big);

	/* A file larger than SCRIPT_MAX_BYTES is not even read whole. */
	test_file_limit();
}

static void
test_limits(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script_defs defs = { NULL, 0, NULL, true, false, NULL, 0 };
	struct script *sc;
	char text[200] = "", *out;
	const char *tail;
	int i;

	/* At most SCRIPT_MAX_ERRORS, then one line says parsing stopped. */
	for (i = 0; i < 25; i++)
		strcat(text, "x\n");
	sc = parse(text, NULL, &errs);
	CHECK(sc == NULL && errs.n == SCRIPT_MAX_ERRORS && errs.truncated);
	out = script_errors_format(&errs);
	tail = strrchr(out, '\n');
	while (tail > out && tail[-1] != '\n')
		tail--;
	CHECK_STR(tail, "t.shake: error: too many errors; stopped after 20\n");
	free(out);
	script_errors_clear(&errs);

	/* A target is needed to run: the file's, or the caller's, which wins. */
	sc = script_parse_string("t.shake", "0 < S 0:0(0)\n", &defs, &errs);
	out = script_errors_format(&errs);
	CHECK_STR(out, "t.shake: error: no target: add a line 'target "
	    "HOST:PORT' or give --target HOST:PORT\n");
	free(out);
	script_errors_clear(&errs);
	defs.target = "198.18.0.2:80";
	sc = script_parse_string("t.shake", "target 198.18.0.9:81\n"
	    "0 < S 0:0(0)\n", &defs, &errs);
	CHECK(sc != NULL && strcmp(sc->target_host, "198.18.0.2") == 0 &&
	    sc->target_port == 80 && sc->target_line == 0);
	script_free(sc);

	/* A file that cannot be read. */
	sc = script_parse_file("/nonexistent/t.shake", NULL, &errs);
	out = script_errors_format(&errs);
	CHECK_STR(out, "/nonexistent/t.shake: error: No such file or "
	    "directory\n");
	free(out);
	script_errors_clear(&errs);

	test_size_limits();

	/* An empty file is a scenario without steps. */
	sc = script_parse_string("t.shake", "", NULL, &errs);
	CHECK(sc != NULL && sc->nsteps == 0 && sc->nflows == 1);
	script_free(sc);
}

static void
test_times(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc;
	char buf[64];

	sc = parse(".5 < S 0:0(0)\n+.25 < . 1:1(0)\n1.000000001~2 > . 1:1(0)\n"
	    "+0.3~+0.4 > . 1:1(0)\n", NULL, &errs);
	CHECK(sc != NULL);
	if (sc == NULL)
		return;
	check_time(&sc->steps[0], STEP_TIME_ABS, 500 * MS, 0, false,
	    500 * MS, 500 * MS);
	check_time(&sc->steps[1], STEP_TIME_REL, 250 * MS, 0, false,
	    750 * MS, 750 * MS);
	check_time(&sc->steps[2], STEP_TIME_ABS, 1000 * MS + 1, 2000 * MS,
	    true, 1000 * MS + 1, 2000 * MS);
	CHECK_STR(script_time_str(&sc->steps[0].time, buf, sizeof buf),
	    "0.500");
	CHECK_STR(script_time_str(&sc->steps[1].time, buf, sizeof buf),
	    "+0.250");
	CHECK_STR(script_time_str(&sc->steps[2].time, buf, sizeof buf),
	    "1.000000001~2.000");
	CHECK_STR(script_time_str(&sc->steps[3].time, buf, sizeof buf),
	    "+0.300~+0.400");
	script_free(sc);
}

/* A file's lab lines, read into lab-types.h's structs. */
static const char lab_text[] =
    "target [2001:db8::2]:81\n"
    "lab sysctl net.ipv4.tcp_synack_retries=2\n"
    "lab client-sysctl net.ipv4.tcp_syn_retries=1\n"
    "lab serve --port 81 --mode close-first \"b y e\"\n"
    "lab serve --port 82\n"
    "lab offloads on\n"
    "lab nat\n"
    "lab firewall reject 83\n"
    "lab delay 50ms\n"
    "lab jitter 5ms\n"
    "lab loss 2%\n"
    "lab seed 7\n"
    "0 < S 0:0(0) win 1\n";

static void
test_lab(void)
{
	struct script_errors errs = { NULL, 0, false };
	struct script *sc = parse(lab_text, NULL, &errs);
	struct script_lab *b;

	CHECK(sc != NULL && (b = sc->lab) != NULL);
	if (sc == NULL || b == NULL)
		return;
	CHECK(b->line == 2 && b->nlines == 11);
	CHECK(b->nsysctls == 2 && b->sysctls[0].side == LAB_SERVER &&
	    strcmp(b->sysctls[0].key, "net.ipv4.tcp_synack_retries") == 0 &&
	    strcmp(b->sysctls[0].value, "2") == 0 &&
	    b->sysctls[1].side == LAB_CLIENT);
	CHECK(b->nserve == 2 && strcmp(b->serve[0][4], "b y e") == 0 &&
	    b->serve[0][5] == NULL && strcmp(b->serve[1][1], "82") == 0);
	CHECK(b->offloads && !b->no_serve);
	CHECK(b->router.enabled && b->router.nat && !b->router.synproxy &&
	    b->router.nfirewall == 1 && b->router.firewall[0].port == 83 &&
	    b->router.firewall[0].action == LAB_FW_RESET);
	CHECK(b->impair.delay_us == 50000 && b->impair.jitter_us == 5000 &&
	    b->impair.loss_ppm == 20000 && b->impair.seeded &&
	    b->impair.seed == 7 && b->impair_line == 12);
	script_free(sc);
	sc = parse("target 198.18.0.2:80\n0 < S 0:0(0) win 1\n", NULL, &errs);
	CHECK(sc != NULL && sc->lab == NULL);
	script_free(sc);
}

int
main(void)
{
	test_catalogue();
	test_rich();
	test_round_trip("rich", rich);
	test_round_trip("flows", flows);
	/* Found by fuzz/fuzz-script: a value holding quotes changed which
	 * later names sat inside a "string" when the print, which kept the
	 * --define line, was parsed again. */
	test_round_trip("define whose value holds quotes",
	    "--define=P=7\"9\n`echo P \" P\"`\n+0 `x=P`\n");
	test_round_trip("define whose value holds its name",
	    "--define=X=X.X\n0 `echo X`\n");
	test_round_trip("CR in a command", "0 `printf 'a\\r\\n'; echo a\r\r\n"
	    "echo b`\n");
	test_command_cr();
	test_flows();
	test_defines();
	test_comments();
	test_packetdrill();
	test_limits();
	test_times();
	test_pd_forms();
	test_cmdline_options();
	test_lab();
	test_round_trip("lab", lab_text);
	/* Found by fuzz/fuzz-script: a comment over two lines after a lab
	 * word printed its line break inside the lab line. */
	test_round_trip("lab line with a comment over two lines",
	    "lab nat/*\n*/");
	/* Found by fuzz/fuzz-script: a define's '(' printed inside a
	 * command joined the next line to it when the print was parsed. */
	test_round_trip("define opening a parenthesis in a command",
	    "--define=LAB=(\n0`LAB`\n+0~+1>none");
	test_round_trip("lab line ending in CRs", "lab serve \r\r");
	test_round_trip("lab line with a quoted value",
	    "lab serve --port 81 --mode close-first \"b  y\"   \n");
	return check_done();
}
