/*
 * The SMP guest's LOCK-prefixed workload. Every vCPU runs the same rounds
 * at once on shared words; when all are done, vCPU 0 checks that no update
 * was lost or torn:
 *
 *   - a spinlock (XCHG, implicitly locked) guarding a plain counter;
 *   - LOCK ADD, SUB, INC, DEC, XADD, ADC and SBB (carry set), and a LOCK
 *     CMPXCHG increment loop, CMPXCHG8B and CMPXCHG16B pair increments;
 *   - LOCK OR/AND, BTS/BTR, BTC, NOT and NEG, each vCPU on its own bit or
 *     16-bit lane of one shared word: a non-atomic update by a neighbour
 *     would write a stale copy of this vCPU's lane back;
 *   - split locks: LOCK INC on a 4-byte counter that straddles two 8-byte
 *     words, and one that straddles two pages.
 */
#include "smp.h"
#include <sdk/ktest.h>

static volatile int spin;
static volatile unsigned long guarded;
static unsigned long added, subtracted, incremented, decremented, carried, borrowed, swapped;
static unsigned int exchanged;
static unsigned long pair8 __attribute__((aligned(8)));
static unsigned long pair16[2] __attribute__((aligned(16)));
static unsigned long lanes;      /* OR/AND and BTS/BTR: bit id; BTC: bit 8 + id */
static unsigned long not_lanes;  /* NOT: 16-bit lane id, starts 0 */
static unsigned long neg_lanes;  /* NEG: 16-bit lane id, starts id + 1 */
static volatile unsigned long lane_losses;
static unsigned char straddle[16] __attribute__((aligned(16)));
static unsigned char page_pair[8192] __attribute__((aligned(4096)));

#define WORD_SPLIT ((unsigned int *)(straddle + 6))
#define PAGE_SPLIT ((unsigned int *)(page_pair + 4094))

static void lock(void)
{
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE)) {
        while (spin) {
            __asm__ __volatile__("pause");
        }
    }
}

static void unlock(void)
{
    __atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
}

static void cmpxchg8b_increment(void)
{
    unsigned long old = pair8, seen;
    for (;;) {
        unsigned int lo = (unsigned int)old, hi = (unsigned int)(old >> 32);
        unsigned int nlo = lo + 1, nhi = hi + 1;
        unsigned char ok;
        __asm__ __volatile__("lock; cmpxchg8b %1; sete %0"
                             : "=q"(ok), "+m"(pair8), "+a"(lo), "+d"(hi)
                             : "b"(nlo), "c"(nhi) : "memory", "cc");
        if (ok) {
            return;
        }
        seen = (unsigned long)hi << 32 | lo;
        old = seen;
    }
}

static void cmpxchg16b_increment(void)
{
    unsigned long lo = pair16[0], hi = pair16[1];
    for (;;) {
        unsigned char ok;
        __asm__ __volatile__("lock; cmpxchg16b %1; sete %0"
                             : "=q"(ok), "+m"(pair16), "+a"(lo), "+d"(hi)
                             : "b"(lo + 1), "c"(hi + 1) : "memory", "cc");
        if (ok) {
            return;
        }
    }
}

static void own_lanes(unsigned int id)
{
    unsigned long bit = 1UL << id;

    __asm__ __volatile__("lock; orq %1, %0" : "+m"(lanes) : "r"(bit) : "memory", "cc");
    if (!(__atomic_load_n(&lanes, __ATOMIC_RELAXED) & bit)) {
        __atomic_fetch_add(&lane_losses, 1, __ATOMIC_RELAXED);
    }
    __asm__ __volatile__("lock; andq %1, %0" : "+m"(lanes) : "r"(~bit) : "memory", "cc");
    __asm__ __volatile__("lock; btsq %1, %0" : "+m"(lanes) : "r"((unsigned long)id) : "memory", "cc");
    if (!(__atomic_load_n(&lanes, __ATOMIC_RELAXED) & bit)) {
        __atomic_fetch_add(&lane_losses, 1, __ATOMIC_RELAXED);
    }
    __asm__ __volatile__("lock; btrq %1, %0" : "+m"(lanes) : "r"((unsigned long)id) : "memory", "cc");
    __asm__ __volatile__("lock; btcq %1, %0" : "+m"(lanes) : "r"(8UL + id) : "memory", "cc");
    __asm__ __volatile__("lock; btcq %1, %0" : "+m"(lanes) : "r"(8UL + id) : "memory", "cc");
    unsigned short *not_lane = (unsigned short *)&not_lanes + id;
    unsigned short *neg_lane = (unsigned short *)&neg_lanes + id;
    __asm__ __volatile__("lock; notw %0" : "+m"(*not_lane) : : "memory");
    __asm__ __volatile__("lock; notw %0" : "+m"(*not_lane) : : "memory");
    __asm__ __volatile__("lock; negw %0" : "+m"(*neg_lane) : : "memory", "cc");
    __asm__ __volatile__("lock; negw %0" : "+m"(*neg_lane) : : "memory", "cc");
}

