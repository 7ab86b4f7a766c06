package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Descriptor;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * The segment and descriptor-table instructions a PV guest executes at CPL 3, which the
 * hardware carries out under Xen without Xen's help and the CPU leaves to its platform: segment
 * register loads ({@code mov sreg}, {@code pop fs/gs}), far transfers ({@code retf},
 * {@code jmp far}/{@code call far} through memory) and the table stores SGDT, SIDT, SLDT, STR.
 * Selectors are looked up in the vCPU's {@link DescriptorTables} and checked as the hardware
 * checks them at CPL 3 (SDM Vol. 2A, MOV, POP, RET, JMP, CALL):
 * <ul>
 * <li>DS, ES, FS, GS: a null selector loads (FS and GS bases become 0, as on Intel); otherwise a
 * selector beyond the table or naming anything but a data or readable code segment is
 * #GP(selector), as is a data or non-conforming code segment with DPL below CPL or RPL; a
 * not-present one is #NP(selector). FS and GS take the descriptor's 32-bit base.
 * <li>SS: null is #GP(0); RPL or DPL other than 3, or anything but writable data, #GP(selector);
 * not present #SS(selector). CS and selectors 6 and 7 are #UD.
 * <li>Far transfers: a null CS is #GP(0); anything but a code segment (Xen's call gates
 * included, whose DPL Xen forces to 0), a non-conforming one with DPL other than 3, a
 * conforming one with DPL above 3 or an RPL below 3, #GP(selector); not present #NP(selector);
 * a non-canonical target #GP(0). A 32-bit code segment stops the domain with a report:
 * compatibility mode is not implemented.
 * <li>SGDT stores Xen's per-vCPU GDT (limit 0xefff at GDT_VIRT_START(v)), SIDT Xen's IDT (limit
 * 0xfff, a hypervisor address), SLDT Xen's LDT selector or null, STR Xen's TSS selector 0xe040.
 * </ul>
 * Stack and memory operands fault as the hardware would ({@link GuestAccess}); nothing changes
 * before every check has passed.
 */
final class SegmentInstructions {
    private static final int MOV_SREG = 0x8E;
    private static final int POP_FS = 0x1A1;
    private static final int POP_GS = 0x1A9;
    private static final int RETF_IMM = 0xCA;
    private static final int RETF = 0xCB;
    private static final int GROUP5 = 0xFF;
    private static final int GROUP6 = 0x100;
    private static final int GROUP7 = 0x101;
    /** Xen's IDT as SIDT shows it: a hypervisor address (the directmap) with 256 16-byte gates. */
    static final long IDT_BASE = 0xFFFF_8300_0010_0000L;
    static final int IDT_LIMIT = 256 * 16 - 1;
    private static final int CPL = 3;

    private SegmentInstructions() {
    }

    /** Whether the instruction is one of those carried out here. */
    static boolean handles(X86Instruction insn) {
        if (!insn.isValid()) {
            return false;
        }
        int op = insn.opcode();
        int reg = insn.reg() & 7;
        return switch (op) {
            case MOV_SREG, POP_FS, POP_GS, RETF_IMM, RETF -> true;
            case GROUP5 -> (reg == 3 || reg == 5) && insn.hasMemory();
            case GROUP6 -> reg <= 1;
            case GROUP7 -> reg <= 1 && insn.hasMemory();
            default -> false;
        };
    }

    /** Executes it; null when done (or the domain stopped), else the fault to deliver at the instruction. */
    static X86Fault execute(X86Cpu cpu, Vcpu vcpu, PvVcpu pv, X86Instruction insn) {
        int reg = insn.reg() & 7;
        return switch (insn.opcode()) {
            case MOV_SREG -> movSreg(cpu, pv, insn, reg);
            case POP_FS -> popSreg(cpu, pv, insn, X86Segment.FS);
            case POP_GS -> popSreg(cpu, pv, insn, X86Segment.GS);
            case RETF_IMM, RETF -> farReturn(cpu, vcpu, pv, insn);
            case GROUP5 -> farJumpOrCall(cpu, vcpu, pv, insn, reg == 3);
            case GROUP6 -> storeSelector(cpu, insn, reg == 0 ? pv.descriptorTables().ldtSelector() : DescriptorTables.TSS_SELECTOR);
            default -> storeTableRegister(cpu, vcpu, insn, reg == 0);
        };
    }

