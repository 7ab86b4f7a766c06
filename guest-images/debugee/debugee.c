/*
 * debugee: a small target for the monitor and the GDB stub.
 *
 * Calls a few named functions with known arguments and prints what they
 * returned, so a debugger that stops at them, changes a register or a
 * variable and continues shows its effect in the console output:
 * checkpoint(41) returns 124 unless its argument was changed, poke_target
 * prints 7 unless it was written, watched_counter is written once by
 * checkpoint(). spin() is a hot loop timed with RDTSC (its round count comes
 * from the command line, spin=N); page_neighbour() shares its page and is
 * never called, so a breakpoint there tests what an armed breakpoint costs
 * the rest of its page. With bench=N the guest only runs N rounds of spin()
 * (in calls of 64) in batches forever, each ended by SCHEDOP_yield with N as
 * its argument (the batch protocol of the perf/ benchmarks).
 */
#include <sdk/kernel.h>

volatile uint64_t watched_counter;
volatile uint64_t poke_target = 7;

__attribute__((noipa)) uint64_t checkpoint(uint64_t value)
{
    watched_counter++;
    return value * 3 + 1;
}

__attribute__((noipa)) uint64_t spin(uint64_t rounds)
{
    uint64_t sum = 0;

    for (uint64_t i = 0; i < rounds; i++) {
        sum += i ^ (sum >> 3);
    }
    return sum;
}

__attribute__((noipa)) uint64_t page_neighbour(uint64_t value)
{
    return value * 7 + watched_counter;
}

static inline uint64_t read_tsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

void kernel_main(start_info_t *si)
{
    unsigned long rounds = sdk_cmdline_ulong((const char *)si->cmd_line, "spin", 1000);
    unsigned long repeats = sdk_cmdline_ulong((const char *)si->cmd_line, "repeats", 1);
    unsigned long bench = sdk_cmdline_ulong((const char *)si->cmd_line, "bench", 0);

    while (bench != 0) {
        for (unsigned long done = 0; done < bench; done += 64) {
            poke_target += spin(64);
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, (void *)bench);
    }

    printf("debugee: start\n");
    printf("checkpoint returned %lu\n", checkpoint(41));
    printf("poke_target = %lu\n", poke_target);
    for (unsigned long r = 0; r < repeats; r++) {
        uint64_t start = read_tsc();
        uint64_t sum = spin(rounds);
        uint64_t end = read_tsc();

        printf("spin %lu rounds: sum %lu in %lu ns\n", rounds, sum, end - start);
    }
    printf("watched_counter = %lu\n", watched_counter);
    if (poke_target == 0) {
        printf("never: %lu\n", page_neighbour(1));
    }
    printf("debugee: done\n");
}
