package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * The privileged instructions Xen emulates for a PV guest when they raise #GP(0) at CPL 3
 * ({@code pv_emulate_privileged_op} in emul-priv-op.c): today RDMSR and WRMSR of the three
 * segment-base MSRs.
 * <ul>
 * <li>{@code MSR_FS_BASE}: reads and writes the FS base.
 * <li>{@code MSR_GS_BASE}: the active (kernel) GS base.
 * <li>{@code MSR_SHADOW_GS_BASE}: the user GS base that the kernel's {@code swapgs} would load
 * ({@code gs_base_user}).
 * </ul>
 * A write of a non-canonical base is #GP(0), as is every other MSR and every other privileged
 * instruction; the caller delivers that #GP to the guest's handler.
 *
 * <p>One instruction here is not Xen's emulation: the CPU hands every IRET at CPL 3 to its
 * platform, but on hardware a same-privilege {@code iretq}/{@code iretd} never leaves the guest.
 * {@link SamePrivilegeIret} executes it as the hardware would, with its own faults.
 */
final class PrivilegedOps {
    static final int MSR_FS_BASE = 0xC000_0100;
    static final int MSR_GS_BASE = 0xC000_0101;
    static final int MSR_SHADOW_GS_BASE = 0xC000_0102;
    private static final int WRMSR = 0x130;
    private static final int RDMSR = 0x132;

    private PrivilegedOps() {
    }

    /**
     * Carries out the instruction at RIP that raised {@code gp} (a #GP(0)) and moves RIP past it:
     * returns null when done, else the fault to deliver to the guest ({@code gp} itself for an
     * instruction that stays #GP(0)).
     */
    static X86Fault execute(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, X86Fault gp) {
        byte[] one = new byte[1];
        X86Instruction insn = X86Decoder.decode(address -> cpu.copyFromGuest(address, one, 0, 1) ? one[0] & 0xFF
                : X86Mmu.fetchFaultCode(), cpu.rip());
        if (!insn.isValid()) {
            return gp;
        }
        if (insn.opcode() == SamePrivilegeIret.OPCODE) {
            return insn.operandSize() == 2 ? gp : SamePrivilegeIret.execute(cpu, vcpu, insn.operandSize());
        }
        int msr = (int) cpu.reg(X86Reg.RCX);
        boolean done = switch (insn.opcode()) {
            case RDMSR -> readMsr(cpu, pv, msr);
            case WRMSR -> writeMsr(cpu, pv, msr, (cpu.reg(X86Reg.RDX) << 32) | (cpu.reg(X86Reg.RAX) & 0xFFFF_FFFFL));
            default -> false;
        };
        if (!done) {
            return gp;
        }
        cpu.setRip(insn.nextRip());
        return null;
    }

    private static boolean readMsr(X86Cpu cpu, PvVcpu pv, int msr) {
        long value;
        switch (msr) {
            case MSR_FS_BASE -> value = cpu.fsBase();
            case MSR_GS_BASE -> value = cpu.gsBase();
            case MSR_SHADOW_GS_BASE -> value = pv.gsBaseUser();
            default -> {
                return false;
            }
        }
        cpu.setReg(X86Reg.RAX, value & 0xFFFF_FFFFL);
        cpu.setReg(X86Reg.RDX, value >>> 32);
        return true;
    }

    private static boolean writeMsr(X86Cpu cpu, PvVcpu pv, int msr, long value) {
        if (msr != MSR_FS_BASE && msr != MSR_GS_BASE && msr != MSR_SHADOW_GS_BASE || !PvVcpu.isCanonical(value)) {
            return false;
        }
        SegmentBases.write(cpu, pv, msr, value);
        return true;
    }
}
