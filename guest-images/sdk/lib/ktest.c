#include <sdk/ktest.h>

static const char *current_group = "";
static unsigned int number, passed, failed;

void kt_group(const char *group)
{
    current_group = group;
}

int kt_check(int ok, const char *name, const char *rule, const char *detail)
{
    number++;
    if (ok) {
        passed++;
        printf("ok %u - %s: %s (%s)\n", number, current_group, name, rule);
    } else {
        failed++;
        printf("not ok %u - %s: %s (%s): %s\n", number, current_group, name, rule, detail);
    }
    return ok;
}

int kt_eq(unsigned long got, unsigned long want, const char *name, const char *rule)
{
    char detail[80];

    snprintf(detail, sizeof(detail), "got %#lx, want %#lx", got, want);
    return kt_check(got == want, name, rule, detail);
}

void kt_summary(void)
{
    printf("%u passed, %u failed\n", passed, failed);
}
