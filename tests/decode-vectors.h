/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decode-vectors.h: the hex packets decode's unit test checks and its
 * fuzz target mutates, shared so both work on the same bytes. */
#ifndef TCPSHAKE_DECODE_VECTORS_H
#define TCPSHAKE_DECODE_VECTORS_H

/*
 * The vectors. Addresses are 198.18.0.1 -> 198.18.0.2 and 2001:db8::1 ->
 * 2001:db8::2; TCP checksums were computed with python3 and are correct
 * unless a test says otherwise.
 */

/* IPv4 SYN 40000>80 seq 1000 win 65535, ttl 64, id 0x1234, DF,
 * <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>, checksum 0x1afc. */
static const char V4_SYN[] =
	"45 00 00 3c 12 34 40 00 40 06 9c 60 c6 12 00 01 "
	"c6 12 00 02 9c 40 00 50 00 00 03 e8 00 00 00 00 "
	"a0 02 ff ff 1a fc 00 00 02 04 05 b4 04 02 08 0a "
	"00 00 00 64 00 00 00 00 01 03 03 07 ";

/* IPv4 with 4 bytes of IP options (nop,nop,nop,eol), tos 0x02, P. 1001
 * ack 5001 win 502, payload "hello", checksum 0x29d5. */
static const char V4_IPOPT[] =
	"46 02 00 31 12 34 40 00 40 06 99 68 c6 12 00 01 "
	"c6 12 00 02 01 01 01 00 9c 40 00 50 00 00 03 e9 "
	"00 00 13 89 50 18 01 f6 29 d5 00 00 68 65 6c 6c "
	"6f ";

/* IPv4 ACK 40000>80 seq 1001 ack 5001 win 502, no options, 0x6db4. */
static const char V4_ACK[] =
	"45 00 00 28 12 34 40 00 40 06 9c 74 c6 12 00 01 "
	"c6 12 00 02 9c 40 00 50 00 00 03 e9 00 00 13 89 "
	"50 10 01 f6 6d b4 00 00 ";

/* The same ACK with win 28586, where the checksum comes out as 0x0000. */
static const char V4_ACK_ZEROSUM[] =
	"45 00 00 28 12 34 40 00 40 06 9c 74 c6 12 00 01 "
	"c6 12 00 02 9c 40 00 50 00 00 03 e9 00 00 13 89 "
	"50 10 6f aa 00 00 00 00 ";

/* IPv4 80>40000 ACK with <nop,nop,sack 1001:2001>. */
static const char V4_SACK1[] =
	"45 00 00 34 12 34 40 00 40 06 9c 68 c6 12 00 01 "
	"c6 12 00 02 00 50 9c 40 00 00 13 89 00 00 03 e9 "
	"80 10 03 e8 29 f1 00 00 01 01 05 0a 00 00 03 e9 "
	"00 00 07 d1 ";

/* <nop,nop,sack 1001:1501 2001:2501 3001:3501 4001:4501>. */
static const char V4_SACK4[] =
	"45 00 00 4c 12 34 40 00 40 06 9c 50 c6 12 00 01 "
	"c6 12 00 02 00 50 9c 40 00 00 13 89 00 00 03 e9 "
	"e0 10 03 e8 7f 82 00 00 01 01 05 22 00 00 03 e9 "
	"00 00 05 dd 00 00 07 d1 00 00 09 c5 00 00 0b b9 "
	"00 00 0d ad 00 00 0f a1 00 00 11 95 ";

/* Unknown option kind 253 length 6 (de ad be ef), then eol and one byte
 * of padding; payload "GET / HTTP/1.0\r\n\r\n", checksum 0xd44d. */
static const char V4_RAW_DATA[] =
	"45 00 00 42 12 34 40 00 40 06 9c 5a c6 12 00 01 "
	"c6 12 00 02 9c 40 00 50 00 00 03 e9 00 00 13 89 "
	"70 18 01 f6 d4 4d 00 00 fd 06 de ad be ef 00 00 "
	"47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a "
	"0d 0a ";

/* IPv6 SYN-ACK 80>40000 seq 3000 ack 1001 win 64800, traffic class 0x2a,
 * hop limit 63, <mss 1440,sackOK,TS val 200 ecr 100,nop,wscale 7>,
 * checksum 0x4211. */
static const char V6_SYNACK[] =
	"62 a0 00 00 00 28 06 3f 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 00 50 9c 40 00 00 0b b8 "
	"00 00 03 e9 a0 12 fd 20 42 11 00 00 02 04 05 a0 "
	"04 02 08 0a 00 00 00 c8 00 00 00 64 01 03 03 07 ";

