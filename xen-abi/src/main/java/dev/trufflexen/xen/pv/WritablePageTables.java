package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.PageTables;

/**
 * Xen's writable page tables (VMASST_TYPE_writable_pagetables, {@code ptwr} in
 * pv/ro-page-fault.c): a guest kernel that has enabled the assist may store into its own L1
 * tables through their read-only mappings, and the store is emulated as an mmu_update of that
 * entry, validated the same way.
 *
 * <p>Taken only for a write #PF in guest kernel mode on a present page (no reserved-bit or fetch
 * fault) whose L1 entry is present and read-only and maps a validated L1 table of this domain.
 * The instruction must be a naturally aligned 4- or 8-byte {@code mov} (89, C7 /0),
 * {@code xchg} (87) or {@code cmpxchg} (0F B1) at the faulting address; a 4-byte store replaces
 * its half of the entry. Anything else, and any entry the rules refuse, is left to the guest as
 * the #PF it was.
 */
final class WritablePageTables {
    private static final int MAX_INSTRUCTION = 15;

    private WritablePageTables() {
    }

    /** True when the fault was a page-table write, emulated and retired. */
    static boolean tryEmulate(X86Cpu cpu, X86Fault fault, Vcpu vcpu, PvMmu mmu) {
        if (fault.vector() != X86Fault.PF || !vcpu.inKernelMode()
                || !mmu.vmAssist(VmAssist.VMASST_TYPE_writable_pagetables)) {
            return false;
        }
        long code = fault.errorCode();
        if ((code & (X86Fault.PF_RESERVED | X86Fault.PF_FETCH)) != 0
                || (code & (X86Fault.PF_WRITE | X86Fault.PF_PRESENT)) != (X86Fault.PF_WRITE | X86Fault.PF_PRESENT)) {
            return false;
        }
        long address = fault.faultAddress();
        PageTables tables = mmu.tables();
        FrameTable frames = mmu.frames();
        int self = vcpu.domain().id();
        synchronized (mmu.lock()) {
            long l1 = tables.l1TableOf(cpu.cr3() >>> MachineMemory.PAGE_SHIFT, address);
            if (l1 < 0) {
                return false;
            }
            long pte = tables.read(l1, (int) ((address >>> 12) & 511));
            if ((pte & (X86Pv._PAGE_PRESENT | X86Pv._PAGE_RW)) != X86Pv._PAGE_PRESENT) {
                return false;
            }
            long table = PageTables.mfnOf(pte);
            if (!frames.getPage(table, self)) {
                return false;
            }
            try {
                if (frames.type(table) != FrameTable.TYPE_L1 || frames.typeCount(table) == 0 || !frames.isValidated(table)) {
                    return false;
                }
                return emulate(cpu, mmu, table, address, self);
            } finally {
                frames.putPage(table);
            }
        }
    }

    private static boolean emulate(X86Cpu cpu, PvMmu mmu, long table, long address, int self) {
        byte[] insn = new byte[MAX_INSTRUCTION];
        long rip = cpu.rip();
        int available = MAX_INSTRUCTION;
        while (available > 0 && !cpu.copyFromGuest(rip, insn, 0, available)) {
            available--;
        }
        Decoded d = Decoded.decode(insn, available);
        if (d == null || (address & (d.size - 1)) != 0) {
            return false;
        }
        int index = (int) ((address & 0xFFF) >>> 3);
        int shift = (int) (address & 4) * 8;
        long mask = d.size == 8 ? -1L : 0xFFFF_FFFFL << shift;
        long old = mmu.tables().read(table, index);
        long oldPart = d.size == 8 ? old : (old >>> shift) & 0xFFFF_FFFFL;
        long value = d.immediate ? d.value : cpu.reg(d.reg);
        if (d.size == 4) {
            value &= 0xFFFF_FFFFL;
        }
        if (d.kind == Kind.CMPXCHG) {
            long expected = d.size == 8 ? cpu.reg(X86Reg.RAX) : cpu.reg(X86Reg.RAX) & 0xFFFF_FFFFL;
            cpu.setRflags(compareFlags(cpu.rflags(), expected, oldPart, d.size));
            if (expected != oldPart) {
                cpu.setReg(X86Reg.RAX, oldPart);
                cpu.setRip(rip + d.length);
                return true;
            }
        }
        long full = (old & ~mask) | ((value << shift) & mask);
        int rc = mmu.tables().modify(table, FrameTable.TYPE_L1, index, full, false, self, self);
        if (rc != 0) {
            return false;
        }
        if (d.kind == Kind.XCHG) {
            cpu.setReg(d.reg, oldPart);
        }
        cpu.setRip(rip + d.length);
        return true;
    }

