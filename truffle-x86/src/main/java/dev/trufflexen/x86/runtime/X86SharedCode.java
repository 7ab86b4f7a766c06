package dev.trufflexen.x86.runtime;

import java.util.Arrays;
import java.util.List;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * Translated code identified by what it was translated from: the entry RIP, the linear code pages
 * and the bytes read on each. Every address space that maps the same bytes at the same linear
 * addresses (each domain running one kernel) runs the same call target, so the code is translated
 * and compiled once per host. Its {@link #codeValid} assumption is baked into the compiled code;
 * a guest write never invalidates it, because the writer's copy stops using shared code first
 * (see {@link X86CodeCache}).
 */
final class X86SharedCode {
    final long entryRip;
    /** Per code page: {linear page, first offset, last offset}, in the order the builder read them. */
    private final long[][] ranges;
    /** The bytes of every range, one after another. */
    private final byte[] bytes;
    final CallTarget callTarget;
    final Assumption codeValid;
    /** Instances (one per machine copy of the bytes) using this code now; guarded by the cache. */
    int users;
    /** When this code was last used, in the cache's lookups: the oldest unused code goes first. */
    long lastUse;

    private X86SharedCode(long entryRip, long[][] ranges, byte[] bytes, CallTarget callTarget, Assumption codeValid) {
        this.entryRip = entryRip;
        this.ranges = ranges;
        this.bytes = bytes;
        this.callTarget = callTarget;
        this.codeValid = codeValid;
    }

    /** Shared code for a region just built from {@code pages} ({linear page, machine page, first, last}). */
    static X86SharedCode of(MachineMemory memory, long entryRip, List<long[]> pages, CallTarget callTarget, Assumption codeValid) {
        long[][] ranges = new long[pages.size()][];
        int total = 0;
        for (int i = 0; i < ranges.length; i++) {
            long[] page = pages.get(i);
            ranges[i] = new long[] {page[0], page[2], page[3]};
            total += (int) (page[3] - page[2] + 1);
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (long[] page : pages) {
            int length = (int) (page[3] - page[2] + 1);
            memory.copyOut(page[1] + page[2], bytes, at, length);
            at += length;
        }
        return new X86SharedCode(entryRip, ranges, bytes, callTarget, codeValid);
    }

    /** Bytes this code was translated from. */
    int byteCount() {
        return bytes.length;
    }

    /**
     * The pages ({linear page, machine page, first, last}) of this code in the address space of
     * {@code mmu} when every one is fetchable there and holds the same bytes; null otherwise.
     */
    List<long[]> matchIn(X86Mmu mmu, MachineMemory memory, byte[] scratch) {
        long[][] pages = new long[ranges.length][];
        int at = 0;
        for (int i = 0; i < ranges.length; i++) {
            long[] range = ranges[i];
            long machine = mmu.translateFetch(range[0]);
            if (X86Mmu.isFault(machine)) {
                return null;
            }
            long machinePage = machine & X86Mmu.PAGE_MASK;
            int length = (int) (range[2] - range[1] + 1);
            memory.copyOut(machinePage + range[1], scratch, 0, length);
            if (!Arrays.equals(scratch, 0, length, bytes, at, at + length)) {
                return null;
            }
            at += length;
            pages[i] = new long[] {range[0], machinePage, range[1], range[2]};
        }
        return List.of(pages);
    }
}
