package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.X86Pv;

/**
 * {@code syscall} from guest user mode and {@code sysenter}, sent straight to the guest kernel's
 * callbacks as Xen's entry stubs do ({@code lstar_enter}/{@code switch_to_kernel} and
 * {@code sysenter_entry} in x86_64/entry.S).
 * <ul>
 * <li>{@code syscall}: the frame holds RIP = RCX (the return address), CS = FLAT_KERNEL_CS64,
 * RFLAGS = R11, the user RSP and SS = FLAT_KERNEL_SS; the callback is entered with events masked
 * when it was registered with CALLBACKF_mask_events, and with DF clear (the PV ABI has no
 * SYSCALL_MASK). With no callback the stub raises #UD at the {@code syscall} instruction, delivered
 * through the trap table, and DF stays.
 * <li>{@code sysenter}: the frame holds RIP 0, CS 3, RFLAGS with IF set, RSP 0 and
 * SS = FLAT_USER_SS, as the stub pushes them (the hardware saved nothing). With no callback it is
 * #GP(0), with that same frame. Xen's stub does not look at the guest's mode, so a
 * {@code sysenter} in kernel mode builds its frame below RSP 0, which crashes the domain.
 * This is Intel's behaviour, where Xen sets up the SYSENTER MSRs for guests.
 * </ul>
 * A {@code syscall} in compatibility mode (the syscall32 callback) does not exist here: a
 * transfer to the 32-bit code selector stops the domain first.
 */
final class FastSystemCalls {
    private static final int SYSCALL_LENGTH = 2;
    private static final int SYSENTER_CS = 3;

    private FastSystemCalls() {
    }

    /** A {@code syscall} retired in guest user mode; RCX and R11 hold the return RIP and RFLAGS. */
    static void syscallFromUser(X86Cpu cpu, PvVcpu pv, TrapBounce bounce) {
        long handler = pv.callback(CallbackOp.CALLBACKTYPE_syscall);
        long rip = cpu.reg(X86Reg.RCX);
        long rflags = cpu.reg(X86Reg.R11);
        long rsp = cpu.reg(X86Reg.RSP);
        if (handler == 0) {
            bounce.stubException(cpu, X86Fault.UD, 0, rip - SYSCALL_LENGTH, X86Pv.FLAT_KERNEL_CS64, rflags, rsp,
                    X86Pv.FLAT_KERNEL_SS);
            return;
        }
        bounce.callback(cpu, TrapBounce.SYSCALL, handler, pv.callbackMasksEvents(CallbackOp.CALLBACKTYPE_syscall), rip,
                X86Pv.FLAT_KERNEL_CS64, rflags, rsp, X86Pv.FLAT_KERNEL_SS);
        cpu.setRflags(cpu.rflags() & ~X86Rflags.DF);
    }

    /** A {@code sysenter} at RIP (the CPU raised #GP(0) for it at CPL 3). */
    static void sysenter(X86Cpu cpu, PvVcpu pv, TrapBounce bounce) {
        long handler = pv.callback(CallbackOp.CALLBACKTYPE_sysenter);
        long rflags = cpu.rflags() & ~(X86Rflags.VM | X86Rflags.RF) | X86Rflags.IF;
        if (handler == 0) {
            bounce.stubException(cpu, X86Fault.GP, 0, 0, SYSENTER_CS, rflags, 0, X86Pv.FLAT_USER_SS);
            return;
        }
        bounce.callback(cpu, TrapBounce.SYSENTER, handler, pv.callbackMasksEvents(CallbackOp.CALLBACKTYPE_sysenter), 0,
                SYSENTER_CS, rflags, 0, X86Pv.FLAT_USER_SS);
    }
}
