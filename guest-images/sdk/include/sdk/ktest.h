/*
 * ktest: the SDK's test framework for PV kernels (ABI suites such as pvtraps). Every check prints one line,
 *
 *     ok 12 - group: name (Xen rule)
 *     not ok 13 - group: name (Xen rule): got 0x1, want 0x2
 *
 * comment lines start with "# ", and kt_summary() prints "N passed, M failed".
 * The JUnit runner parses exactly these lines.
 */
#ifndef SDK_KTEST_H
#define SDK_KTEST_H

#include <sdk/kernel.h>

void kt_group(const char *group);
int kt_check(int ok, const char *name, const char *rule, const char *detail);
int kt_eq(unsigned long got, unsigned long want, const char *name, const char *rule);
void kt_summary(void);

#endif
