package dev.trufflexen.perf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.XenHypervisor;

/**
 * The nullcall guest (guest-images/nullcall) in a real domain on its own Xen core: the whole
 * hypercall path, from the guest kernel's {@code call} into the hypercall page and its
 * {@code syscall}, through {@code PvEntry} and the {@code HypercallDispatcher} to the xen_version
 * handler, and back into compiled guest code.
 *
 * <p>The guest makes a batch of xen_version(XENVER_version) calls, then SCHEDOP_yield, forever.
 * The yield runs the domain's yield listeners; ours records the yield's argument (how many calls
 * of the batch returned the version) and stops the vCPU, so {@link #runBatch} returns after
 * exactly one batch and the next call resumes the guest where it yielded. The engine traces
 * compilations into a buffer, so a benchmark can prove its guest code ran compiled.
 */
public final class NullcallDomain implements AutoCloseable {
    private static final String BATCH_DONE = "nullcall batch done";
    private static final long MACHINE_MEMORY_MIB = 64;
    private static final long GUEST_MEMORY_MIB = 32;

    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    private final XenHypervisor xen;
    private final Domain domain;
    private final X86Cpu cpu;
    private long batchMatches = -1;

    /** Builds the domain; its first {@link #runBatch} boots it. */
    public NullcallDomain(int hypercallsPerBatch) {
        this("nullcall", "hypercalls=" + hypercallsPerBatch);
    }

    /**
     * Any guest that works the same way: batches of one operation, each ended by SCHEDOP_yield
     * with the number that completed in RSI (pvbench, for instance).
     */
    public NullcallDomain(String guest, String cmdline) {
        this.xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB),
                GuestMachine.ENGINE_OPTIONS, engineLog);
        try {
            this.domain = xen.createDomain(new DomainSpec(guest, GuestImageFiles.kernel(guest), Optional.empty(),
                    GUEST_MEMORY_MIB, 1, cmdline, ShutdownAction.DESTROY,
                    ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        } catch (RuntimeException e) {
            xen.close();
            throw e;
        }
        this.cpu = domain.vcpu0().cpu();
        domain.onYield(this::endOfBatch);
    }

    /** Called inside the guest's SCHEDOP_yield: RSI is the yield's argument. */
    private void endOfBatch() {
        batchMatches = cpu.reg(X86Reg.RSI);
        cpu.requestExit(BATCH_DONE);
    }

    /**
     * Runs the guest until its next yield and returns how many hypercalls of the batch returned
     * the hypervisor's version.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    public long runBatch() {
        batchMatches = -1;
        Object reason = cpu.run();
        if (reason != BATCH_DONE) {
            throw new IllegalStateException(domain.spec().name() + " stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip())
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
