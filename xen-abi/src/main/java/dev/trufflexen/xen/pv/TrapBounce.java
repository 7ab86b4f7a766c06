package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * Delivers an exception or software interrupt to a 64-bit PV guest's handler, as Xen's
 * {@code pv_inject_event} followed by {@code create_bounce_frame} (entry.S) does.
 *
 * <p>An event in guest kernel mode puts the frame on the current stack; one in guest user mode
 * first switches to kernel mode ({@link GuestMode}) and uses the stack {@code stack_switch}
 * registered. The stack pointer is rounded down to 16 bytes, then, from the lowest address, come
 * RCX, R11, the error code (32 bits, zero-extended; only for vectors that have one and never for
 * {@code int n}), RIP, CS, RFLAGS, RSP, SS. The CS slot has its RPL cleared when the event came
 * from kernel mode ("interrupted in kernel mode"; from user mode it keeps RPL 3) and carries the 32 bits
 * of {@code vcpu_info} from the upcall mask on in bits 32-63; the RFLAGS slot has IF set exactly
 * when events were unmasked and IOPL clear. Then the upcall mask is set when the trap-info entry
 * asks for it, RFLAGS loses TF, NT, RF, VM and AC, CS:RSP become FLAT_KERNEL_CS and the frame, SS
 * FLAT_KERNEL_SS, and RIP the handler.
 *
 * <p>A #DB merges its status bits into the virtual DR6 ({@code x86_merge_dr6}). A #PF stores the
 * faulting address in {@code ctrlreg[2]} and {@code vcpu_info.arch.cr2} and reports the U bit of the
 * error code as the guest's mode (clear in kernel mode). As in Xen, the domain crashes when the
 * handler is null, when the aligned stack pointer lies in the hypervisor's range, or when any
 * slot of the frame cannot be written; the crash report names the event that was being delivered
 * and what stopped it.
 */
final class TrapBounce {
    private static final long CLEARED_ON_ENTRY = X86Rflags.TF | X86Rflags.NT | X86Rflags.RF | X86Rflags.VM | X86Rflags.AC;
    private static final int MAX_SLOTS = 8;

    private final Vcpu vcpu;
    private final Domain domain;
    private final PvVcpu pv;
    private final byte[] frame = new byte[MAX_SLOTS * 8];

    TrapBounce(Vcpu vcpu, PvVcpu pv) {
        this.vcpu = vcpu;
        this.domain = vcpu.domain();
        this.pv = pv;
    }

    /** pv_inject_hw_exception: vector under 32, with its error code when the vector has one. */
    void exception(X86Cpu cpu, X86Fault fault, int vector, long errorCode) {
        boolean withErrorCode = PvVcpu.hasErrorCode(vector);
        long code = errorCode;
        if (vector == X86Fault.PF) {
            domain.frames().write64(vcpu.vcpuInfoMfn(), vcpu.vcpuInfoOffset() + SharedInfo.VCPU_OFF_ARCH_CR2,
                    fault.faultAddress());
            pv.setCr2(fault.faultAddress());
            code &= ~X86Fault.PF_USER;
            if (!vcpu.inKernelMode()) {
                code |= X86Fault.PF_USER;
            }
        }
        if (vector == X86Fault.DB) {
            pv.debugRegisters().mergeDr6(fault.faultAddress());
        }
        deliver(cpu, fault, vector, pv.trapAddress(vector), pv.trapMasksEvents(vector), withErrorCode, code, cpu.rip(),
                cpu.segment(X86Segment.CS), cpu.rflags(), cpu.reg(X86Reg.RSP), cpu.segment(X86Segment.SS));
    }

    /**
     * The event upcall (entry.S's process_guest_events): a bounce frame without error code to the
     * event callback, always with events masked (TBF_INTERRUPT).
     */
    void eventUpcall(X86Cpu cpu, long handler) {
        deliver(cpu, null, EVENT_UPCALL, handler, true, false, 0, cpu.rip(), cpu.segment(X86Segment.CS), cpu.rflags(),
                cpu.reg(X86Reg.RSP), cpu.segment(X86Segment.SS));
    }

    /**
     * An NMI (entry.S's process_nmi): a bounce frame without error code to the NMI callback, the
     * trap-table entry of vector 2, masking events as that entry says.
     */
    void nmi(X86Cpu cpu) {
        deliver(cpu, null, NMI_VECTOR, pv.nmiCallback(), pv.trapMasksEvents(NMI_VECTOR), false, 0, cpu.rip(),
                cpu.segment(X86Segment.CS), cpu.rflags(), cpu.reg(X86Reg.RSP), cpu.segment(X86Segment.SS));
    }

    /** pv_inject_sw_interrupt: {@code int n} reached its gate; RIP is already past the instruction. */
    void softwareInterrupt(X86Cpu cpu, X86Fault fault, int vector) {
        deliver(cpu, fault, SOFTWARE_INTERRUPT | vector, pv.trapAddress(vector), pv.trapMasksEvents(vector), false, 0,
                cpu.rip(), cpu.segment(X86Segment.CS), cpu.rflags(), cpu.reg(X86Reg.RSP), cpu.segment(X86Segment.SS));
    }

    /**
     * A {@code syscall} or {@code sysenter} from guest user mode entering the guest kernel's
     * callback ({@code event} is {@link #SYSCALL} or {@link #SYSENTER}), with the frame's RIP,
     * CS, RFLAGS, RSP and SS as Xen's entry stub pushed them.
     */
    void callback(X86Cpu cpu, int event, long handler, boolean masksEvents, long rip, int cs, long rflags, long rsp, int ss) {
        deliver(cpu, null, event, handler, masksEvents, false, 0, rip, cs, rflags, rsp, ss);
    }

