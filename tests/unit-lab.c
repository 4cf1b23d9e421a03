/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit-lab.c: the lab's pure parts: --loss and friends as percentages,
 * --firewall's words, the router's and the impairment's descriptions, and
 * the impairment's seeded fates (what tests/lab-impair.sh relies on). */
#include "config.h"

#include <stdlib.h>

#include "check.h"
#include "lab-impair.h"
#include "lab-router.h"

static void
test_percent(void)
{
	uint32_t ppm = 7;
	char *error = NULL;

	CHECK(lab_impair_percent("2%", "--loss", &ppm, &error));
	CHECK_INT(ppm, 20000);
	CHECK(lab_impair_percent("0.5", "--loss", &ppm, &error));
	CHECK_INT(ppm, 5000);
	CHECK(lab_impair_percent("100%", "--loss", &ppm, &error));
	CHECK_INT(ppm, 1000000);
	CHECK(lab_impair_percent("0.0001%", "--loss", &ppm, &error));
	CHECK_INT(ppm, 1);
	CHECK(!lab_impair_percent("101%", "--loss", &ppm, &error));
	CHECK_STR(error, "--loss '101%': give a percentage 0..100 (e.g. 2% "
	    "or 0.5%)");
	free(error);
	error = NULL;
	CHECK(!lab_impair_percent("-1", "--reorder", &ppm, &error));
	free(error);
	error = NULL;
	CHECK(!lab_impair_percent("2%%", "--duplicate", &ppm, &error));
	free(error);
	error = NULL;
	CHECK(!lab_impair_percent("", "--loss", &ppm, &error));
	free(error);
}

static void
test_firewall(void)
{
	struct lab_firewall fw[2];
	struct lab_router r = { .enabled = true, .firewall = fw };
	char *error = NULL, buf[128];

	CHECK(lab_firewall_parse("drop", "81", &fw[0], &error));
	CHECK(fw[0].action == LAB_FW_DROP && fw[0].port == 81);
	CHECK(lab_firewall_parse("reject", "65535", &fw[1], &error));
	CHECK(fw[1].action == LAB_FW_RESET && fw[1].port == 65535);
	CHECK(lab_firewall_parse("reject-icmp", "82", &fw[0], &error));
	CHECK(fw[0].action == LAB_FW_ICMP && fw[0].port == 82);
	CHECK(!lab_firewall_parse("block", "81", &fw[0], &error));
	CHECK_STR(error, "--firewall 'block': give drop, reject or "
	    "reject-icmp, then a port (--firewall drop 81)");
	free(error);
	error = NULL;
	CHECK(!lab_firewall_parse("drop", "0", &fw[0], &error));
	free(error);
	error = NULL;
	CHECK(!lab_firewall_parse("drop", NULL, &fw[0], &error));
	free(error);
	error = NULL;
	CHECK(!lab_firewall_parse("reject", "80x", &fw[0], &error));
	free(error);

	lab_router_describe(&r, buf, sizeof buf);
	CHECK_STR(buf, "routing only");
	fw[0].action = LAB_FW_ICMP;
	fw[0].port = 81;
	r.nfirewall = 2;
	r.nat = r.synproxy = true;
	lab_router_describe(&r, buf, sizeof buf);
	CHECK_STR(buf, "nat, synproxy, firewall reject-icmp 81, firewall "
	    "reject 65535");
}

static void
test_describe(void)
{
	struct lab_impair im = {
		.delay_us = 50000, .jitter_us = 5000, .loss_ppm = 20000,
		.reorder_ppm = 10000, .duplicate_ppm = 5000,
	};
	char buf[160];

	lab_impair_describe(&im, buf, sizeof buf);
	CHECK_STR(buf, "delay 50.000ms jitter 5.000ms loss 2% reorder 1% "
	    "duplicate 0.5%");
	CHECK(lab_impair_active(&im));
	memset(&im, 0, sizeof im);
	CHECK(!lab_impair_active(&im));
}

/* Seed 6 at 50% loss: the first packet is dropped, the next five pass
 * (tests/lab-impair.sh counts on it). */
static void
test_seeded_fates(void)
{
	struct lab_impair im = { .loss_ppm = 500000, .seed = 6 };
	static const bool want[] = { true, false, false, false, false, false };
	uint64_t rng = im.seed, again = im.seed;
	struct lab_fate f, g;
	size_t i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		f = lab_impair_fate(&im, &rng);
		CHECK_(f.drop == want[i], "seed 6, packet %zu: %s", i + 1,
		    want[i] ? "dropped" : "passes");
		CHECK(!f.duplicate && !f.reorder && f.delay_ns == 0);
	}
	/* The same seed, the same fates; and the delay stays in
	 * delay +- jitter. */
	im.delay_us = 50000;
	im.jitter_us = 5000;
	im.duplicate_ppm = 100000;
	rng = again = 42;
	for (i = 0; i < 1000; i++) {
		f = lab_impair_fate(&im, &rng);
		g = lab_impair_fate(&im, &again);
		if (f.drop != g.drop || f.duplicate != g.duplicate ||
		    f.delay_ns != g.delay_ns || f.delay_ns < 45000000u ||
		    f.delay_ns > 55000000u)
			break;
	}
	CHECK_(i == 1000, "1000 seeded fates repeat, delays in 45..55 ms "
	    "(stopped at %zu)", i);
}

/* Over many packets the shares come out near what was asked. */
static void
test_shares(void)
{
	struct lab_impair im = {
		.delay_us = 1000, .loss_ppm = 20000, .reorder_ppm = 10000,
		.duplicate_ppm = 50000, .seed = 1,
	};
	unsigned long drop = 0, dup = 0, reo = 0, n = 200000, i;
	uint64_t rng = im.seed;
	struct lab_fate f;

	for (i = 0; i < n; i++) {
		f = lab_impair_fate(&im, &rng);
		drop += f.drop;
		dup += f.duplicate;
		reo += f.reorder;
	}
	CHECK_(drop > 3600 && drop < 4400, "2%% loss: %lu of %lu", drop, n);
	CHECK_(dup > 9400 && dup < 10600, "5%% duplicates: %lu of %lu", dup,
	    n);
	CHECK_(reo > 1700 && reo < 2300, "1%% reordered: %lu of %lu", reo, n);
}

int
main(void)
{
	test_percent();
	test_firewall();
	test_describe();
	test_seeded_fates();
	test_shares();
	return check_done();
}
