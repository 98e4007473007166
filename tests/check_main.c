/* SPDX-License-Identifier: MIT */
/* Runs every Check suite; the list is generated from tests/check_<module>.c. */
#include <check.h>
#include <stdlib.h>

#include "ncrypto.h"

#define SUITE(m) Suite *m##_suite(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	if (ncrypto_init() != 0)
		return 1;
	SRunner *sr = srunner_create(NULL);
#define SUITE(m) srunner_add_suite(sr, m##_suite());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
