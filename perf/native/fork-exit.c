/*
 * The host analogue of ForkExitBenchmark: a small static process forks a
 * child that writes one page it shares with the parent (a copy-on-write
 * fault), touches a fresh page and exits; the parent waits for it. Prints
 * the median of 11 runs of N fork+exit+wait, in nanoseconds per child.
 *
 *   gcc -O2 -static -o /tmp/fork-exit perf/native/fork-exit.c && /tmp/fork-exit 2000
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long shared_page[512] __attribute__((aligned(4096)));
static volatile unsigned long fresh_page[512] __attribute__((aligned(4096)));

static double now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000, failures = 0;
    double runs[11];

    shared_page[0] = 1;
    for (int r = 0; r < 11; r++) {
        double start = now_ns();
        for (long i = 0; i < n; i++) {
            pid_t pid = fork();
            int status;

            if (pid == 0) {
                shared_page[0] = 2;
                fresh_page[0] = 1;
                _exit(shared_page[0] == 2 ? 0 : 1);
            }
            if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0 || shared_page[0] != 1) {
                failures++;
            }
        }
        runs[r] = (now_ns() - start) / n;
    }
    qsort(runs, 11, sizeof(runs[0]), by_value);
    printf("fork+exit+wait: median %.0f ns over 11 runs of %ld (%ld failures)\n", runs[5], n, failures);
    return failures != 0;
}