void smp_atomics_run(unsigned int id, unsigned long rounds)
{
    for (unsigned long i = 0; i < rounds; i++) {
        lock();
        guarded = guarded + 1;
        unlock();
        __asm__ __volatile__("lock; addq $3, %0" : "+m"(added) : : "memory", "cc");
        __asm__ __volatile__("lock; subq $2, %0" : "+m"(subtracted) : : "memory", "cc");
        __asm__ __volatile__("lock; incq %0" : "+m"(incremented) : : "memory", "cc");
        __asm__ __volatile__("lock; decq %0" : "+m"(decremented) : : "memory", "cc");
        unsigned int one = 1;
        __asm__ __volatile__("lock; xaddl %1, %0" : "+m"(exchanged), "+r"(one) : : "memory", "cc");
        __asm__ __volatile__("stc; lock; adcq $0, %0" : "+m"(carried) : : "memory", "cc");
        __asm__ __volatile__("stc; lock; sbbq $0, %0" : "+m"(borrowed) : : "memory", "cc");
        unsigned long seen = __atomic_load_n(&swapped, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&swapped, &seen, seen + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
        }
        cmpxchg8b_increment();
        cmpxchg16b_increment();
        own_lanes(id);
        __asm__ __volatile__("lock; incl %0" : "+m"(*WORD_SPLIT) : : "memory", "cc");
        __asm__ __volatile__("lock; incl %0" : "+m"(*PAGE_SPLIT) : : "memory", "cc");
    }
}

void smp_atomics_init(void)
{
    for (unsigned int id = 0; id < SMP_VCPUS; id++) {
        ((unsigned short *)&neg_lanes)[id] = (unsigned short)(id + 1);
    }
}

void smp_atomics_check(unsigned int vcpus, unsigned long rounds)
{
    unsigned long n = vcpus * rounds;
    unsigned long want_neg = 0;
    for (unsigned int id = 0; id < SMP_VCPUS; id++) {
        want_neg |= (unsigned long)(id + 1) << (16 * id);
    }
    kt_group("atomics");
    kt_eq(guarded, n, "spinlock (xchg) guards a plain counter", "XCHG with memory is locked");
    kt_eq(added, 3 * n, "lock add", "LOCK ADD is atomic");
    kt_eq(subtracted, -2 * n, "lock sub", "LOCK SUB is atomic");
    kt_eq(incremented, n, "lock inc", "LOCK INC is atomic");
    kt_eq(decremented, -n, "lock dec", "LOCK DEC is atomic");
    kt_eq(exchanged, (unsigned int)n, "lock xadd", "LOCK XADD is atomic");
    kt_eq(carried, n, "lock adc with CF=1", "LOCK ADC is atomic");
    kt_eq(borrowed, -n, "lock sbb with CF=1", "LOCK SBB is atomic");
    kt_eq(swapped, n, "lock cmpxchg increment loop", "LOCK CMPXCHG is atomic");
    kt_eq(pair8, n | n << 32, "lock cmpxchg8b pair increment", "LOCK CMPXCHG8B is atomic");
    kt_eq(pair16[0], n, "lock cmpxchg16b pair increment, low half", "LOCK CMPXCHG16B is atomic");
    kt_eq(pair16[1], n, "lock cmpxchg16b pair increment, high half", "LOCK CMPXCHG16B is atomic");
    kt_eq(lanes, 0, "lock or/and, bts/btr, btc on own bits of a shared word", "locked bit operations are atomic");
    kt_eq(lane_losses, 0, "own bit never lost to a neighbour's update", "locked bit operations are atomic");
    kt_eq(not_lanes, 0, "lock not twice on own 16-bit lane", "LOCK NOT is atomic");
    kt_eq(neg_lanes, want_neg, "lock neg twice on own 16-bit lane", "LOCK NEG is atomic");
    kt_eq(*WORD_SPLIT, (unsigned int)n, "lock inc straddling two 8-byte words", "a split lock is atomic");
    kt_eq(*PAGE_SPLIT, (unsigned int)n, "lock inc straddling two pages", "a split lock is atomic");
}
