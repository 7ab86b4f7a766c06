/*
 * hello: the first TruffleXen guest.
 *
 * Greets, echoes its command line, runs a few small computations with
 * known answers (hashing, recursion, a sieve, CRC-32, signed and unsigned
 * division, 128-bit multiply, bit tricks, sorting), asks the hypervisor for
 * its version, then powers off. Every line is deterministic;
 * expected-output.txt holds the exact text for the end-to-end test.
 * Inputs are read through volatile variables so that gcc computes the
 * answers at run time instead of folding them into constants.
 */
#include <sdk/kernel.h>

static volatile int fib_n = 30;
static volatile int sieve_limit = 10000;
static volatile uint64_t lcg_seed = 12345;

/* 64-bit FNV-1a. */
static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t fib_iterative(int n)
{
    uint64_t a = 0;
    uint64_t b = 1;

    for (int i = 0; i < n; i++) {
        uint64_t next = a + b;

        a = b;
        b = next;
    }
    return a;
}

/* Deliberately naive: about 1.6 million calls for n = 30. */
__attribute__((noinline)) static uint64_t fib_recursive(int n)
{
    return n < 2 ? (uint64_t)n : fib_recursive(n - 1) + fib_recursive(n - 2);
}

static unsigned char composite[10000];

static int count_primes_below(int limit)
{
    int count = 0;

    memset(composite, 0, sizeof(composite));
    for (int i = 2; i < limit; i++) {
        if (!composite[i]) {
            count++;
            for (int j = i * i; j < limit; j += i) {
                composite[j] = 1;
            }
        }
    }
    return count;
}

/* CRC-32 (IEEE, reflected), bit by bit. */
static uint32_t crc32_bitwise(const char *s, size_t n)
{
    uint32_t crc = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        crc ^= (unsigned char)s[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* CRC-32 again, with a table built at run time. */
static uint32_t crc_table[256];

static uint32_t crc32_table(const char *s, size_t n)
{
    uint32_t crc = 0xffffffffu;

    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;

        for (int bit = 0; bit < 8; bit++) {
            c = (c & 1u) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        }
        crc_table[i] = c;
    }
    for (size_t i = 0; i < n; i++) {
        crc = crc_table[(crc ^ (unsigned char)s[i]) & 0xffu] ^ (crc >> 8);
    }
    return ~crc;
}

static volatile int64_t dividends[] = { 47, -47, 1000000007, -1000000007, INT64_MAX, INT64_MIN };
static volatile int64_t divisors[] = { 5, -5, 7, -1000 };

static void print_division_table(void)
{
    printf("signed 64-bit division (a / b, a %% b):\n");
    for (size_t i = 0; i < ARRAY_SIZE(dividends); i++) {
        int64_t a = dividends[i];

        printf("  %20ld:", a);
        for (size_t j = 0; j < ARRAY_SIZE(divisors); j++) {
            int64_t b = divisors[j];

            printf(" %ld,%ld", a / b, a % b);
        }
        printf("\n");
    }
}

static volatile int32_t small_a = -7;
static volatile int32_t small_b = 2;
static volatile uint64_t big_u = 0xffffffffffffffffULL;
static volatile uint32_t big_u32 = 0xfffffff0u;

static void print_other_arithmetic(void)
{
    int32_t a = small_a;
    int32_t b = small_b;
    uint64_t u = big_u;
    uint32_t u32 = big_u32;
    unsigned __int128 product = (unsigned __int128)u * (u - 4);
    int64_t s = (int64_t)lcg_seed * -3;

    printf("int32: %d / %d = %d, %d %% %d = %d, %d >> 1 = %d\n", a, b, a / b, a, b, a % b, a,
           a >> 1);
    printf("uint32: %u / 7 = %u r %u\n", u32, u32 / 7, u32 % 7);
    printf("uint64: %lu / 10 = %lu r %lu\n", u, u / 10, u % 10);
    printf("uint128 product: hi=0x%016llx lo=0x%016llx\n", (unsigned long long)(product >> 64),
           (unsigned long long)product);
    printf("int64 multiply: %ld, shifted right 3: %ld\n", s, s >> 3);
}

static void print_bit_tricks(void)
{
    uint64_t x = lcg_seed * 0x9e3779b97f4a7c15ULL;
    int ones = 0;

    for (uint64_t v = x; v != 0; v &= v - 1) {
        ones++;
    }
    printf("bits of 0x%016lx: popcount=%d clz(x>>9)=%d ctz(x<<5)=%d bswap=0x%016lx "
           "rotl13=0x%016lx\n",
           x, ones, __builtin_clzll(x >> 9), __builtin_ctzll(x << 5), __builtin_bswap64(x),
           (x << 13) | (x >> 51));
}

static void print_sorted_checksum(void)
{
    uint32_t values[64];
    uint64_t state = lcg_seed;
    uint64_t checksum = 0;

    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        values[i] = (uint32_t)(state >> 33);
    }
    for (size_t i = 1; i < ARRAY_SIZE(values); i++) {
        uint32_t v = values[i];
        size_t j = i;

        for (; j > 0 && values[j - 1] > v; j--) {
            values[j] = values[j - 1];
        }
        values[j] = v;
    }
    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        checksum = checksum * 31 + values[i];
    }
    printf("sorted 64 values: min=%u max=%u checksum=0x%lx\n", values[0], values[63],
           (unsigned long)checksum);
}

