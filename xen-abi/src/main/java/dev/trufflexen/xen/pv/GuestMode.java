package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.domain.Vcpu;

/**
 * The switch between guest kernel and guest user mode of a 64-bit PV vCPU, as Xen's
 * {@code toggle_guest_mode}: the GS base that was active is kept for its mode and the other
 * mode's base loaded (Xen's {@code swapgs} with {@code gs_base_kernel}/{@code gs_base_user}),
 * CR3 moves between the kernel's L4 ({@code guest_table}) and the user L4
 * ({@code guest_table_user}), and TF_kernel_mode flips. The kernel's CR3 is taken from the CPU
 * when user mode is entered: hypercalls, the only way to change it, run in kernel mode.
 *
 * <p>Callers decide when: the bounce of an event raised in user mode, and the iret hypercall
 * returning to a frame with CS RPL 3 (which checks first that a user L4 exists).
 */
final class GuestMode {
    private GuestMode() {
    }

    static void toggle(X86Cpu cpu, Vcpu vcpu, PvVcpu pv) {
        if (vcpu.inKernelMode()) {
            pv.setGsBaseKernel(cpu.gsBase());
            cpu.setGsBase(pv.gsBaseUser());
            pv.setKernelCr3(cpu.cr3());
            cpu.setCr3(pv.userTableMfn() << PAGE_SHIFT);
            vcpu.setKernelMode(false);
        } else {
            pv.setGsBaseUser(cpu.gsBase());
            cpu.setGsBase(pv.gsBaseKernel());
            cpu.setCr3(pv.kernelCr3());
            vcpu.setKernelMode(true);
        }
    }

    private static final int PAGE_SHIFT = 12;
}
