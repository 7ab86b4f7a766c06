package dev.trufflexen.dom0.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.trufflexen.dom0.xenstore.DomainEntries;
import dev.trufflexen.dom0.xenstore.Xenstored;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.abi.Virq;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.domain.CrashReport;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.event.EventChannels;
import dev.trufflexen.xen.sched.VcpuTimers;

/**
 * Debian's current amd64 and cloud-amd64 Linux kernels (bzImages with xz and lz4 payloads),
 * fetched by {@code bin/fetch-debian-kernels} into a cache, run with the real console backend
 * and xenstored attached, as {@code txl create} runs them: the builder accepts them as Xen's
 * does, Linux prints its banner through early printk ({@code keep_bootcon} keeps that console on
 * console_io after hvc0 registers), and boots through its FIFO event channels, the Xen
 * clocksource and timer (from here on also through the hvc ring the backend drains), its balloon
 * driver and xenbus (reading its xenstore nodes through the ring), the switch to the Xen
 * clocksource, and its initcalls, to the panic for want of a root disk (TruffleXen has no
 * blkback yet). Skipped, with the reason, when the cache has no kernel.
 *
 * <p>By hand, {@code -Ddebian.until=TEXT} runs until another console line and
 * {@code -Ddebian.seconds=N} changes the time limit (900 s); the log shows how far Linux got and
 * the hypervisor's log names what it lacks.
 */
class DebianKernelTest {
    /** The longest Linux runs. */
    private static final long RUN_SECONDS = Long.getLong("debian.seconds", 900);
    /** The lines Linux prints on its way, in order; the last ends the run. */
    private static final List<String> MILESTONES = List.of("] Linux version 6.", "xen:events: Using FIFO-based ABI",
            "clocksource: xen:", "installing Xen timer for CPU 0", "xen:balloon: Initialising balloon driver",
            "clocksource: Switched to clocksource xen", "Kernel panic - not syncing: VFS: Unable to mount root fs");
    private static final String UNTIL = System.getProperty("debian.until", MILESTONES.getLast());

    static Path cache() {
        String configured = System.getenv("TRUFFLEXEN_KERNEL_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "trufflexen", "debian-kernels");
    }

    /** The kernel of {@code flavour} in the cache; the test is skipped, saying why, when it is not there. */
    static Path kernel(String flavour) {
        Path vmlinuz = cache().resolve(flavour).resolve("vmlinuz");
        assumeTrue(Files.isRegularFile(vmlinuz), "Debian's linux-image-" + flavour + " kernel is not in " + cache()
                + ": run bin/fetch-debian-kernels (it needs Debian's package archive; it could not be fetched)");
        return vmlinuz;
    }

    static Domain create(XenHypervisor xen, String flavour) {
        return xen.createDomain(new DomainSpec(flavour, kernel(flavour), Optional.empty(), 512, 1,
                "console=hvc0 earlyprintk=xen keep_bootcon", ShutdownAction.DESTROY, ShutdownAction.DESTROY,
                ShutdownAction.DESTROY));
    }

    /** Whether the hypervisor's console (early printk) has a line containing {@code text}. */
    static boolean reached(XenHypervisor xen, String text) {
        return xen.console().lines().stream().anyMatch(line -> line.contains(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "cloud-amd64"})
    void linuxBootsWithConsoleAndXenstoreUntilItFindsNoRootDisk(String flavour) throws Exception {
        Path vmlinuz = kernel(flavour);
        String packageName = Files.readString(vmlinuz.resolveSibling("package")).strip();
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, true, null, 1024));
                Xenstored xenstored = Xenstored.start(xen.console())) {
            Domain domain = create(xen, flavour);
            new DomainEntries(domain.id(), flavour, 512 * 1024, 512 * 1024, 1, domain.consoleMfn(), domain.consolePort(),
                    domain.xenstoreMfn(), domain.xenstorePort()).writeTo(xenstored.toolstack());
            xenstored.introduce(domain);
            ByteArrayOutputStream hvc = new ByteArrayOutputStream();
            ConsoleBackend backend = ConsoleBackend.attach(domain, hvc);
            ExecutorService runner = Executors.newSingleThreadExecutor();
            Future<ShutdownReason> run = runner.submit(domain::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
            boolean usedFifo = false;
            int timerPort;
            long xenstoreRequests = 0;
            try {
                while (!run.isDone() && System.nanoTime() < deadline && !reached(xen, UNTIL)) {
                    usedFifo |= domain.part(EventChannels.PART).usesFifo();
                    xenstoreRequests = Math.max(xenstoreRequests, xenstored.requestsFrom(domain.id()));
                    Thread.sleep(500);
                }
                timerPort = domain.part(EventChannels.PART).virqPort(Virq.VIRQ_TIMER);
                usedFifo |= domain.part(EventChannels.PART).usesFifo();
                xenstoreRequests = Math.max(xenstoreRequests, xenstored.requestsFrom(domain.id()));
                domain.destroy();
                run.get(30, TimeUnit.SECONDS);
            } finally {
                runner.shutdownNow();
            }
            String log = String.join("\n", xen.console().lines());
            String terminal = hvc.toString(StandardCharsets.UTF_8);
            System.out.println("--- " + packageName + " ---\n" + log + "\n--- hvc0 ---\n" + terminal);
            assertTrue(log.contains("vmlinuz: bzImage ("), log);
            assertFalse(log.contains("kernel requires Xen feature"), "Linux's required features are all provided\n" + log);
            assertTrue(domain.vmAssist(VmAssist.VMASST_TYPE_writable_pagetables), "the builder turned writable page tables on");
            assertTrue(log.contains("P2M list at INIT_P2M 0x8000000000"), log);
            long entry = xen.bootImage(domain).entry();
            CrashReport report = domain.crashReport();
            if (report != null) {
                // Guest code ran past the entry point, and the report names the instruction it stopped at.
                String text = report.text();
                assertFalse(text.matches(String.format("(?s).*RIP: [0-9a-f]{4}:%016x\\b.*", entry)), text);
                assertTrue(text.matches("(?s).*code at RIP: [0-9a-f]{16}: [0-9a-f ]+ +[a-z].*"), text);
            }
            int at = 0;
            for (String milestone : MILESTONES) {
                int found = log.indexOf(milestone, at);
                assertTrue(found >= 0, "Linux printed \"" + milestone + "\" after the lines before it\n" + log);
                at = found;
            }
            assertTrue(usedFifo, "the domain had switched to the FIFO ABI");
            assertTrue(xenstoreRequests > 0, "Linux used xenstore through its ring");
            // From its registration on, hvc0 carries the kernel log through the ring (the boot console
            // kept, Linux does not replay the earlier lines there), and the backend drained it to the end.
            assertFalse(backend.isBroken(), "the console backend kept serving the ring");
            assertTrue(terminal.contains("printk: console [hvc0] enabled"), "hvc0 registered\n" + terminal);
            for (String milestone : MILESTONES.subList(2, MILESTONES.size())) {
                assertTrue(terminal.contains(milestone), "the backend drained \"" + milestone + "\" from hvc0\n" + terminal);
            }
            System.out.printf("%s: VIRQ_TIMER port %d, %d timer events raised, %d bytes through hvc0, %d xenstore requests%n",
                    flavour, timerPort, VcpuTimers.of(domain.vcpu0()).timerEvents(), backend.bytesOut(), xenstoreRequests);
        }
    }
}
