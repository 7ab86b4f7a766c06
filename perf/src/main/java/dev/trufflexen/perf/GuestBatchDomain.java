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

/**
 * A guest of guest-images/ in a real domain on its own Xen core, for benchmarks whose guest
 * works in batches: it does one batch, then SCHEDOP_yield with a number as the (ignored)
 * argument, forever. Our yield listener records that number and stops the vCPU, so
 * {@link #runBatch} returns after exactly one batch and the next call resumes the guest where it
 * yielded. The engine traces compilations into a buffer, so a benchmark can prove its guest code
 * ran compiled.
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

    /** Builds the domain from {@code guest}'s image with {@code cmdline}; its first {@link #runBatch} boots it. */
    public GuestBatchDomain(String guest, String cmdline) {
        this.guest = guest;
        this.xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, MACHINE_MEMORY_MIB),
                GuestMachine.ENGINE_OPTIONS, engineLog);
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

    /** What the engine reported about compilations so far. */
    public CompilationLog compilationLog() {
        return new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
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
