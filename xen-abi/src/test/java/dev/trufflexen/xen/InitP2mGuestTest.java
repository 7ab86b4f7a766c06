package dev.trufflexen.xen;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initp2m guest (INIT_P2M and MOD_START_PFN notes, as Linux has) checks from the inside what
 * the builder gave it: the P2M list at 0x8000000000 through its own page tables, every entry
 * against the M2P, and its ramdisk by frame number after the boot mapping.
 */
class InitP2mGuestTest {
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(256);

    private Domain create(Optional<Path> ramdisk) {
        return hypervisor.get().createDomain(new DomainSpec("initp2m", GuestImages.kernel("initp2m"), ramdisk, 32, 1, "",
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void p2mListAndRamdiskAreWhereLinuxAsksForThem(@TempDir Path dir) throws Exception {
        Path ramdisk = dir.resolve("initrd.img");
        Files.write(ramdisk, new byte[10_000]);
        Domain domain = create(Optional.of(ramdisk));
        long mapped = hypervisor.get().bootImage(domain).mappedPages();
        long ramdiskPages = 3;
        long listPages = 8192 * 8 / 4096;
        assertEquals(ShutdownReason.POWEROFF, domain.run(), String.join("\n", hypervisor.get().console().lines()));
        assertEquals(List.of(
                String.format("mfn_list=0x8000000000 first_p2m_pfn=0x%x nr_p2m_frames=%d", mapped + ramdiskPages,
                        listPages + 3),
                "p2m and m2p agree on 8192 of 8192 pages",
                "p2m list writable",
                String.format("ramdisk: pfn 0x%x, %d bytes", mapped, ramdiskPages * 4096),
                "initp2m: done"), GuestImages.consoleIoLines(hypervisor.get(), domain.id()));
    }

    @Test
    void withoutRamdisk() throws Exception {
        Domain domain = create(Optional.empty());
        assertEquals(ShutdownReason.POWEROFF, domain.run());
        List<String> lines = GuestImages.consoleIoLines(hypervisor.get(), domain.id());
        assertEquals(String.format("mfn_list=0x8000000000 first_p2m_pfn=0x%x nr_p2m_frames=19",
                hypervisor.get().bootImage(domain).mappedPages()), lines.get(0));
        assertEquals("ramdisk: none", lines.get(3));
    }
}
