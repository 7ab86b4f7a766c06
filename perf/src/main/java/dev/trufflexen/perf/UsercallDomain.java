package dev.trufflexen.perf;

import dev.trufflexen.xen.pv.PvEntry;

/**
 * The usercall guest (guest-images/usercall) in a real domain on its own Xen core: Linux's
 * getpid path under Xen. Its user program's {@code syscall} leaves user mode through
 * {@code PvEntry} (GS and page-table switch to the kernel, Xen's bounce frame on the kernel
 * stack), the guest kernel's callback answers, and the iret hypercall with VGCF_in_syscall
 * switches back to user mode.
 *
 * <p>The guest runs a batch of getpid calls in user mode, then SCHEDOP_yield in kernel mode with
 * how many returned its pid, forever ({@link BatchGuestDomain}). Its user mode runs on its
 * kernel's L4: it asks for that with MMUEXT_NEW_USER_BASEPTR, and until mmuext_op implements it
 * this class sets the same guest_table_user before the first run.
 */
public final class UsercallDomain implements AutoCloseable {
    private static final int PAGE_SHIFT = 12;

    private final BatchGuestDomain guest;

    /** Builds the domain; its first {@link #runBatch} boots it. */
    public UsercallDomain(int syscallsPerBatch) {
        this.guest = new BatchGuestDomain("usercall", "syscalls=" + syscallsPerBatch);
        PvEntry entry = guest.xen().pvEntry(guest.domain());
        entry.pvVcpu().setUserTableMfn(entry.vcpu().cpu().cr3() >>> PAGE_SHIFT);
    }

    /**
     * Runs the guest until its next yield and returns how many system calls of the batch
     * returned the guest kernel's pid.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    public long runBatch() {
        return guest.runBatch();
    }

    /** A benchmark's tear-down: prints the compilation summary, requires compiled regions, closes. */
    public void requireCompiledAndClose() {
        guest.requireCompiledAndClose();
    }

    @Override
    public void close() {
        guest.close();
    }
}
