package dev.trufflexen.xen.builder;

import dev.trufflexen.x86.memory.MachineMemory;

/** Writes into a domain's pseudo-physical address space through its P2M, page by page. */
final class GuestPhysicalWriter {
    private final MachineMemory memory;
    private final long[] p2m;

    GuestPhysicalWriter(MachineMemory memory, long[] p2m) {
        this.memory = memory;
        this.p2m = p2m;
    }

    void write(long guestPhysical, byte[] data) {
        int done = 0;
        while (done < data.length) {
            long address = guestPhysical + done;
            int offset = (int) (address & (BootLayout.PAGE_SIZE - 1));
            int chunk = (int) Math.min(data.length - done, BootLayout.PAGE_SIZE - offset);
            memory.copyIn(machineAddress(address), data, done, chunk);
            done += chunk;
        }
    }

    void write64(long guestPhysical, long value) {
        memory.write64(machineAddress(guestPhysical), value);
    }

    void write32(long guestPhysical, int value) {
        memory.write32(machineAddress(guestPhysical), value);
    }

    private long machineAddress(long guestPhysical) {
        long pfn = guestPhysical >>> BootLayout.PAGE_SHIFT;
        if (pfn >= p2m.length) {
            throw new IllegalStateException("guest-physical address 0x" + Long.toHexString(guestPhysical)
                    + " beyond the domain's " + p2m.length + " pages");
        }
        return (p2m[(int) pfn] << BootLayout.PAGE_SHIFT) | (guestPhysical & (BootLayout.PAGE_SIZE - 1));
    }
}
