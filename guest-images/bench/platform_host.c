/*
 * The benchmark driver as a static Linux executable, the native baseline for
 * TruffleXen's guest: the arguments form the command line
 * ("rounds=10 iters=50"), output goes unbuffered to stdout and rounds are
 * timed with CLOCK_MONOTONIC.
 * This file alone uses libc; it is not part of the measured code.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

void bench_write(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t written = write(1, s, n);
        if (written <= 0) {
            _exit(74);
        }
        s += written;
        n -= (size_t)written;
    }
}

void bench_flush(void)
{
}

uint64_t bench_clock_ns(void)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        return 0;
    }
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int main(int argc, char **argv)
{
    char cmdline[1024] = "";
    size_t length = 0;
    for (int i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (length + n + 2 > sizeof(cmdline)) {
            fprintf(stderr, "%s: command line too long\n", argv[0]);
            return 64;
        }
        if (length > 0) {
            cmdline[length++] = ' ';
        }
        memcpy(cmdline + length, argv[i], n);
        length += n;
        cmdline[length] = '\0';
    }
    return bench_main(cmdline);
}
