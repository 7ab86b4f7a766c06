/*
 * TruffleXen guest SDK: compiler and memory barriers for rings shared with
 * a backend. x86 is TSO, so only mb() is strictly needed in hardware; rmb()
 * and wmb() still emit lfence/sfence so an emulating CPU sees an explicit
 * ordering point where the ring protocol needs one.
 */
#ifndef TRUFFLEXEN_SDK_BARRIER_H
#define TRUFFLEXEN_SDK_BARRIER_H

#define barrier() __asm__ __volatile__("" ::: "memory")
#define mb()      __asm__ __volatile__("mfence" ::: "memory")
#define rmb()     __asm__ __volatile__("lfence" ::: "memory")
#define wmb()     __asm__ __volatile__("sfence" ::: "memory")

/* One access, exactly as written, to memory another party may change. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* TRUFFLEXEN_SDK_BARRIER_H */
