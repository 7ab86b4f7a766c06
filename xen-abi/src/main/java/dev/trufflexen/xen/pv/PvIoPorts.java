package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * IN, OUT, INS, OUTS, CLI and STI at CPL 3, as Xen emulates them for a PV domU (emul-priv-op.c).
 *
 * <h2>Permission</h2>
 * {@code iopl_ok}: the guest kernel counts as ring 1 (ring 0 with the architectural_iopl
 * assist), user mode as ring 3, and the access is allowed when that ring is at most the virtual
 * IOPL set with {@code PHYSDEVOP_set_iopl}. Otherwise ({@code guest_io_okay}) an I/O bitmap set
 * with {@code PHYSDEVOP_set_iobitmap} that covers the ports grants them where its bits are clear;
 * two bytes are read from the guest's bitmap, and a bitmap the guest cannot read is #PF. Anything
 * else is #GP(0). CLI and STI with permission do nothing (Xen does not let them touch the event
 * mask); without it they are #GP(0).
 *
 * <h2>What a domain without devices sees</h2>
 * No port belongs to a domU, so {@code guest_io_read} and {@code guest_io_write} go byte by byte
 * through Xen's own emulations: the RTC index port 0x70 latches 7 bits per domain and reads them
 * back, a doubleword at 0xcf8 is PCI CONFIG_ADDRESS (latched, read back), everything else reads as
 * all ones and swallows writes (a domU has no PIT, no RTC data port, no PCI configuration space).
 *
 * <h2>String forms and breakpoints</h2>
 * INS writes ES:RDI, OUTS reads DS:RSI (or its segment override); with REP they repeat RCX times
 * (ECX with a 67 prefix), stepping by the operand size backwards when DF is set, and stop early
 * when the vCPU is asked to attend to something (RIP then stays on the instruction, as after
 * Xen's preemption). A pointer outside what a guest may name is #GP(0), an unwritable or
 * unreadable page #PF. An access that hits an I/O breakpoint (DR7 R/W 10 with CR4.DE) stops a
 * REP after one element and is reported as #DB after the instruction.
 */
final class PvIoPorts {
    static final int RTC_INDEX_PORT = 0x70;
    static final int PCI_CONFIG_ADDRESS = 0xCF8;

    private PvIoPorts() {
    }

    /** iopl_ok. */
    static boolean ioplAllows(PvVcpu pv, Vcpu vcpu) {
        int cpl = vcpu.inKernelMode() ? (vcpu.domain().vmAssist(VmAssist.VMASST_TYPE_architectural_iopl) ? 0 : 1) : 3;
        return cpl <= pv.iopl();
    }

    /**
     * guest_io_okay: null when the guest may access {@code bytes} ports at {@code port}, else the
     * fault to deliver (#GP(0), or #PF reading the bitmap).
     */
    static X86Fault permission(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, int port, int bytes) {
        if (ioplAllows(pv, vcpu)) {
            return null;
        }
        if (port + bytes <= pv.ioBitmapPorts()) {
            long address = pv.ioBitmap() + (port >>> 3);
            byte[] mask = new byte[2];
            if (!HypercallContext.accessOk(address) || !cpu.copyFromGuest(address, mask, 0, 2)) {
                long unreadable = cpu.copyFromGuest(address, mask, 0, 1) ? address + 1 : address;
                return X86Fault.pageFault(unreadable, 0);
            }
            int bits = (mask[0] & 0xFF) | (mask[1] & 0xFF) << 8;
            if ((bits & ((1 << bytes) - 1) << (port & 7)) == 0) {
                return null;
            }
        }
        return X86Fault.withErrorCode(X86Fault.GP, 0);
    }

    /** guest_io_read for a domU, byte by byte (a doubleword at 0xcf8 at once). */
    static int read(PvDomain domain, int port, int bytes) {
        if (port == PCI_CONFIG_ADDRESS && bytes == 4) {
            return domain.pciConfigAddress();
        }
        int value = 0;
        for (int i = 0; i < bytes; i++) {
            int b = (port + i & 0xFFFF) == RTC_INDEX_PORT ? domain.cmosIndex() & 0x7F : 0xFF;
            value |= b << (8 * i);
        }
        return value;
    }

    /** guest_io_write for a domU. */
    static void write(PvDomain domain, int port, int bytes, int value) {
        if (port == PCI_CONFIG_ADDRESS && bytes == 4) {
            domain.setPciConfigAddress(value);
            return;
        }
        for (int i = 0; i < bytes; i++) {
            if ((port + i & 0xFFFF) == RTC_INDEX_PORT) {
                domain.setCmosIndex(value >>> (8 * i) & 0x7F);
            }
        }
    }

    /**
     * Executes the I/O instruction {@code insn} (opcode 6C-6F, E4-E7, EC-EF): null when done (RIP
     * moved on, or left on a REP stopped early), else the fault to deliver. I/O breakpoint hits
     * go to {@code pv}'s pending debug status.
     */
    static X86Fault execute(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, X86Instruction insn) {
        int op = insn.opcode();
        int bytes = (op & 1) == 0 ? 1 : insn.operandSize() == 2 ? 2 : 4;
        int port = (op & 0xF0) == 0xE0 && (op & 8) == 0 ? (int) insn.immediate() & 0xFF : (int) cpu.reg(X86Reg.RDX) & 0xFFFF;
        X86Fault denied = permission(cpu, pv, vcpu, port, bytes);
        if (denied != null) {
            return denied;
        }
        PvDomain domain = vcpu.domain().part(PvDomain.PART);
        pv.addPendingDebug(pv.debugRegisters().ioBreakpointHits(port, bytes, pv.cr4()));
        if (op >= 0x6C && op <= 0x6F) {
            return string(cpu, pv, domain, insn, port, bytes, op <= 0x6D);
        }
        if ((op & 2) == 0) {
            int value = read(domain, port, bytes);
            switch (bytes) {
                case 1 -> cpu.setReg(X86Reg.RAX, cpu.reg(X86Reg.RAX) & ~0xFFL | value & 0xFFL);
                case 2 -> cpu.setReg(X86Reg.RAX, cpu.reg(X86Reg.RAX) & ~0xFFFFL | value & 0xFFFFL);
                default -> cpu.setReg(X86Reg.RAX, value & 0xFFFF_FFFFL);
            }
        } else {
            write(domain, port, bytes, (int) cpu.reg(X86Reg.RAX));
        }
        cpu.setRip(insn.nextRip());
        return null;
    }

    private static X86Fault string(X86Cpu cpu, PvVcpu pv, PvDomain domain, X86Instruction insn, int port, int bytes, boolean in) {
        boolean repeat = insn.hasPrefix(X86Instruction.PREFIX_REP) || insn.hasPrefix(X86Instruction.PREFIX_REPNE);
        long counterMask = insn.addressSize() == 4 ? 0xFFFF_FFFFL : -1L;
        int pointer = in ? X86Reg.RDI : X86Reg.RSI;
        long goal = repeat ? cpu.reg(X86Reg.RCX) & counterMask : 1;
        long base = in ? 0 : segmentBase(cpu, insn.segment());
        long step = (cpu.rflags() & X86Rflags.DF) != 0 ? -bytes : bytes;
        byte[] data = new byte[4];
        long done = 0;
        long offset = cpu.reg(pointer) & counterMask;
        while (done < goal) {
            long address = base + offset;
            if (insn.addressSize() == 4 && base == 0) {
                address &= 0xFFFF_FFFFL;
            }
            if (!HypercallContext.accessOk(address)) {
                return X86Fault.withErrorCode(X86Fault.GP, 0);
            }
            if (in) {
                int value = read(domain, port, bytes);
                for (int i = 0; i < bytes; i++) {
                    data[i] = (byte) (value >>> (8 * i));
                }
                if (!cpu.copyToGuest(address, data, 0, bytes)) {
                    return X86Fault.pageFault(firstBad(cpu, address, bytes, true), X86Fault.PF_WRITE);
                }
            } else {
                if (!cpu.copyFromGuest(address, data, 0, bytes)) {
                    return X86Fault.pageFault(firstBad(cpu, address, bytes, false), 0);
                }
                int value = 0;
                for (int i = 0; i < bytes; i++) {
                    value |= (data[i] & 0xFF) << (8 * i);
                }
                write(domain, port, bytes, value);
            }
            done++;
            offset = offset + step & counterMask;
            if (pv.pendingDebug() != 0 || cpu.attentionRequested()) {
                break;
            }
        }
        if (goal == 0) {
            cpu.setRip(insn.nextRip());
            return null;
        }
        cpu.setReg(pointer, cpu.reg(pointer) & ~counterMask | offset);
        if (repeat) {
            cpu.setReg(X86Reg.RCX, cpu.reg(X86Reg.RCX) & ~counterMask | (goal - done) & counterMask);
        }
        if (done == goal) {
            cpu.setRip(insn.nextRip());
        }
        return null;
    }

    private static long segmentBase(X86Cpu cpu, int segment) {
        return segment == X86Segment.FS ? cpu.fsBase() : segment == X86Segment.GS ? cpu.gsBase() : 0;
    }

    /** The first byte of an access that faults: where Xen's partial copy stopped. */
    private static long firstBad(X86Cpu cpu, long address, int bytes, boolean write) {
        for (int i = 0; i < bytes; i++) {
            if (cpu.translate(address + i, write) < 0) {
                return address + i;
            }
        }
        return address;
    }
}
