package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;

/**
 * A guest of guest-images/ in a real domain on its own Xen core, for benchmarks whose guest
 * works in batches: it does one batch, then SCHEDOP_yield with a number as the (ignored)
 * argument, forever. Our yield listener records that number and stops the vCPU, so
 * {@link #runBatch} returns after exactly one batch and the next call resumes the guest where it
 * yielded. The engine traces compilations into a buffer, so a benchmark can prove its guest code
 * ran compiled.
 * <ul>
 * <li>{@link #nullcall}: the whole hypercall path, from the guest kernel's {@code call} into the
 * hypercall page and its {@code syscall}, through {@code PvEntry} and the
 * {@code HypercallDispatcher} to the xen_version handler, and back into compiled guest code; the
 * count is how many calls returned the version.
 * <li>{@link #usercall}: Linux's getpid path under Xen. The user program's {@code syscall} leaves
 * user mode through {@code PvEntry} (GS and page-table switch to the kernel, Xen's bounce frame
 * on the kernel stack), the guest kernel's callback answers, and the iret hypercall with
 * VGCF_in_syscall switches back to user mode; the count is how many calls returned the kernel's
 * pid. Its user mode runs on its kernel's L4 (MMUEXT_NEW_USER_BASEPTR).
 * <li>{@link #procs}: the procs guest's process kernel running one benchmark loop: demand-zero
 * page faults ({@code pf}) or fork-and-exit ({@code fork}); the count is the faults or the
 * children that ran clean.
 * <li>Other guests (pvbench, pvmmu) through the constructor or a subclass.
 * </ul>
 */
public class GuestBatchDomain implements AutoCloseable {
    private static final String BATCH_DONE = "batch done";
    private static final long MACHINE_MEMORY_MIB = 64;
    private static final long GUEST_MEMORY_MIB = 32;

    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    private final XenHypervisor xen;
    private final Domain domain;
    private final X86Cpu cpu;
    private final String guest;
    private long batchResult = -1;

    /** The nullcall guest making {@code hypercallsPerBatch} xen_version calls per batch. */
    public static GuestBatchDomain nullcall(int hypercallsPerBatch) {
        return new GuestBatchDomain("nullcall", "hypercalls=" + hypercallsPerBatch);
    }

    /** The usercall guest making {@code syscallsPerBatch} user-mode getpid calls per batch. */
    public static GuestBatchDomain usercall(int syscallsPerBatch) {
        return new GuestBatchDomain("usercall", "syscalls=" + syscallsPerBatch);
    }

    /** The procs guest in its {@code bench=<what>,<count>} loop ({@code pf}: rounds of 14 faults; {@code fork}: forks). */
    public static GuestBatchDomain procs(String what, int count) {
        return new GuestBatchDomain("procs", "bench=" + what + "," + count);
    }

    /** Builds the domain from {@code guest}'s image with {@code cmdline}; its first {@link #runBatch} boots it. */
    public GuestBatchDomain(String guest, String cmdline) {
        this(guest, cmdline, GuestMachine.ENGINE_OPTIONS);
    }

    /** As {@link #GuestBatchDomain(String, String)}, with these engine options (they must trace compilations). */
    protected GuestBatchDomain(String guest, String cmdline, java.util.Map<String, String> engineOptions) {
        this.guest = guest;
        this.xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB),
                engineOptions, engineLog);
        try {
            this.domain = xen.createDomain(new DomainSpec(guest, GuestImageFiles.kernel(guest), Optional.empty(),
                    GUEST_MEMORY_MIB, 1, cmdline, ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        } catch (RuntimeException e) {
            xen.close();
            throw e;
        }
        this.cpu = domain.vcpu0().cpu();
        domain.onYield(this::endOfBatch);
    }

    /** Called inside the guest's SCHEDOP_yield: RSI is the yield's argument. */
    private void endOfBatch() {
        batchResult = cpu.reg(X86Reg.RSI);
        cpu.requestExit(BATCH_DONE);
    }

    /**
     * Runs the guest until its next yield and returns the yield's argument.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    public long runBatch() {
        batchResult = -1;
        Object reason = cpu.run();
        if (reason != BATCH_DONE) {
            throw new IllegalStateException(guest + " stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip())
                    + (domain.crashReport() != null ? "\n" + domain.crashReport().text() : "")
                    + "\n" + String.join("\n", xen.console().lines()));
        }
        return batchResult;
    }

    /** The MMU invariant checker over the domain (empty when all holds). */
    public List<String> audit() {
        return xen.auditMmu(domain);
    }

    /**
     * Runs one batch and returns its count, which must be {@code expected}: every {@code what}
     * of the batch succeeded.
     *
     * @throws IllegalStateException when fewer (or more) succeeded, or the vCPU stopped otherwise
     */
    public long runBatchOf(long expected, String what) {
        long done = runBatch();
        if (done != expected) {
            throw new IllegalStateException(done + " of " + expected + " " + what);
        }
        return done;
    }

    /** What the engine reported about compilations so far. */
    public CompilationLog compilationLog() {
        return new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
    }

    /** A benchmark's tear-down: prints the compilation summary, requires compiled regions, closes. */
    public void requireCompiledAndClose() {
        try {
            CompilationLog log = compilationLog();
            System.out.println();
            System.out.println("# " + guest + " domain: " + log.summary());
            log.requireCompiledRegions(guest + " domain");
        } finally {
            close();
        }
    }

    protected XenHypervisor xen() {
        return xen;
    }

    protected Domain domain() {
        return domain;
    }

    @Override
    public void close() {
        xen.close();
    }
}
