package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.pv.PvEntry;

/**
 * The usercall guest (guest-images/usercall) in a real domain on its own Xen core: Linux's
 * getpid path under Xen. Its user program's {@code syscall} leaves user mode through
 * {@code PvEntry} (GS and page-table switch to the kernel, Xen's bounce frame on the kernel
 * stack), the guest kernel's callback answers, and the iret hypercall with VGCF_in_syscall
 * switches back to user mode.
 *
 * <p>The guest runs a batch of getpid calls in user mode, then SCHEDOP_yield in kernel mode,
 * forever; the yield's argument is how many calls returned the kernel's pid, and our yield
 * listener stops the vCPU there, so {@link #runBatch} returns after exactly one batch. The
 * guest's user mode runs on its kernel's L4: it asks for that with MMUEXT_NEW_USER_BASEPTR, and
 * until mmuext_op implements it this class sets the same guest_table_user before the first run.
 */
public final class UsercallDomain implements AutoCloseable {
    private static final String BATCH_DONE = "usercall batch done";
    private static final long MACHINE_MEMORY_MIB = 64;
    private static final long GUEST_MEMORY_MIB = 32;
    private static final int PAGE_SHIFT = 12;

    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    private final XenHypervisor xen;
    private final Domain domain;
    private final X86Cpu cpu;
    private long batchMatches = -1;

    /** Builds the domain; its first {@link #runBatch} boots it. */
    public UsercallDomain(int syscallsPerBatch) {
        this.xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB),
                GuestMachine.ENGINE_OPTIONS, engineLog);
        try {
            this.domain = xen.createDomain(new DomainSpec("usercall", GuestImageFiles.kernel("usercall"), Optional.empty(),
                    GUEST_MEMORY_MIB, 1, "syscalls=" + syscallsPerBatch, ShutdownAction.DESTROY,
                    ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        } catch (RuntimeException e) {
            xen.close();
            throw e;
        }
        this.cpu = domain.vcpu0().cpu();
        PvEntry entry = xen.pvEntry(domain);
        entry.pvVcpu().setUserTableMfn(cpu.cr3() >>> PAGE_SHIFT);
        domain.onYield(this::endOfBatch);
    }

    /** Called inside the guest's SCHEDOP_yield: RSI is the yield's argument. */
    private void endOfBatch() {
        batchMatches = cpu.reg(X86Reg.RSI);
        cpu.requestExit(BATCH_DONE);
    }

    /**
     * Runs the guest until its next yield and returns how many system calls of the batch
     * returned the guest kernel's pid.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    public long runBatch() {
        batchMatches = -1;
        Object reason = cpu.run();
        if (reason != BATCH_DONE) {
            throw new IllegalStateException("usercall stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip())
                    + (domain.crashReport() != null ? "\n" + domain.crashReport().text() : "")
                    + "\n" + String.join("\n", xen.console().lines()));
        }
        return batchMatches;
    }

    /** What the engine reported about compilations so far. */
    public CompilationLog compilationLog() {
        return new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        xen.close();
    }
}