    /**
     * An exception raised by Xen's entry stub itself in place of a missing callback (#UD for
     * {@code syscall}, #GP(0) for {@code sysenter}), delivered through the trap table with the
     * stub's frame.
     */
    void stubException(X86Cpu cpu, int vector, long errorCode, long rip, int cs, long rflags, long rsp, int ss) {
        deliver(cpu, null, vector, pv.trapAddress(vector), pv.trapMasksEvents(vector), PvVcpu.hasErrorCode(vector), errorCode,
                rip, cs, rflags, rsp, ss);
    }

    /** Events that are not vectors, for {@link #callback} and crash reports. */
    static final int SOFTWARE_INTERRUPT = 0x100;
    static final int SYSCALL = 0x200;
    static final int SYSENTER = 0x201;
    static final int EVENT_UPCALL = 0x202;
    static final int NMI_VECTOR = 2;

    /**
     * create_bounce_frame. From guest user mode the vCPU first switches to kernel mode
     * ({@link GuestMode}) and the frame goes on the kernel stack {@code stack_switch} registered;
     * the CS slot then keeps its RPL 3, which tells the guest kernel where the event came from.
     */
    private void deliver(X86Cpu cpu, X86Fault fault, int event, long handler, boolean masksEvents, boolean withErrorCode,
            long errorCode, long rip, int cs, long sourceRflags, long rspSlot, int ssSlot) {
        if (handler == 0 && event != EVENT_UPCALL) {
            crash(fault, event, withErrorCode, errorCode, "unhandled %s: no handler " + ((event & ~0xFF) == SYSCALL
                    ? "registered" : "for vector " + (event & 0xFF) + " in the trap table"));
            return;
        }
        long stack;
        int csSlot;
        if (vcpu.inKernelMode()) {
            stack = rspSlot;
            csSlot = cs & 0xFFFC;
        } else {
            GuestMode.toggle(cpu, vcpu, pv);
            stack = pv.kernelSp();
            csSlot = cs;
        }
        long top = stack & ~0xFL;
        if (Long.compareUnsigned(top, X86Pv.HYPERVISOR_VIRT_START) > 0
                && Long.compareUnsigned(top, X86Pv.HYPERVISOR_VIRT_END + 8 * 8) < 0) {
            crash(fault, event, withErrorCode, errorCode,
                    "fault while delivering %s: guest stack pointer " + hex(stack) + " is in the hypervisor's range");
            return;
        }
        long infoMfn = vcpu.vcpuInfoMfn();
        int infoOffset = vcpu.vcpuInfoOffset();
        long maskWord = 0;
        for (int i = 3; i >= 0; i--) {
            maskWord = maskWord << 8 | domain.frames().read8(infoMfn, infoOffset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK + i) & 0xFF;
        }
        int savedMask = (int) (maskWord & 0xFF);
        long flags = sourceRflags & ~(X86Rflags.IF | X86Rflags.IOPL);
        if (savedMask == 0) {
            flags |= X86Rflags.IF;
        }
        int slots = withErrorCode ? 8 : 7;
        int slot = 0;
        slot = put(slot, cpu.reg(X86Reg.RCX));
        slot = put(slot, cpu.reg(X86Reg.R11));
        if (withErrorCode) {
            slot = put(slot, errorCode & 0xFFFF_FFFFL);
        }
        slot = put(slot, rip);
        slot = put(slot, maskWord << 32 | csSlot & 0xFFFF);
        slot = put(slot, flags);
        slot = put(slot, rspSlot);
        put(slot, ssSlot);
        long base = top - slots * 8L;
        if (!cpu.copyToGuest(base, frame, 0, slots * 8)) {
            crash(fault, event, withErrorCode, errorCode,
                    "fault while delivering %s: its frame at " + hex(base) + " (guest RSP " + hex(stack) + ") is not writable");
            return;
        }
        if (masksEvents) {
            domain.frames().write8(infoMfn, infoOffset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 1);
        }
        cpu.setRflags(sourceRflags & ~CLEARED_ON_ENTRY);
        cpu.setSegment(X86Segment.SS, X86Pv.FLAT_KERNEL_SS);
        cpu.setSegment(X86Segment.CS, X86Pv.FLAT_KERNEL_CS);
        cpu.setReg(X86Reg.RSP, base);
        cpu.setRip(handler);
    }

    /** Crashes the domain; {@code reason}'s %s becomes the event that was being delivered. */
    private void crash(X86Fault fault, int event, boolean withErrorCode, long errorCode, String reason) {
        domain.crash(vcpu, String.format(reason, describe(fault, event, withErrorCode, errorCode)), fault);
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private int put(int slot, long value) {
        for (int i = 0; i < 8; i++) {
            frame[slot * 8 + i] = (byte) (value >>> (8 * i));
        }
        return slot + 1;
    }

    /** The event being delivered, for a crash report: "#PF error 0x2 at 0x1000", "int 0x81". */
    private static String describe(X86Fault fault, int event, boolean withErrorCode, long errorCode) {
        if (event == SYSCALL) {
            return "syscall from guest user mode";
        } else if (event == SYSENTER) {
            return "sysenter";
        } else if (event == EVENT_UPCALL) {
            return "the event upcall";
        } else if ((event & SOFTWARE_INTERRUPT) != 0) {
            return "int 0x" + Integer.toHexString(event & 0xFF);
        }
        int vector = event;
        String name = X86Fault.of(vector).mnemonic();
        StringBuilder sb = new StringBuilder(name);
        if (withErrorCode) {
            sb.append(String.format(" error %#x", errorCode));
        }
        if (vector == X86Fault.PF) {
            sb.append(String.format(" at %#x", fault.faultAddress()));
        }
        return sb.toString();
    }
}
