package dev.trufflexen.x86.runtime;

import java.util.List;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;

import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * A translated region in the code cache: its call target, the code pages it was built from
 * ({linear page, machine page, first offset, last offset}) and the assumption that its bytes are
 * unchanged.
 */
final class X86Region {
    final long entryRip;
    final long entryMachine;
    final CallTarget callTarget;
    final List<long[]> pages;
    final Assumption codeValid;

    X86Region(long entryRip, long entryMachine, CallTarget callTarget, List<long[]> pages, Assumption codeValid) {
        this.entryRip = entryRip;
        this.entryMachine = entryMachine;
        this.callTarget = callTarget;
        this.pages = pages;
        this.codeValid = codeValid;
    }

    boolean isValid() {
        return codeValid.isValid();
    }

    /** True while every linear code page still translates (for fetch) to the machine page it was built from. */
    boolean translationsUnchanged(X86Mmu mmu) {
        for (long[] page : pages) {
            long machine = mmu.translateFetch(page[0]);
            if (X86Mmu.isFault(machine) || (machine & X86Mmu.PAGE_MASK) != page[1]) {
                return false;
            }
        }
        return true;
    }

    boolean overlaps(long machineAddress, int length) {
        for (long[] page : pages) {
            long first = page[1] + page[2];
            long last = page[1] + page[3];
            if (machineAddress <= last && machineAddress + length - 1 >= first) {
                return true;
            }
        }
        return false;
    }
}