static void print_string_functions(void)
{
    char buf[32];
    char overlap[16] = "abcdefghij";
    int n = snprintf(buf, sizeof(buf), "[%-6s|%6s|%05d|%x]", "ab", "cd", -42, 255u);

    memmove(overlap + 2, overlap, 6);
    printf("snprintf: %s (%d chars), memmove: %s, strcmp: %d %d %d\n", buf, n, overlap,
           strcmp("abc", "abd") < 0, strcmp("abc", "abc") == 0, strncmp("abcX", "abcY", 3) == 0);
}

static void print_xen_version(void)
{
    xen_extraversion_t extra;
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    long rc;

    if (version < 0) {
        printf("Xen version: error %ld\n", version);
        return;
    }
    memset(extra, 0, sizeof(extra));
    rc = HYPERVISOR_xen_version(XENVER_extraversion, extra);
    if (rc < 0) {
        extra[0] = '\0';
    }
    extra[sizeof(extra) - 1] = '\0';
    printf("Xen %ld.%ld%s\n", version >> 16, version & 0xffff, extra);
}

void kernel_main(start_info_t *si)
{
    char magic[sizeof(si->magic) + 1];
    const char *text = "123456789";

    printf("Hello from TruffleXen!\n");
    printf("cmdline: %s\n", (const char *)si->cmd_line);

    memcpy(magic, si->magic, sizeof(si->magic));
    magic[sizeof(si->magic)] = '\0';
    printf("start_info: magic=%s nr_pages=%lu\n", magic, si->nr_pages);
    print_xen_version();

    printf("fnv1a64(\"TruffleXen\") = 0x%016lx\n", fnv1a64("TruffleXen"));
    printf("fib(%d) iterative = %lu\n", fib_n, fib_iterative(fib_n));
    printf("fib(%d) recursive = %lu\n", fib_n, fib_recursive(fib_n));
    printf("primes below %d = %d\n", sieve_limit, count_primes_below(sieve_limit));
    printf("crc32(\"%s\") = 0x%08x (bitwise), 0x%08x (table)\n", text,
           crc32_bitwise(text, strlen(text)), crc32_table(text, strlen(text)));
    print_division_table();
    print_other_arithmetic();
    print_bit_tricks();
    print_sorted_checksum();
    print_string_functions();

    printf("hello: done\n");
    sdk_shutdown(SHUTDOWN_poweroff);
}
