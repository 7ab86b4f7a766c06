package dev.trufflexen.xen;

import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.domain.CrashReport;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

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
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's current amd64 and cloud-amd64 Linux kernels (bzImages with xz and lz4 payloads),
 * fetched by {@code bin/fetch-debian-kernels} into a cache: the builder accepts them as Xen's
 * does, and Linux builds its page tables, pins them, switches to them and prints its banner
 * through early printk ({@code keep_bootcon} keeps that console on console_io after hvc0
 * registers), then runs until it stops or the time is up; the hypervisor's log names what it
 * lacks. Skipped, with the reason, when the cache has no kernel.
 */
class DebianKernelTest {
    private static final long RUN_SECONDS = 60;

    static Path cache() {
        String configured = System.getenv("TRUFFLEXEN_KERNEL_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "trufflexen", "debian-kernels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "cloud-amd64"})
    void builderAcceptsTheKernelAndLinuxRunsUntilTheFirstUnimplementedOperation(String flavour) throws Exception {
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
            try {
                run.get(RUN_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
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
            } else {
                assertTrue(log.matches("(?s).*(unimplemented (hypercall|instruction|operation)|not implemented|not offered).*"),
                        "the guest ran without crashing: the log must name what it lacks\n" + log);
            }
        }
    }
}
