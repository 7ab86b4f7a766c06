package dev.trufflexen.x86.mmu;

import java.util.function.LongUnaryOperator;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

import dev.trufflexen.x86.cpu.X86Cpu;

/**
 * Split locks: a LOCK-prefixed read-modify-write whose operand crosses a page boundary, or
 * straddles two aligned 8-byte words, is not one host compare-and-swap. Hardware locks the bus
 * for it; here every such operation, of every CPU, runs under one host lock, so split-locked
 * operations are atomic against each other. (An aligned locked operation on a word that a
 * split lock overlaps is a single compare-and-swap and does not take the lock; guests do not
 * mix the two on the same bytes, and hardware makes split locks slow and rare.) Out of compiled
 * code: the common, unsplit path never reaches this class.
 */
public final class X86SplitLock {
    private static final Object LOCK = new Object();

    private X86SplitLock() {
    }

    /**
     * Reads the operand at {@code linearAddress}, writes {@code update(old)} back, and returns
     * the old value, all under the split lock. Faults (the CPU's checks already passed for both
     * pages, so only a page table changed meanwhile) are thrown before anything is written.
     */
    @TruffleBoundary(transferToInterpreterOnException = false)
    public static long update(X86Cpu cpu, long linearAddress, int size, LongUnaryOperator update) {
        synchronized (LOCK) {
            long old = X86GuestMemory.readForWrite(cpu, linearAddress, size);
            X86GuestMemory.write(cpu, linearAddress, size, update.applyAsLong(old));
            return old;
        }
    }

    /** Compare-and-swap of an operand straddling two 8-byte words of host memory, under the split lock. */
    @TruffleBoundary
    static boolean compareAndSwap(long host, int size, long expected, long value) {
        synchronized (LOCK) {
            if (X86GuestMemory.loadHost(host, size) != expected) {
                return false;
            }
            X86GuestMemory.storeHostBytes(host, size, value);
            return true;
        }
    }
}
