package dev.trufflexen.launcher.monitor;

import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86PageTable;

/**
 * The guest's address space as the monitor shows it: pseudo-physical reads through the P2M,
 * and its four-level page tables walked from CR3 into ranges of equal permissions
 * ({@code info mem}) or single pages ({@code info tlb}), as QEMU prints them.
 */
final class GuestMemoryView {

    /** One mapped page (or large page): virtual start, size, machine address and flags. */
    record Mapping(long virtual, long size, long machine, boolean writable, boolean user, boolean executable) {
        String permissions() {
            return (user ? "u" : "-") + "r" + (writable ? "w" : "-") + (executable ? "x" : "-");
        }
    }

    private GuestMemoryView() {
    }

    /** Reads pseudo-physical memory; false when a frame is outside the domain. */
    static boolean readPhysical(MachineMemory memory, long[] p2m, long address, byte[] into) {
        for (int done = 0; done < into.length;) {
            long pfn = (address + done) >>> 12;
            if (pfn < 0 || pfn >= p2m.length) {
                return false;
            }
            int offset = (int) ((address + done) & 0xFFF);
            int chunk = Math.min(into.length - done, 0x1000 - offset);
            long machine = (p2m[(int) pfn] << 12) + offset;
            for (int i = 0; i < chunk; i++) {
                into[done + i] = memory.read8(machine + i);
            }
            done += chunk;
        }
        return true;
    }

    /** Every present leaf mapping of the page tables at CR3, by virtual address, at most {@code limit}. */
    static List<Mapping> mappings(X86Cpu cpu, int limit) {
        List<Mapping> out = new ArrayList<>();
        walk(cpu.memory(), cpu.cr3() & X86PageTable.ADDRESS_MASK, 4, 0, true, true, true, out, limit);
        return out;
    }

    private static void walk(MachineMemory memory, long table, int level, long base, boolean writable, boolean user,
            boolean executable, List<Mapping> out, int limit) {
        int shift = 12 + 9 * (level - 1);
        for (int i = 0; i < 512 && out.size() < limit; i++) {
            long entry = memory.read64(table + 8L * i);
            if ((entry & X86PageTable.PRESENT) == 0) {
                continue;
            }
            long virtual = base | (long) i << shift;
            if (level == 4 && i >= 256) {
                virtual |= 0xFFFF_0000_0000_0000L;
            }
            boolean w = writable && (entry & X86PageTable.WRITABLE) != 0;
            boolean u = user && (entry & X86PageTable.USER) != 0;
            boolean x = executable && (entry & X86PageTable.NO_EXECUTE) == 0;
            if (level == 1 || (level <= 3 && (entry & X86PageTable.LARGE) != 0)) {
                out.add(new Mapping(virtual, 1L << shift, entry & X86PageTable.ADDRESS_MASK, w, u, x));
            } else if (level > 1) {
                walk(memory, entry & X86PageTable.ADDRESS_MASK, level - 1, virtual, w, u, x, out, limit);
            }
        }
    }

    /** Adjacent mappings with the same permissions and contiguous machine frames merged (info mem). */
    static List<Mapping> ranges(List<Mapping> pages) {
        List<Mapping> ranges = new ArrayList<>();
        Mapping current = null;
        for (Mapping m : pages) {
            if (current != null && current.virtual() + current.size() == m.virtual()
                    && current.permissions().equals(m.permissions())) {
                current = new Mapping(current.virtual(), current.size() + m.size(), current.machine(),
                        current.writable(), current.user(), current.executable());
            } else {
                if (current != null) {
                    ranges.add(current);
                }
                current = m;
            }
        }
        if (current != null) {
            ranges.add(current);
        }
        return ranges;
    }
}