/* IPv6 with a hop-by-hop and a destination-options header (8 bytes each,
 * PadN), then ACK 40000>80 seq 1001 ack 3001, checksum 0xa637. */
static const char V6_EXT[] =
	"60 00 00 00 00 24 00 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 3c 00 01 04 00 00 00 00 "
	"06 00 01 04 00 00 00 00 9c 40 00 50 00 00 03 e9 "
	"00 00 0b b9 50 10 01 f6 a6 37 00 00 ";

/* IPv6 with a type 0 routing header, segments left 1, via 2001:db8::99:
 * the checksum (0xa5a0) is over the final destination 2001:db8::99. */
static const char V6_RH[] =
	"60 00 00 00 00 2c 2b 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 06 02 00 01 00 00 00 00 "
	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 99 "
	"9c 40 00 50 00 00 03 e9 00 00 0b b9 50 10 01 f6 "
	"a5 a0 00 00 ";

/* IPv6 with a segment routing header (type 4), segments left 1, list
 * [2001:db8::99, 2001:db8::2]: checksum 0xa5a0 over the final segment,
 * list entry 0. */
static const char V6_SRH[] =
	"60 00 00 00 00 3c 2b 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 06 04 04 01 01 00 00 00 "
	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 99 "
	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 "
	"9c 40 00 50 00 00 03 e9 00 00 0b b9 50 10 01 f6 "
	"a5 a0 00 00 ";

/* IPv6 with a 24-byte AH (length field 4), then the ACK of V6_EXT. */
static const char V6_AH[] =
	"60 00 00 00 00 2c 33 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 06 04 00 00 00 00 01 00 "
	"00 00 00 01 00 01 02 03 04 05 06 07 08 09 0a 0b "
	"9c 40 00 50 00 00 03 e9 00 00 0b b9 50 10 01 f6 "
	"a6 37 00 00 ";

/* IPv6 first fragment (offset 0, more fragments) of a P. with "abcd". */
static const char V6_FRAG1[] =
	"60 00 00 00 00 20 2c 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 06 00 00 01 00 00 12 34 "
	"9c 40 00 50 00 00 03 e9 00 00 0b b9 50 18 01 f6 "
	"e1 64 00 00 61 62 63 64 ";

/* ICMP port unreachable from 198.18.0.2 quoting V4_SYN's IP header and
 * first 8 TCP bytes. */
static const char V4_ICMP[] =
	"45 00 00 38 55 55 00 00 40 01 99 48 c6 12 00 02 "
	"c6 12 00 01 03 03 5c 84 00 00 00 00 45 00 00 3c "
	"12 34 40 00 40 06 9c 60 c6 12 00 01 c6 12 00 02 "
	"9c 40 00 50 00 00 03 e8 ";

/* ICMPv6 destination unreachable (port, code 4) from 2001:db8::2 quoting
 * an IPv6 SYN 40000>80 seq 1000. */
static const char V6_ICMP[] =
	"60 00 00 00 00 38 3a 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 01 04 40 be 00 00 00 00 "
	"60 00 00 00 00 28 06 40 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 01 20 01 0d b8 00 00 00 00 "
	"00 00 00 00 00 00 00 02 9c 40 00 50 00 00 03 e8 ";

/* Link headers put in front of the IP vectors. */
static const char ETH_V4[] =
	"02 00 00 00 00 02 02 00 00 00 00 01 08 00 ";
static const char ETH_V6[] =
	"02 00 00 00 00 02 02 00 00 00 00 01 86 dd ";
static const char ETH_VLAN_V4[] =	/* 802.1Q tag, VLAN 5 */
	"02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 05 08 00 ";
static const char ETH_QINQ_V6[] =	/* 802.1ad outer, 802.1Q inner */
	"02 00 00 00 00 02 02 00 00 00 00 01 88 a8 00 07 81 00 00 05 86 dd ";
static const char SLL_V4[] =		/* outgoing, ARPHRD_ETHER */
	"00 04 00 01 00 06 02 00 00 00 00 01 00 00 08 00 ";
static const char SLL2_V6[] =		/* protocol first, ifindex 2 */
	"86 dd 00 00 00 00 00 02 00 01 00 06 02 00 00 00 00 01 00 00 ";
static const char NULL_V4_LE[] = "02 00 00 00 ";	/* little-endian host */
static const char NULL_V4_BE[] = "00 00 00 02 ";	/* big-endian writer */
static const char NULL_V6_LE[] = "1e 00 00 00 ";	/* AF_INET6 30 (macOS) */
static const char NULL_V6_LINUX[] = "0a 00 00 00 ";	/* AF_INET6 10 */
static const char LOOP_V4[] = "00 00 00 02 ";
static const char LOOP_V6[] = "00 00 00 18 ";		/* AF_INET6 24 */

#endif
