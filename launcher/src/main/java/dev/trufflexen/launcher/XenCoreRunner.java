package dev.trufflexen.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

import dev.trufflexen.dom0.console.ConsoleBackend;
import dev.trufflexen.dom0.xenstore.Xenstored;
import dev.trufflexen.launcher.CreateCommand.ConsoleRoute;
import dev.trufflexen.launcher.CreateCommand.GuestStop;
import dev.trufflexen.launcher.CreateCommand.RunOptions;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.debug.CompilationTrace;
import dev.trufflexen.launcher.debug.DebugException;
import dev.trufflexen.launcher.debug.DebugRequest;
import dev.trufflexen.launcher.debug.DebuggedDomain;
import dev.trufflexen.launcher.gdb.GdbStub;
import dev.trufflexen.launcher.host.ToolstackStore;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.XenHypervisor;

/**
 * The production {@link CreateCommand.DomainRunner}: starts a hypervisor sized for the domain and
 * a xenstored, builds the domain, writes its xenstore entries and introduces it, connects its PV
 * console to the console backend, runs it and reports how it stopped. A crash report goes to stderr.
 */
final class XenCoreRunner {
    private XenCoreRunner() {
    }

    static GuestStop run(DomainConfig config, RunOptions options, ConsoleRoute console) {
        PrintStream log = options.log();
        XenHypervisor.Options xenOptions = new XenHypervisor.Options(options.interpreterOnly(), options.trace(),
                options.verbose() ? log : null, dev.trufflexen.launcher.config.HostLimits.machineMemoryMiB(config.memoryMiB()));
        // A debugged domain's engine traces its compilations, for the monitor's info regions.
        CompilationTrace compilations = options.debug() == null ? null : new CompilationTrace();
        try (XenHypervisor xen = startHypervisor(xenOptions, compilations);
                Xenstored xenstored = Xenstored.start(xen.console())) {
            Domain domain = build(xen, config);
            ToolstackStore.introduce(xenstored, config, domain);
            if (options.auditMmu()) {
                domain.onYield(() -> reportAudit(log, "at a yield", xen.auditMmu(domain)));
            }
            DebuggedDomain debugged = options.debug() == null ? null : startDebugging(xen, domain, options.debug(), log);
            if (debugged != null) {
                debugged.setCompilations(compilations);
            }
            options.domainBuilt().run();
            ShutdownReason reason;
            switch (console) {
                case ConsoleRoute.Attached attached -> {
                    ConsoleBackend backend = ConsoleBackend.attach(domain, attached.out());
                    Thread input = startInputPump(domain, backend, attached.in());
                    reason = domain.run();
                    input.interrupt();
                }
                case ConsoleRoute.Logged logged -> {
                    ConsoleBackend.attach(domain, debugged == null ? logged.log() : debugged.consoleTee(logged.log()));
                    reason = debugged == null ? domain.run() : runWithSession(domain, debugged, options.debug());
                }
            }
            if (domain.crashReport() != null) {
                log.println(domain.crashReport().text());
            }
            if (options.auditMmu()) {
                reportAudit(log, "when it stopped", xen.auditMmu(domain));
            }
            int domid = domain.id();
            domain.release();
            if (options.auditMmu()) {
                reportAudit(log, "after its release", xen.auditReleased(domid));
            }
            return GuestStop.valueOf(reason.name());
        }
    }

    /** Attaches the debugger (and a GDB stub when asked) before the domain's first instruction. */
    private static DebuggedDomain startDebugging(XenHypervisor xen, Domain domain, DebugRequest request, PrintStream log) {
        DebuggedDomain debugged = DebuggedDomain.attach(xen, domain);
        if (request.pausedAtStart()) {
            debugged.debugger().pauseBeforeStart();
        }
        if (request.gdbAddress() != null) {
            try {
                GdbStub stub = GdbStub.start(debugged.debugger(), request.gdbAddress(), log);
                domain.onStop(stub::close);
                log.println("txl: gdb stub listening on port " + stub.port() + "; domain " + domain.name()
                        + " waits for gdb to continue it");
            } catch (DebugException e) {
                domain.release();
                throw new TxlException(ExitStatus.USAGE, "--gdb " + e.getMessage(), e);
            }
        }
        return debugged;
    }

