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
 * <p>The guest kernel is interrupted in kernel mode, so the frame goes on its current stack:
 * RSP rounded down to 16 bytes, then, from the lowest address, RCX, R11, the error code (32 bits,
 * zero-extended; only for vectors that have one and never for {@code int n}), RIP, CS, RFLAGS,
 * RSP, SS. The CS slot has its RPL cleared ("interrupted in kernel mode") and carries the 32 bits
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
    /** Not a vector: marks the event upcall in crash reports. */
    private static final int EVENT_UPCALL = -1;

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
        bounce(cpu, fault, vector, withErrorCode, code, false);
    }

    /** pv_inject_sw_interrupt: {@code int n} reached its gate; RIP is already past the instruction. */
    void softwareInterrupt(X86Cpu cpu, X86Fault fault, int vector) {
        bounce(cpu, fault, vector, false, 0, true);
    }

    private void bounce(X86Cpu cpu, X86Fault fault, int vector, boolean withErrorCode, long errorCode, boolean softwareInterrupt) {
        long handler = pv.trapAddress(vector);
        if (handler == 0) {
            crash(fault, vector, withErrorCode, errorCode, softwareInterrupt, "unhandled %s: no handler for vector " + vector
                    + " in the trap table");
            return;
        }
        deliver(cpu, fault, vector, withErrorCode, errorCode, softwareInterrupt, handler, pv.trapMasksEvents(vector));
    }

    /**
     * The event upcall (entry.S's process_guest_events): a bounce frame without error code to the
     * event callback, always with events masked (TBF_INTERRUPT).
     */
    void eventUpcall(X86Cpu cpu, long handler) {
        deliver(cpu, null, EVENT_UPCALL, false, 0, false, handler, true);
    }

    private void deliver(X86Cpu cpu, X86Fault fault, int vector, boolean withErrorCode, long errorCode, boolean softwareInterrupt,
            long handler, boolean masksEvents) {
        if (!vcpu.inKernelMode()) {
            crash(fault, vector, withErrorCode, errorCode, softwareInterrupt,
                    "cannot deliver %s from guest user mode: no kernel stack (stack_switch) support");
            return;
        }
        long rsp = cpu.reg(X86Reg.RSP);
        long top = rsp & ~0xFL;
        if (Long.compareUnsigned(top, X86Pv.HYPERVISOR_VIRT_START) > 0
                && Long.compareUnsigned(top, X86Pv.HYPERVISOR_VIRT_END + 8 * 8) < 0) {
            crash(fault, vector, withErrorCode, errorCode, softwareInterrupt,
                    "fault while delivering %s: guest stack pointer " + hex(rsp) + " is in the hypervisor's range");
            return;
        }
        long infoMfn = vcpu.vcpuInfoMfn();
        int infoOffset = vcpu.vcpuInfoOffset();
        long maskWord = 0;
        for (int i = 3; i >= 0; i--) {
            maskWord = maskWord << 8 | domain.frames().read8(infoMfn, infoOffset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK + i) & 0xFF;
        }
        int savedMask = (int) (maskWord & 0xFF);
        long flags = cpu.rflags() & ~(X86Rflags.IF | X86Rflags.IOPL);
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
        slot = put(slot, cpu.rip());
        slot = put(slot, maskWord << 32 | cpu.segment(X86Segment.CS) & 0xFFFC);
        slot = put(slot, flags);
        slot = put(slot, rsp);
        put(slot, cpu.segment(X86Segment.SS));
        long base = top - slots * 8L;
        if (!cpu.copyToGuest(base, frame, 0, slots * 8)) {
            crash(fault, vector, withErrorCode, errorCode, softwareInterrupt,
                    "fault while delivering %s: its frame at " + hex(base) + " (guest RSP " + hex(rsp) + ") is not writable");
            return;
        }
        if (masksEvents) {
            domain.frames().write8(infoMfn, infoOffset + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 1);
        }
        cpu.setRflags(cpu.rflags() & ~CLEARED_ON_ENTRY);
        cpu.setSegment(X86Segment.SS, X86Pv.FLAT_KERNEL_SS);
        cpu.setSegment(X86Segment.CS, X86Pv.FLAT_KERNEL_CS);
        cpu.setReg(X86Reg.RSP, base);
        cpu.setRip(handler);
    }

    /** Crashes the domain; {@code reason}'s %s becomes the event that was being delivered. */
    private void crash(X86Fault fault, int vector, boolean withErrorCode, long errorCode, boolean softwareInterrupt, String reason) {
        domain.crash(vcpu, String.format(reason, describe(fault, vector, withErrorCode, errorCode, softwareInterrupt)), fault);
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
    private static String describe(X86Fault fault, int vector, boolean withErrorCode, long errorCode, boolean softwareInterrupt) {
        if (softwareInterrupt) {
            return "int 0x" + Integer.toHexString(vector);
        }
        if (vector == EVENT_UPCALL) {
            return "the event upcall";
        }
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
