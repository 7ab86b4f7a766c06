/*
 * TruffleXen guest SDK: start-up and shutdown around kernel_main().
 */
#include <sdk/kernel.h>

start_info_t *sdk_start_info;

/* Called by the boot stub before kernel_main, on the SDK stack. */
void sdk_runtime_init(start_info_t *si);

void sdk_runtime_init(start_info_t *si)
{
    sdk_start_info = si;
    console_init(si);
}

unsigned long p2m_find_pfn(unsigned long mfn)
{
    const unsigned long *p2m = (const unsigned long *)sdk_start_info->mfn_list;
    unsigned long nr_pages = sdk_start_info->nr_pages;

    if (p2m == NULL) {
        return -1UL;
    }
    for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
        if (p2m[pfn] == mfn) {
            return pfn;
        }
    }
    return -1UL;
}

void sdk_shutdown(unsigned int reason)
{
    struct sched_shutdown request = { .reason = reason };

    console_flush();
    for (;;) {
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &request);
        /* Still running: the hypervisor refused. Stay out of the way. */
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

void sdk_panic(const char *fmt, ...)
{
    va_list ap;

    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    sdk_shutdown(SHUTDOWN_crash);
}

/* The text after prefix in the first space-separated word of cmdline that starts with it, or NULL. */
static const char *word_after(const char *cmdline, const char *prefix, size_t length)
{
    const char *p = cmdline;

    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        if (strncmp(p, prefix, length) == 0) {
            return p + length;
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    return NULL;
}

const char *sdk_cmdline_option(const char *name)
{
    return word_after((const char *)sdk_start_info->cmd_line, name, strlen(name));
}

unsigned long sdk_parse_ulong(const char *digits)
{
    unsigned long n = 0;

    for (; digits && *digits >= '0' && *digits <= '9'; digits++) {
        n = n * 10 + (unsigned long)(*digits - '0');
    }
    return n;
}

unsigned long sdk_cmdline_ulong(const char *cmdline, const char *key, unsigned long fallback)
{
    char prefix[32];
    size_t key_length = strlen(key);
    unsigned long value;

    if (key_length + 1 >= sizeof(prefix)) {
        return fallback;
    }
    memcpy(prefix, key, key_length);
    prefix[key_length] = '=';
    value = sdk_parse_ulong(word_after(cmdline, prefix, key_length + 1));
    return value > 0 ? value : fallback;
}

void sdk_sort_u64(uint64_t *values, unsigned long n)
{
    for (unsigned long i = 1; i < n; i++) {
        uint64_t key = values[i];
        unsigned long j = i;
        for (; j > 0 && values[j - 1] > key; j--) {
            values[j] = values[j - 1];
        }
        values[j] = key;
    }
}
