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
 * A benchmark guest in a real domain on its own Xen core that works in batches and ends each
 * with SCHEDOP_yield, whose argument (which Xen ignores) says how many operations of the batch
 * gave the expected result. The yield runs the domain's yield listeners; ours records that count
 * and stops the vCPU, so {@link #runBatch} returns after exactly one batch and the next call
 * resumes the guest where it yielded. The engine traces compilations into a buffer, so a
 * benchmark can prove its guest code ran compiled.
 */
final class BatchGuestDomain implements AutoCloseable {
    private static final String BATCH_DONE = "batch done";
    private static final long MACHINE_MEMORY_MIB = 64;
    private static final long GUEST_MEMORY_MIB = 32;

    private final String guest;
    private final ByteArrayOutputStream engineLog = new ByteArrayOutputStream();
    private final XenHypervisor xen;
    private final Domain domain;
    private final X86Cpu cpu;
    private long batchMatches = -1;

    /** Builds the domain of guest image {@code guest} with {@code cmdline}; its first {@link #runBatch} boots it. */
    BatchGuestDomain(String guest, String cmdline) {
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

    XenHypervisor xen() {
        return xen;
    }

    Domain domain() {
        return domain;
    }

    /** Called inside the guest's SCHEDOP_yield: RSI is the yield's argument. */
    private void endOfBatch() {
        batchMatches = cpu.reg(X86Reg.RSI);
        cpu.requestExit(BATCH_DONE);
    }

    /**
     * Runs the guest until its next yield and returns the yield's count.
     *
     * @throws IllegalStateException when the vCPU stopped for any other reason (a crash)
     */
    long runBatch() {
        batchMatches = -1;
        Object reason = cpu.run();
        if (reason != BATCH_DONE) {
            throw new IllegalStateException(guest + " stopped with " + reason + " at rip 0x" + Long.toHexString(cpu.rip())
                    + (domain.crashReport() != null ? "\n" + domain.crashReport().text() : "")
                    + "\n" + String.join("\n", xen.console().lines()));
        }
        return batchMatches;
    }

    CompilationLog compilationLog() {
        return new CompilationLog(engineLog.toString(StandardCharsets.UTF_8));
    }

    /** A benchmark's tear-down: prints the compilation summary, requires compiled regions, closes. */
    void requireCompiledAndClose() {
        try {
            CompilationLog log = compilationLog();
            System.out.println();
            System.out.println("# " + guest + " domain: " + log.summary());
            log.requireCompiledRegions(guest + " domain");
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        xen.close();
    }
}
