package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.mmu.X86Mmu;

/**
 * Guest memory accesses made on behalf of an instruction the hardware would have executed
 * itself, with the hardware's faults: a non-canonical address is #SS(0) for a stack access and
 * #GP(0) otherwise, a page that does not allow the access is #PF with the walk's error code.
 * Nothing is read or written unless the whole access can complete.
 */
final class GuestAccess {
    private GuestAccess() {
    }

    /** Reads {@code into.length} bytes at {@code address}; null when done, else the fault. */
    static X86Fault read(X86Cpu cpu, long address, byte[] into, boolean stack) {
        X86Fault fault = check(cpu, address, into.length, X86Mmu.ACCESS_READ, stack);
        if (fault == null && !cpu.copyFromGuest(address, into, 0, into.length)) {
            return X86Fault.pageFault(address, (int) (X86Fault.PF_USER | X86Fault.PF_PRESENT));
        }
        return fault;
    }

    /** Writes {@code from} at {@code address}; null when done, else the fault. */
    static X86Fault write(X86Cpu cpu, long address, byte[] from, boolean stack) {
        X86Fault fault = check(cpu, address, from.length, X86Mmu.ACCESS_WRITE, stack);
        if (fault == null && !cpu.copyToGuest(address, from, 0, from.length)) {
            return X86Fault.pageFault(address, (int) (X86Fault.PF_USER | X86Fault.PF_PRESENT | X86Fault.PF_WRITE));
        }
        return fault;
    }

    private static X86Fault check(X86Cpu cpu, long address, int length, int access, boolean stack) {
        long last = address + length - 1;
        if (!PvVcpu.isCanonical(address) || !PvVcpu.isCanonical(last)) {
            return X86Fault.withErrorCode(stack ? X86Fault.SS : X86Fault.GP, 0);
        }
        for (long page = address; ; page = (page & X86Mmu.PAGE_MASK) + 0x1000) {
            long walk = cpu.mmu().walk(page, access, false);
            if (X86Mmu.isFault(walk)) {
                return X86Mmu.faultFor(walk, page);
            }
            if ((page & X86Mmu.PAGE_MASK) == (last & X86Mmu.PAGE_MASK)) {
                return null;
            }
        }
    }

    static long little(byte[] bytes, int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | bytes[offset + i] & 0xFF;
        }
        return value;
    }

    static void putLittle(byte[] bytes, int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
