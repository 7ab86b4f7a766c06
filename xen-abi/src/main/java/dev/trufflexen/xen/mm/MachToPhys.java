package dev.trufflexen.xen.mm;

import static dev.trufflexen.xen.abi.X86Pv._PAGE_ACCESSED;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_DIRTY;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PRESENT;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_USER;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.X86Pv;

/**
 * The machine-to-physical table (M2P): for every machine frame, the pseudo-physical frame number
 * its owning domain knows it by, or {@link #INVALID_M2P_ENTRY}.
 *
 * <p>As in Xen, the table lives in hypervisor-owned machine frames and is mapped read-only into
 * every 64-bit PV address space at {@link X86Pv#MACH2PHYS_VIRT_START} (L4 slot 256). One set of
 * L3/L2/L1 tables maps it for everyone; a domain's top-level table only needs
 * {@link #l4Entry()} in slot 256.
 */
public final class MachToPhys {
    public static final long INVALID_M2P_ENTRY = ~0L;
    private static final int ENTRIES_PER_TABLE = 512;
    private static final long READ_ONLY_TABLE = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
    private static final long READ_ONLY_LEAF = READ_ONLY_TABLE | _PAGE_DIRTY;

    private final MachineMemory memory;
    private final long[] tableFrames;
    private final long l3Frame;

    public MachToPhys(FramePool pool) {
        this.memory = pool.memory();
        long entries = pool.totalFrames();
        int frames = Math.toIntExact((entries * 8 + MachineMemory.PAGE_SIZE - 1) / MachineMemory.PAGE_SIZE);
        if (frames > ENTRIES_PER_TABLE * ENTRIES_PER_TABLE) {
            throw new IllegalArgumentException("machine memory too large for one M2P L3 table");
        }
        tableFrames = pool.allocate(FramePool.OWNER_XEN, frames);
        for (long frame : tableFrames) {
            memory.fill(frame << MachineMemory.PAGE_SHIFT, MachineMemory.PAGE_SIZE, (byte) 0xFF);
        }
        l3Frame = buildReadOnlyMapping(pool);
    }

    /** Builds L1s over the table frames, L2s over the L1s, and the one L3; returns the L3. */
    private long buildReadOnlyMapping(FramePool pool) {
        long l3 = pool.allocate(FramePool.OWNER_XEN);
        int l1Count = (tableFrames.length + ENTRIES_PER_TABLE - 1) / ENTRIES_PER_TABLE;
        long l2 = -1;
        for (int l1Index = 0; l1Index < l1Count; l1Index++) {
            if (l1Index % ENTRIES_PER_TABLE == 0) {
                l2 = pool.allocate(FramePool.OWNER_XEN);
                writeEntry(l3, l1Index / ENTRIES_PER_TABLE, l2, READ_ONLY_TABLE);
            }
            long l1 = pool.allocate(FramePool.OWNER_XEN);
            writeEntry(l2, l1Index % ENTRIES_PER_TABLE, l1, READ_ONLY_TABLE);
            for (int slot = 0; slot < ENTRIES_PER_TABLE; slot++) {
                int frameIndex = l1Index * ENTRIES_PER_TABLE + slot;
                if (frameIndex >= tableFrames.length) {
                    break;
                }
                writeEntry(l1, slot, tableFrames[frameIndex], READ_ONLY_LEAF);
            }
        }
        return l3;
    }

    private void writeEntry(long tableMfn, int index, long targetMfn, long flags) {
        memory.write64((tableMfn << MachineMemory.PAGE_SHIFT) + index * 8L,
                (targetMfn << MachineMemory.PAGE_SHIFT) | flags);
    }

    /** The entry a 64-bit PV top-level table holds in slot 256 to see the M2P read-only. */
    public long l4Entry() {
        return (l3Frame << MachineMemory.PAGE_SHIFT) | READ_ONLY_TABLE;
    }

    /**
     * The machine frame holding the first 4 KiB of 2 MiB chunk {@code chunk} of the table, as
     * XENMEM_machphys_mfn_list reports it, or -1 past the table's end.
     */
    public long chunkFrame(long chunk) {
        long index = chunk * ENTRIES_PER_TABLE;
        return index < tableFrames.length ? tableFrames[(int) index] : -1;
    }

    public void set(long mfn, long pfn) {
        memory.write64(entryAddress(mfn), pfn);
    }

    public long get(long mfn) {
        return memory.read64(entryAddress(mfn));
    }

    public void invalidate(long mfn) {
        set(mfn, INVALID_M2P_ENTRY);
    }

    private long entryAddress(long mfn) {
        long byteOffset = mfn * 8;
        long frame = tableFrames[(int) (byteOffset >>> MachineMemory.PAGE_SHIFT)];
        return (frame << MachineMemory.PAGE_SHIFT) | (byteOffset & (MachineMemory.PAGE_SIZE - 1));
    }
}
