package dev.trufflexen.xen;

import dev.trufflexen.xen.abi.Virq;
import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.domain.CrashReport;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;
import dev.trufflexen.xen.event.EventChannels;
import dev.trufflexen.xen.sched.VcpuTimers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's current amd64 and cloud-amd64 Linux kernels (bzImages with xz and lz4 payloads),
 * fetched by {@code bin/fetch-debian-kernels} into a cache: the builder accepts them as Xen's
 * does, and Linux builds its page tables, pins them, switches to them and prints its banner
 * through early printk ({@code keep_bootcon} keeps that console on console_io after hvc0
 * registers), then boots until it has set up its event channels with the FIFO ABI ("xen:events:
 * Using FIFO-based ABI", the furthest point it reaches reliably within the time limit on a loaded
 * machine), when the run ends. Skipped, with the reason, when the cache has no kernel.
 *
 * <p>By hand, {@code -Ddebian.until=TEXT} runs until another console line (for example
 * {@code "installing Xen timer"} or {@code "Calibrating delay loop"}) and {@code -Ddebian.seconds=N}
 * raises the time limit (300 s); the log shows how far Linux got and the hypervisor's log names
 * what it lacks.
 */
class DebianKernelTest {
    /** The longest Linux runs. */
    private static final long RUN_SECONDS = Long.getLong("debian.seconds", 300);
    /** The line that ends the run: Linux's event channels are up, on the FIFO ABI. */
    private static final String FIFO_EVENTS = "xen:events: Using FIFO-based ABI";
    private static final String UNTIL = System.getProperty("debian.until", FIFO_EVENTS);

    static Path cache() {
        String configured = System.getenv("TRUFFLEXEN_KERNEL_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "trufflexen", "debian-kernels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "cloud-amd64"})
    void builderAcceptsTheKernelAndLinuxBootsToFifoEventChannels(String flavour) throws Exception {
        Path vmlinuz = cache().resolve(flavour).resolve("vmlinuz");
        assumeTrue(Files.isRegularFile(vmlinuz), "Debian's linux-image-" + flavour + " kernel is not in " + cache()
                + ": run bin/fetch-debian-kernels (it needs Debian's package archive; it could not be fetched)");
        String packageName = Files.readString(cache().resolve(flavour).resolve("package")).strip();
        try (XenHypervisor xen = XenHypervisor.create(new XenHypervisor.Options(false, true, null, 1024))) {
            Domain domain = xen.createDomain(new DomainSpec(flavour, vmlinuz, Optional.empty(), 512, 1,
                    "console=hvc0 earlyprintk=xen keep_bootcon", ShutdownAction.DESTROY, ShutdownAction.DESTROY,
                    ShutdownAction.DESTROY));
            ExecutorService runner = Executors.newSingleThreadExecutor();
            Future<ShutdownReason> run = runner.submit(domain::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_SECONDS);
            boolean usedFifo;
            int timerPort;
            try {
                while (!run.isDone() && System.nanoTime() < deadline && !reached(xen, UNTIL)) {
                    Thread.sleep(200);
                }
                usedFifo = domain.part(EventChannels.PART).usesFifo();
                timerPort = domain.part(EventChannels.PART).virqPort(Virq.VIRQ_TIMER);
                domain.destroy();
                run.get(30, TimeUnit.SECONDS);
            } finally {
                runner.shutdownNow();
            }
            String log = String.join("\n", xen.console().lines());
            System.out.println("--- " + packageName + " ---\n" + log);
            assertTrue(log.contains("vmlinuz: bzImage ("), log);
            assertFalse(log.contains("kernel requires Xen feature"), "Linux's required features are all provided\n" + log);
            assertTrue(domain.vmAssist(VmAssist.VMASST_TYPE_writable_pagetables), "the builder turned writable page tables on");
            assertTrue(log.contains("P2M list at INIT_P2M 0x8000000000"), log);
            assertTrue(log.contains("] Linux version 6."), "Linux prints its banner through early printk\n" + log);
            long entry = xen.bootImage(domain).entry();
            CrashReport report = domain.crashReport();
            if (report != null) {
                // Guest code ran past the entry point, and the report names the instruction it stopped at.
                String text = report.text();
                assertFalse(text.matches(String.format("(?s).*RIP: [0-9a-f]{4}:%016x\\b.*", entry)), text);
                assertTrue(text.matches("(?s).*code at RIP: [0-9a-f]{16}: [0-9a-f ]+ +[a-z].*"), text);
            }
            assertTrue(log.contains(FIFO_EVENTS), "Linux set up its event channels with the FIFO ABI\n" + log);
            assertTrue(usedFifo, "the domain had switched to the FIFO ABI");
            System.out.printf("%s: VIRQ_TIMER port %d, %d timer events raised%n", flavour, timerPort,
                    VcpuTimers.of(domain.vcpu0()).timerEvents());
        }
    }

    private static boolean reached(XenHypervisor xen, String text) {
        return xen.console().lines().stream().anyMatch(line -> line.contains(text));
    }
}