    private static X86Fault movSreg(X86Cpu cpu, PvVcpu pv, X86Instruction insn, int seg) {
        if (seg == X86Segment.CS || seg > X86Segment.GS) {
            return X86Fault.of(X86Fault.UD);
        }
        int selector;
        if (insn.hasMemory()) {
            byte[] two = new byte[2];
            X86Fault fault = GuestAccess.read(cpu, InstructionOperands.address(cpu, insn), two, false);
            if (fault != null) {
                return fault;
            }
            selector = (int) GuestAccess.little(two, 0, 2);
        } else {
            selector = (int) cpu.reg(insn.rm()) & 0xFFFF;
        }
        X86Fault fault = loadDataSegment(cpu, pv, seg, selector);
        if (fault == null) {
            cpu.setRip(insn.nextRip());
        }
        return fault;
    }

    private static X86Fault popSreg(X86Cpu cpu, PvVcpu pv, X86Instruction insn, int seg) {
        int size = insn.operandSize() == 2 ? 2 : 8;
        byte[] slot = new byte[size];
        long rsp = cpu.reg(X86Reg.RSP);
        X86Fault fault = GuestAccess.read(cpu, rsp, slot, true);
        if (fault == null) {
            fault = loadDataSegment(cpu, pv, seg, (int) GuestAccess.little(slot, 0, 2));
        }
        if (fault == null) {
            cpu.setReg(X86Reg.RSP, rsp + size);
            cpu.setRip(insn.nextRip());
        }
        return fault;
    }

    /** Loads a data segment register (or SS) with the hardware's checks; null when loaded. */
    static X86Fault loadDataSegment(X86Cpu cpu, PvVcpu pv, int seg, int selector) {
        boolean isNull = (selector & 0xFFFC) == 0;
        int rpl = selector & 3;
        long errorSelector = PvVcpu.selectorErrorCode(selector);
        long descriptor = 0;
        if (seg == X86Segment.SS) {
            if (isNull) {
                return X86Fault.withErrorCode(X86Fault.GP, 0);
            }
            descriptor = pv.descriptorTables().descriptor(cpu, selector);
            if (descriptor == 0 || rpl != CPL || !X86Descriptor.isWritableData(descriptor) || X86Descriptor.dpl(descriptor) != CPL) {
                return X86Fault.withErrorCode(X86Fault.GP, errorSelector);
            }
            if (!X86Descriptor.isPresent(descriptor)) {
                return X86Fault.withErrorCode(X86Fault.SS, errorSelector);
            }
        } else if (!isNull) {
            descriptor = pv.descriptorTables().descriptor(cpu, selector);
            if (descriptor == 0 || !X86Descriptor.isReadable(descriptor)
                    || !X86Descriptor.isConformingCode(descriptor) && (rpl > X86Descriptor.dpl(descriptor) || CPL > X86Descriptor.dpl(descriptor))) {
                return X86Fault.withErrorCode(X86Fault.GP, errorSelector);
            }
            if (!X86Descriptor.isPresent(descriptor)) {
                return X86Fault.withErrorCode(X86Fault.NP, errorSelector);
            }
        }
        cpu.setSegment(seg, selector);
        long base = isNull ? 0 : X86Descriptor.base(descriptor);
        if (seg == X86Segment.FS) {
            cpu.setFsBase(base);
        } else if (seg == X86Segment.GS) {
            cpu.setGsBase(base);
        }
        return null;
    }

    private static X86Fault farReturn(X86Cpu cpu, Vcpu vcpu, PvVcpu pv, X86Instruction insn) {
        int size = insn.rexW() ? 8 : insn.operandSize() == 2 ? 2 : 4;
        byte[] frame = new byte[2 * size];
        long rsp = cpu.reg(X86Reg.RSP);
        X86Fault fault = GuestAccess.read(cpu, rsp, frame, true);
        if (fault != null) {
            return fault;
        }
        long rip = GuestAccess.little(frame, 0, size);
        int cs = (int) GuestAccess.little(frame, size, 2);
        long pop = insn.opcode() == RETF_IMM ? insn.immediate() & 0xFFFF : 0;
        return transfer(cpu, vcpu, pv, cs, rip, rsp + 2L * size + pop, true);
    }