    /** Runs the domain on a thread of its own while the session (monitor) runs here; returns how it stopped. */
    private static ShutdownReason runWithSession(Domain domain, DebuggedDomain debugged, DebugRequest request) {
        java.util.concurrent.atomic.AtomicReference<ShutdownReason> reason = new java.util.concurrent.atomic.AtomicReference<>();
        Thread vcpu = new Thread(() -> reason.set(domain.run()), "vcpu0-d" + domain.id());
        vcpu.start();
        try {
            if (request.pausedAtStart()) {
                debugged.debugger().awaitFirstStop();
            }
            request.session().accept(debugged);
        } finally {
            try {
                vcpu.join();
            } catch (InterruptedException e) {
                domain.destroy();
                debugged.debugger().resume();
                Thread.currentThread().interrupt();
            }
        }
        return reason.get() == null ? ShutdownReason.POWEROFF : reason.get();
    }

    /** --audit-mmu: one stderr line per violation of the PV MMU's invariants. */
    private static void reportAudit(PrintStream log, String when, java.util.List<String> violations) {
        for (String violation : violations) {
            log.println("txl: PV MMU invariant broken " + when + ": " + violation);
        }
    }

    /**
     * A hypervisor, or a clean error when the host refuses its machine memory after all: the
     * address space (a process limit such as {@code ulimit -v}) or its frame table in the heap.
     */
    private static XenHypervisor startHypervisor(XenHypervisor.Options xenOptions, CompilationTrace compilations) {
        try {
            return compilations == null ? XenHypervisor.create(xenOptions)
                    : XenHypervisor.create(xenOptions, Map.of("engine.TraceCompilation", "true"), compilations);
        } catch (OutOfMemoryError e) {
            throw new TxlException(ExitStatus.BAD_CONFIG, "cannot set up " + xenOptions.machineMemoryMiB()
                    + " MiB of machine memory on this host now (" + e.getMessage() + "); lower memory", e);
        }
    }

    /**
     * Builds the domain of {@code config} on {@code xen}; the builder's refusal becomes
     * {@link ExitStatus#BAD_CONFIG} with its message, and nothing is left allocated.
     */
    static Domain build(XenHypervisor xen, DomainConfig config) {
        try {
            return xen.createDomain(domainSpec(config));
        } catch (DomainBuildException e) {
            throw new TxlException(ExitStatus.BAD_CONFIG, e.getMessage(), e);
        }
    }

    static DomainSpec domainSpec(DomainConfig c) {
        return new DomainSpec(c.name(), c.kernel(), c.ramdisk(), c.memoryMiB(), c.vcpus(), c.cmdline(),
                ShutdownAction.valueOf(c.onPoweroff().name()), ShutdownAction.valueOf(c.onReboot().name()),
                ShutdownAction.valueOf(c.onCrash().name()));
    }

    /** Copies terminal input into the guest's console ring until the domain stops. */
    private static Thread startInputPump(Domain domain, ConsoleBackend backend, InputStream in) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                int n;
                while (domain.shutdownReason() == null && (n = in.read(buffer)) > 0) {
                    int done = 0;
                    while (done < n && !backend.isBroken() && domain.shutdownReason() == null) {
                        done += backend.deliverInput(buffer, done, n - done);
                        if (done < n) {
                            Thread.sleep(5);
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The terminal closed or the domain stopped: nothing more to deliver.
            }
        }, "console-input-d" + domain.id());
        pump.setDaemon(true);
        pump.start();
        return pump;
    }
}
