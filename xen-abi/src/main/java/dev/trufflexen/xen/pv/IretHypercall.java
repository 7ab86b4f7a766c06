package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code iret}: the 64-bit PV guest's return from an exception or event, as Xen's
 * {@code do_iret}. The hypercall page's stub pushes RCX, R11 and RAX onto the frame the guest
 * built, so {@code struct iret_context} (rax, r11, rcx, flags, rip, cs, rflags, rsp, ss) sits at
 * RSP.
 * <ul>
 * <li>An unreadable frame crashes the domain, as does a return to user mode (CS RPL 3) while the
 * vCPU has no user page tables (MMUEXT_NEW_USER_BASEPTR). With them, a return to user mode
 * switches the vCPU to guest user mode first ({@link GuestMode}: user L4, user GS base).
 * <li>CS and SS get RPL 3; RFLAGS keeps only architectural bits, never IOPL or VM, and always
 * IF; the upcall mask becomes the frame's inverted IF.
 * <li>Without {@code VGCF_in_syscall} RCX and R11 come from the frame; with it the return is
 * SYSRET's, so RCX is the new RIP and R11 the new RFLAGS (R11 left alone when RIP is not
 * canonical, where Xen falls back to IRETQ).
 * <li>RAX is the frame's (the hypercall's result).
 * </ul>
 * Xen then returns with a real IRETQ, and a fault there arrives in the guest as if the restored
 * context had raised it: a CS other than a flat 64-bit code selector or an SS other than the
 * flat stack selector is #GP(selector) (#GP(0) for a null one), a non-canonical RIP #GP(0),
 * delivered through the guest's trap table. A return to the 32-bit code selector stops the
 * domain: compatibility mode is not implemented.
 */
public final class IretHypercall implements Hypercall {
    private static final long X86_EFLAGS_MBS = 2;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_iret;
    }

    @Override
    public long invoke(HypercallContext context) {
        X86Cpu cpu = context.cpu();
        Vcpu vcpu = context.vcpu();
        Domain domain = context.domain();
        long rsp = cpu.reg(X86Reg.RSP);
        GuestStruct frame;
        try {
            frame = context.copyIn(rsp, X86Pv.IRET_CONTEXT_LAYOUT);
        } catch (XenError e) {
            domain.crash(vcpu, String.format("iret: fault while reading the iret context from the guest stack at %#x", rsp), null);
            return cpu.reg(X86Reg.RAX);
        }
        long rax = frame.get(X86Pv.IRET_RAX);
        long cs = frame.get(X86Pv.IRET_CS);
        if ((cs & 3) == 3) {
            PvVcpu pv = PvEntry.pvVcpu(cpu);
            if (pv.userTableMfn() == 0) {
                domain.crash(vcpu, "iret: guest switching to user mode with no user page tables", null);
                return rax;
            }
            GuestMode.toggle(cpu, vcpu, pv);
        }
        long rip = frame.get(X86Pv.IRET_RIP);
        long rflags = frame.get(X86Pv.IRET_RFLAGS) & X86Rflags.DEFINED & ~(X86Rflags.IOPL | X86Rflags.VM)
                | X86Rflags.IF | X86_EFLAGS_MBS;
        int codeSelector = (int) (cs | 3) & 0xFFFF;
        int stackSelector = (int) (frame.get(X86Pv.IRET_SS) | 3) & 0xFFFF;
        cpu.setRip(rip);
        cpu.setSegment(X86Segment.CS, codeSelector);
        cpu.setRflags(rflags);
        cpu.setReg(X86Reg.RSP, frame.get(X86Pv.IRET_RSP));
        cpu.setSegment(X86Segment.SS, stackSelector);
        if ((frame.get(X86Pv.IRET_FLAGS) & X86Pv.VGCF_in_syscall) == 0) {
            cpu.setReg(X86Reg.R11, frame.get(X86Pv.IRET_R11));
            cpu.setReg(X86Reg.RCX, frame.get(X86Pv.IRET_RCX));
        } else {
            cpu.setReg(X86Reg.RCX, rip);
            if (PvVcpu.isCanonical(rip)) {
                cpu.setReg(X86Reg.R11, cpu.rflags());
            }
        }
        domain.frames().write8(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK,
                (byte) ((frame.get(X86Pv.IRET_RFLAGS) & X86Rflags.IF) == 0 ? 1 : 0));
        vcpu.setNmiMasked(false); // async_exception_cleanup: the NMI handler returned
        cpu.setReg(X86Reg.RAX, rax);
        returnFault(cpu, codeSelector, stackSelector, rip, domain, vcpu);
        return cpu.reg(X86Reg.RAX);
    }

    /** The fault Xen's IRETQ to the restored context raises, delivered to the guest; none for a good frame. */
    private static void returnFault(X86Cpu cpu, int codeSelector, int stackSelector, long rip, Domain domain, Vcpu vcpu) {
        long errorCode;
        if (codeSelector == X86Pv.FLAT_RING3_CS32) {
            domain.crash(vcpu, String.format("iret to the 32-bit code selector %#x: compatibility mode is not implemented",
                    codeSelector), null);
            return;
        } else if (codeSelector != X86Pv.FLAT_RING3_CS64) {
            errorCode = PvVcpu.selectorErrorCode(codeSelector);
        } else if (stackSelector != X86Pv.FLAT_RING3_SS64) {
            errorCode = PvVcpu.selectorErrorCode(stackSelector);
        } else if (!PvVcpu.isCanonical(rip)) {
            errorCode = 0;
        } else {
            return;
        }
        cpu.platform().fault(cpu, X86Fault.withErrorCode(X86Fault.GP, errorCode));
    }
}
