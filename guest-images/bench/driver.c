/*
 * TruffleXen benchmark driver, shared by every workload and both platforms.
 *
 * It reads "rounds=R iters=N" from the command line (guest: start_info's
 * cmd_line; host: argv), calls bench_setup() once and then run(N) R times.
 * Around each round it prints a marker line and flushes the console:
 *
 *   @@bench <name> start rounds=<R> iters=<N>
 *   @@bench <name> round <k> begin
 *   @@bench <name> round <k> end iters=<N> checksum=<16 hex digits> t0=<ns> t1=<ns>
 *   @@bench <name> done
 *
 * t0 and t1 are the platform's monotonic clock (bench_clock_ns) just before
 * and just after run(N), so the host times a round by the workload's own
 * clock, not by when a marker reached it through a console ring or a pipe
 * on a busy host. A platform without a clock leaves them out and the host
 * times the markers' arrival instead. Rounds are numbered from 1. The output
 * is formatted here rather than with printf so both platforms print the same
 * bytes apart from the stamps.
 */
#include "bench.h"

#define DEFAULT_ROUNDS 5

struct line {
    char text[160];
    size_t length;
};

static void put_string(struct line *line, const char *s)
{
    while (*s != '\0' && line->length < sizeof(line->text)) {
        line->text[line->length++] = *s++;
    }
}

static void put_decimal(struct line *line, uint64_t value)
{
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    while (n > 0 && line->length < sizeof(line->text)) {
        line->text[line->length++] = digits[--n];
    }
}

static void put_hex64(struct line *line, uint64_t value)
{
    static const char hex[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0 && line->length < sizeof(line->text); shift -= 4) {
        line->text[line->length++] = hex[(value >> shift) & 0xf];
    }
}

static void start_marker(struct line *line)
{
    line->length = 0;
    put_string(line, "@@bench ");
    put_string(line, bench_name);
    put_string(line, " ");
}

static void emit(struct line *line)
{
    put_string(line, "\n");
    bench_write(line->text, line->length);
    bench_flush();
}

/* The value of "key=<decimal>" in cmdline, or fallback when absent or malformed. */
static unsigned option(const char *cmdline, const char *key, unsigned fallback)
{
    const char *p = cmdline;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        const char *k = key;
        const char *q = p;
        while (*k != '\0' && *q == *k) {
            q++;
            k++;
        }
        if (*k == '\0' && *q == '=' && q[1] >= '0' && q[1] <= '9') {
            uint64_t value = 0;
            for (q++; *q >= '0' && *q <= '9'; q++) {
                value = value * 10 + (uint64_t)(*q - '0');
                if (value > 0xffffffffu) {
                    return fallback;
                }
            }
            if ((*q == ' ' || *q == '\0') && value > 0) {
                return (unsigned)value;
            }
        }
        while (*p != ' ' && *p != '\0') {
            p++;
        }
    }
    return fallback;
}

int bench_main(const char *cmdline)
{
    unsigned rounds = option(cmdline, "rounds", DEFAULT_ROUNDS);
    unsigned iterations = option(cmdline, "iters", bench_default_iterations);
    struct line line;

    start_marker(&line);
    put_string(&line, "start rounds=");
    put_decimal(&line, rounds);
    put_string(&line, " iters=");
    put_decimal(&line, iterations);
    emit(&line);

    bench_setup();

    for (unsigned round = 1; round <= rounds; round++) {
        start_marker(&line);
        put_string(&line, "round ");
        put_decimal(&line, round);
        put_string(&line, " begin");
        emit(&line);

        uint64_t begin = bench_clock_ns();
        uint64_t checksum = run(iterations);
        uint64_t end = bench_clock_ns();

        start_marker(&line);
        put_string(&line, "round ");
        put_decimal(&line, round);
        put_string(&line, " end iters=");
        put_decimal(&line, iterations);
        put_string(&line, " checksum=");
        put_hex64(&line, checksum);
        if (begin != 0) {
            put_string(&line, " t0=");
            put_decimal(&line, begin);
            put_string(&line, " t1=");
            put_decimal(&line, end);
        }
        emit(&line);
    }

    start_marker(&line);
    put_string(&line, "done");
    emit(&line);
    return 0;
}