    /** The flags of {@code cmp} of the accumulator with the memory operand (as CMPXCHG sets them). */
    private static long compareFlags(long rflags, long accumulator, long memory, int size) {
        int bits = size * 8;
        long signBit = 1L << (bits - 1);
        long sizeMask = bits == 64 ? -1L : (1L << bits) - 1;
        long result = (accumulator - memory) & sizeMask;
        long flags = rflags & ~(X86Rflags.CF | X86Rflags.PF | X86Rflags.AF | X86Rflags.ZF | X86Rflags.SF | X86Rflags.OF);
        if (Long.compareUnsigned(accumulator & sizeMask, memory & sizeMask) < 0) {
            flags |= X86Rflags.CF;
        }
        if ((Long.bitCount(result & 0xFF) & 1) == 0) {
            flags |= X86Rflags.PF;
        }
        if (((accumulator ^ memory ^ result) & 0x10) != 0) {
            flags |= X86Rflags.AF;
        }
        if (result == 0) {
            flags |= X86Rflags.ZF;
        }
        if ((result & signBit) != 0) {
            flags |= X86Rflags.SF;
        }
        if (((accumulator ^ memory) & (accumulator ^ result) & signBit) != 0) {
            flags |= X86Rflags.OF;
        }
        return flags;
    }

    enum Kind {
        MOV, XCHG, CMPXCHG
    }

    /** The one store instruction emulated: kind, operand size, source register or immediate, length. */
    record Decoded(Kind kind, int size, int reg, boolean immediate, long value, int length) {
        static Decoded decode(byte[] b, int available) {
            int i = 0;
            int rex = 0;
            while (i < available) {
                int p = b[i] & 0xFF;
                if (p == 0xF0 || p == 0x2E || p == 0x3E || p == 0x26 || p == 0x36 || p == 0x64 || p == 0x65) {
                    i++;
                } else {
                    break;
                }
            }
            if (i < available && (b[i] & 0xF0) == 0x40) {
                rex = b[i++] & 0xFF;
            }
            if (i >= available) {
                return null;
            }
            int size = (rex & 8) != 0 ? 8 : 4;
            int opcode = b[i++] & 0xFF;
            Kind kind;
            if (opcode == 0x89 || opcode == 0xC7) {
                kind = Kind.MOV;
            } else if (opcode == 0x87) {
                kind = Kind.XCHG;
            } else if (opcode == 0x0F && i < available && (b[i] & 0xFF) == 0xB1) {
                kind = Kind.CMPXCHG;
                i++;
            } else {
                return null;
            }
            if (i >= available) {
                return null;
            }
            int modrm = b[i++] & 0xFF;
            int mod = modrm >>> 6;
            int rm = modrm & 7;
            int reg = ((modrm >>> 3) & 7) | ((rex & 4) << 1);
            if (mod == 3 || (opcode == 0xC7 && (modrm >>> 3 & 7) != 0)) {
                return null;
            }
            if (rm == 4) {
                if (i >= available) {
                    return null;
                }
                int sib = b[i++] & 0xFF;
                if (mod == 0 && (sib & 7) == 5) {
                    i += 4;
                }
            } else if (mod == 0 && rm == 5) {
                i += 4;
            }
            i += mod == 1 ? 1 : mod == 2 ? 4 : 0;
            long value = 0;
            boolean immediate = opcode == 0xC7;
            if (immediate) {
                if (i + 4 > available) {
                    return null;
                }
                value = (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (long) b[i + 3] << 24;
                i += 4;
            }
            return i > available ? null : new Decoded(kind, size, reg, immediate, value, i);
        }
    }
}
