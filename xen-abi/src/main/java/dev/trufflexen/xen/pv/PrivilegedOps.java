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
 * ({@code pv_emulate_privileged_op} in emul-priv-op.c: its {@code validate} list, then
 * {@code x86_emulate}).
 * <ul>
 * <li>Only in guest kernel mode (Xen's {@code mode_ring0}): RDMSR and WRMSR ({@link PvMsrs}),
 * {@code mov} from and to CR0/CR2/CR3/CR4 ({@link PvControlRegisters}) and DR0-DR7
 * ({@link PvDebugRegisters}: a refused write is #GP(0), DR4/DR5 with CR4.DE #UD), CLTS (clears
 * the virtual CR0.TS), WBINVD (ignored: a domU may not flush caches).
 * <li>In either mode, under the virtual IOPL and I/O bitmap: IN, OUT, INS, OUTS, CLI, STI
 * ({@link PvIoPorts}).
 * <li>Everything else that reaches here stays #GP(0), as in Xen: HLT, RDPMC (CR4.PCE is clear),
 * LGDT/LIDT/LMSW/INVLPG and the rest of 0F 01, segment loads, far transfers.
 * </ul>
 * An emulated instruction completes as Xen's does: RF cleared, and a #DB owed when TF was set at
 * its start (DR6.BS) or it touched a port an I/O breakpoint watches (DR6.Bn); {@code PvEntry}
 * delivers it.
 *
 * <p>One instruction here is not Xen's emulation: the CPU hands every IRET at CPL 3 to its
 * platform, but on hardware a same-privilege {@code iretq}/{@code iretd} never leaves the guest.
 * {@link SamePrivilegeIret} executes it as the hardware would, with its own faults.
 */
final class PrivilegedOps {
    static final int MSR_FS_BASE = 0xC000_0100;
    static final int MSR_GS_BASE = 0xC000_0101;
    static final int MSR_SHADOW_GS_BASE = 0xC000_0102;
    private static final int CLTS = 0x106;
    private static final int WBINVD = 0x109;
    private static final int MOV_FROM_CR = 0x120;
    private static final int MOV_FROM_DR = 0x121;
    private static final int MOV_TO_CR = 0x122;
    private static final int MOV_TO_DR = 0x123;
    private static final int WRMSR = 0x130;
    private static final int RDMSR = 0x132;
    private static final int CLI = 0xFA;
    private static final int STI = 0xFB;

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
        int op = insn.opcode();
        if (op == SamePrivilegeIret.OPCODE) {
            return insn.operandSize() == 2 ? gp : SamePrivilegeIret.execute(cpu, vcpu, insn.operandSize());
        }
        if (isIo(op)) {
            return PvIoPorts.execute(cpu, pv, vcpu, insn);
        }
        if (op == CLI || op == STI) {
            return PvIoPorts.ioplAllows(pv, vcpu) ? done(cpu, insn) : gp;
        }
        if (!vcpu.inKernelMode()) {
            return gp;
        }
        return switch (op) {
            case RDMSR -> readMsr(cpu, pv, vcpu, insn, gp);
            case WRMSR -> writeMsr(cpu, pv, vcpu, (int) cpu.reg(X86Reg.RCX),
                    cpu.reg(X86Reg.RDX) << 32 | cpu.reg(X86Reg.RAX) & 0xFFFF_FFFFL) ? done(cpu, insn) : gp;
            case CLTS -> {
                cpu.setTaskSwitched(false);
                yield done(cpu, insn);
            }
            case WBINVD -> done(cpu, insn);
            case MOV_FROM_CR -> {
                if (!PvControlRegisters.readable(insn.reg())) {
                    yield gp;
                }
                cpu.setReg(insn.rm(), PvControlRegisters.read(cpu, pv, vcpu.domain(), insn.reg()));
                yield done(cpu, insn);
            }
            case MOV_TO_CR -> PvControlRegisters.write(cpu, pv, vcpu, insn.reg(), cpu.reg(insn.rm())) ? done(cpu, insn) : gp;
            case MOV_FROM_DR -> {
                if (!pv.debugRegisters().readable(insn.reg(), pv.cr4())) {
                    yield X86Fault.of(X86Fault.UD);
                }
                cpu.setReg(insn.rm(), pv.debugRegisters().read(insn.reg()));
                yield done(cpu, insn);
            }
            case MOV_TO_DR -> {
                long rc = pv.debugRegisters().set(cpu, insn.reg(), cpu.reg(insn.rm()), pv.cr4());
                if (rc == -dev.trufflexen.xen.abi.XenErrno.ENODEV) {
                    yield X86Fault.of(X86Fault.UD);
                }
                yield rc == 0 ? done(cpu, insn) : gp;
            }
            default -> gp;
        };
    }

    private static boolean writeMsr(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, int msr, long value) {
        return msr == HypercallPageMsr.MSR_XEN_HYPERCALL_PAGE ? HypercallPageMsr.write(vcpu.domain(), value)
                : PvMsrs.write(cpu, pv, msr, value);
    }

    private static X86Fault readMsr(X86Cpu cpu, PvVcpu pv, Vcpu vcpu, X86Instruction insn, X86Fault gp) {
        int msr = (int) cpu.reg(X86Reg.RCX);
        if (!PvMsrs.readable(msr)) {
            return gp;
        }
        long value = PvMsrs.read(cpu, pv, vcpu, msr);
        cpu.setReg(X86Reg.RAX, value & 0xFFFF_FFFFL);
        cpu.setReg(X86Reg.RDX, value >>> 32);
        return done(cpu, insn);
    }

    private static X86Fault done(X86Cpu cpu, X86Instruction insn) {
        cpu.setRip(insn.nextRip());
        return null;
    }

    private static boolean isIo(int op) {
        return op >= 0x6C && op <= 0x6F || op >= 0xE4 && op <= 0xE7 || op >= 0xEC && op <= 0xEF;
    }
}