    private static X86Fault farJumpOrCall(X86Cpu cpu, Vcpu vcpu, PvVcpu pv, X86Instruction insn, boolean call) {
        int size = insn.rexW() ? 8 : insn.operandSize() == 2 ? 2 : 4;
        byte[] pointer = new byte[size + 2];
        X86Fault fault = GuestAccess.read(cpu, InstructionOperands.address(cpu, insn), pointer, false);
        if (fault != null) {
            return fault;
        }
        long rip = GuestAccess.little(pointer, 0, size);
        int cs = (int) GuestAccess.little(pointer, size, 2);
        long rsp = cpu.reg(X86Reg.RSP);
        if (!call) {
            return transfer(cpu, vcpu, pv, cs, rip, rsp, false);
        }
        X86Fault check = checkCode(cpu, pv, cs, false);
        if (check == null && !PvVcpu.isCanonical(rip)) {
            check = X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        if (check != null) {
            return check;
        }
        byte[] pushed = new byte[2 * size];
        GuestAccess.putLittle(pushed, 0, size, insn.nextRip());
        GuestAccess.putLittle(pushed, size, size, cpu.segment(X86Segment.CS));
        long newRsp = rsp - 2L * size;
        fault = GuestAccess.write(cpu, newRsp, pushed, true);
        if (fault != null) {
            return fault;
        }
        return transfer(cpu, vcpu, pv, cs, rip, newRsp, false);
    }

    /** Checks CS, then moves to CS:RIP with the new RSP; a 32-bit code segment stops the domain. */
    private static X86Fault transfer(X86Cpu cpu, Vcpu vcpu, PvVcpu pv, int cs, long rip, long rsp, boolean isReturn) {
        X86Fault fault = checkCode(cpu, pv, cs, isReturn);
        if (fault != null) {
            return fault;
        }
        long descriptor = pv.descriptorTables().descriptor(cpu, cs);
        if ((descriptor & X86Descriptor.LONG_MODE) == 0) {
            vcpu.domain().crash(vcpu, String.format("far %s to the 32-bit code segment %#x:%#x: compatibility mode is not implemented",
                    isReturn ? "return" : "transfer", cs, rip), null);
            return null;
        }
        if (!PvVcpu.isCanonical(rip)) {
            return X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        cpu.setSegment(X86Segment.CS, cs);
        cpu.setReg(X86Reg.RSP, rsp);
        cpu.setRip(rip);
        return null;
    }

    private static X86Fault checkCode(X86Cpu cpu, PvVcpu pv, int cs, boolean isReturn) {
        if ((cs & 0xFFFC) == 0) {
            return X86Fault.withErrorCode(X86Fault.GP, 0);
        }
        long errorSelector = PvVcpu.selectorErrorCode(cs);
        long descriptor = pv.descriptorTables().descriptor(cpu, cs);
        int rpl = cs & 3;
        int dpl = X86Descriptor.dpl(descriptor);
        boolean conforming = X86Descriptor.isConformingCode(descriptor);
        boolean privilegeOk = isReturn ? rpl >= CPL && (conforming ? dpl <= rpl : dpl == rpl)
                : conforming ? dpl <= CPL : rpl <= CPL && dpl == CPL;
        if (descriptor == 0 || !X86Descriptor.isCode(descriptor) || !privilegeOk) {
            return X86Fault.withErrorCode(X86Fault.GP, errorSelector);
        }
        if (!X86Descriptor.isPresent(descriptor)) {
            return X86Fault.withErrorCode(X86Fault.NP, errorSelector);
        }
        return null;
    }

    private static X86Fault storeSelector(X86Cpu cpu, X86Instruction insn, int selector) {
        if (insn.hasMemory()) {
            byte[] two = new byte[2];
            GuestAccess.putLittle(two, 0, 2, selector);
            X86Fault fault = GuestAccess.write(cpu, InstructionOperands.address(cpu, insn), two, false);
            if (fault != null) {
                return fault;
            }
        } else if (insn.operandSize() == 2) {
            cpu.setReg(insn.rm(), cpu.reg(insn.rm()) & ~0xFFFFL | selector);
        } else {
            cpu.setReg(insn.rm(), selector);
        }
        cpu.setRip(insn.nextRip());
        return null;
    }

    private static X86Fault storeTableRegister(X86Cpu cpu, Vcpu vcpu, X86Instruction insn, boolean gdt) {
        byte[] pseudoDescriptor = new byte[10];
        GuestAccess.putLittle(pseudoDescriptor, 0, 2, gdt ? DescriptorTables.GDT_LIMIT : IDT_LIMIT);
        GuestAccess.putLittle(pseudoDescriptor, 2, 8, gdt ? DescriptorTables.gdtBase(vcpu.id()) : IDT_BASE);
        X86Fault fault = GuestAccess.write(cpu, InstructionOperands.address(cpu, insn), pseudoDescriptor, false);
        if (fault == null) {
            cpu.setRip(insn.nextRip());
        }
        return fault;
    }
}
