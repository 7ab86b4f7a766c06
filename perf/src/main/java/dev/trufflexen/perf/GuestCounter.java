package dev.trufflexen.perf;

import java.nio.file.Path;

import dev.trufflexen.launcher.debug.ElfSymbols;
import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86PageTable;

/**
 * A 64-bit counter in a running guest's kernel, named by its ELF symbol, read by the host without
 * disturbing the guest: the guest's four-level page tables are walked from its CR3 in machine
 * memory (read-only, no TLB of the vCPU's touched), so the vCPU may be running meanwhile.
 */
final class GuestCounter {
    private final long linear;

    private GuestCounter(long linear) {
        this.linear = linear;
    }

    static GuestCounter named(Path kernel, String symbol) {
        return new GuestCounter(ElfSymbols.read(kernel).named(symbol)
                .orElseThrow(() -> new IllegalStateException(kernel + " has no symbol " + symbol)).address());
    }

    /** The counter's value now in {@code cpu}'s address space; -1 while it is not mapped there. */
    long read(X86Cpu cpu) {
        MachineMemory memory = cpu.memory();
        long table = cpu.cr3() & X86PageTable.ADDRESS_MASK;
        for (int level = 4; level >= 1; level--) {
            int index = (int) (linear >>> (12 + 9 * (level - 1))) & 0x1FF;
            long entry = memory.read64(table + index * 8L);
            if ((entry & X86PageTable.PRESENT) == 0) {
                return -1;
            }
            if (level > 1 && level < 4 && (entry & X86PageTable.LARGE) != 0) {
                long pageMask = (1L << (12 + 9 * (level - 1))) - 1;
                return memory.read64((entry & X86PageTable.ADDRESS_MASK & ~pageMask) + (linear & pageMask));
            }
            table = entry & X86PageTable.ADDRESS_MASK;
        }
        return memory.read64(table + (linear & 0xFFF));
    }
}
