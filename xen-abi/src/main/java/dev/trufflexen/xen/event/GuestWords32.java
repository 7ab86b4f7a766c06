package dev.trufflexen.xen.event;

import dev.trufflexen.xen.mm.GuestFrames;

/**
 * Atomic operations on a 32-bit word of guest memory (a FIFO event word, the control block's
 * ready word), made with the 64-bit compare-and-swap of the aligned word that holds it, so they
 * are atomic against the guest's own LOCK-prefixed operations on the same word.
 */
final class GuestWords32 {
    private GuestWords32() {
    }

    static int read(GuestFrames frames, long mfn, int offset) {
        return frames.read32(mfn, offset);
    }

    static boolean testBit(GuestFrames frames, long mfn, int offset, int bit) {
        return (frames.read32(mfn, offset) & 1 << bit) != 0;
    }

    /** Sets {@code bit}; true when it was set before (test_and_set_bit). */
    static boolean testAndSetBit(GuestFrames frames, long mfn, int offset, int bit) {
        long mask = 1L << (bit + shift(offset));
        return frames.setBits64(mfn, aligned(offset), mask);
    }

    /** Clears {@code bit}; true when it was set before. */
    static boolean testAndClearBit(GuestFrames frames, long mfn, int offset, int bit) {
        long mask = 1L << (bit + shift(offset));
        return frames.clearBits64(mfn, aligned(offset), mask);
    }

    /**
     * Replaces the word if it still holds {@code expected}; returns the value it held (equal to
     * {@code expected} on success), as cmpxchg does. A change to the other half of the aligned
     * 64-bit word only makes it try again.
     */
    static int compareAndExchange(GuestFrames frames, long mfn, int offset, int expected, int value) {
        int at = aligned(offset);
        int shift = shift(offset);
        long half = 0xFFFF_FFFFL << shift;
        while (true) {
            long whole = frames.read64(mfn, at);
            int current = (int) (whole >>> shift);
            if (current != expected) {
                return current;
            }
            long replaced = (whole & ~half) | ((value & 0xFFFF_FFFFL) << shift);
            if (frames.compareAndSwap64(mfn, at, whole, replaced)) {
                return expected;
            }
        }
    }

    private static int aligned(int offset) {
        return offset & ~7;
    }

    private static int shift(int offset) {
        return (offset & 4) * 8;
    }
}
