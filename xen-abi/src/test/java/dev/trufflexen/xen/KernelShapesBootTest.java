package dev.trufflexen.xen;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hello guest in every shape real PV kernels ship in (built by guest-images/shapes), through
 * the real path: the file is unpacked and loaded by the builder, boots, prints its greeting and
 * powers off, exactly as the plain ELF does.
 */
class KernelShapesBootTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(256);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "hello-sections.elf;  ELF, notes from SHT_NOTE sections",
        "hello-xen-guest.elf; ELF, notes from the __xen_guest section",
        "hello.elf.gz;        gzip-compressed ELF, notes from PT_NOTE segments",
        "hello.bz-gzip;       bzImage (gzip payload), notes from PT_NOTE segments",
        "hello.bz-bzip2;      bzImage (bzip2 payload), notes from PT_NOTE segments",
        "hello.bz-xz;         bzImage (xz payload), notes from PT_NOTE segments",
        "hello.bz-lzma;       bzImage (lzma payload), notes from PT_NOTE segments",
        "hello.bz-lzo;        bzImage (lzo payload), notes from PT_NOTE segments",
        "hello.bz-lz4;        bzImage (lz4 payload), notes from PT_NOTE segments",
        "hello.bz-zstd;       bzImage (zstd payload), notes from PT_NOTE segments",
    })
    void helloBootsFromEveryShape(String file, String description) throws Exception {
        Domain domain = hypervisor.get().createDomain(new DomainSpec("hello", GuestImages.shape(file), Optional.empty(), 32, 1,
                "console=hvc0 greeting=hi", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        String log = String.join("\n", hypervisor.get().console().lines());
        assertTrue(log.contains(file + ": " + description), log);
        assertEquals(ShutdownReason.POWEROFF, domain.run(), log);
        assertEquals(GuestImages.expectedOutput("hello"), GuestImages.consoleIoLines(hypervisor.get(), domain.id()));
    }

    @org.junit.jupiter.api.Test
    void helloBootsWithARamdiskAfterItsKernel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path ramdisk = dir.resolve("initrd.img");
        java.nio.file.Files.write(ramdisk, new byte[10_000]);
        Domain domain = hypervisor.get().createDomain(new DomainSpec("hello", GuestImages.shape("hello.bz-lz4"), Optional.of(ramdisk),
                32, 1, "console=hvc0 greeting=hi", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        assertTrue(hypervisor.get().console().lines().stream().anyMatch(line -> line.contains(
                ramdisk + ": ramdisk as it is, 12288 bytes at pfn 0x1c (mapped)")), String.join("\n", hypervisor.get().console().lines()));
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        assertEquals(GuestImages.expectedOutput("hello"), GuestImages.consoleIoLines(hypervisor.get(), domain.id()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"hello-xen-guest.elf"})
    void aRequiredFeatureGivenByAVmAssistIsTurnedOnAndOneNotProvidedYetIsLogged(String file) throws Exception {
        Domain domain = hypervisor.get().createDomain(new DomainSpec("hello", GuestImages.shape(file), Optional.empty(), 32, 1,
                "", ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
        String log = String.join("\n", hypervisor.get().console().lines());
        assertTrue(domain.vmAssist(dev.trufflexen.xen.abi.VmAssist.VMASST_TYPE_writable_pagetables), log);
        assertFalse(domain.vmAssist(dev.trufflexen.xen.abi.VmAssist.VMASST_TYPE_pae_extended_cr3), log);
        assertFalse(log.contains("feature 'writable_page_tables'"), log);
        assertTrue(log.contains(file + ": kernel requires Xen feature 'writable_descriptor_tables', which TruffleXen "
                + "does not provide yet"), log);
        assertEquals(ShutdownReason.POWEROFF, domain.run());
    }
}
