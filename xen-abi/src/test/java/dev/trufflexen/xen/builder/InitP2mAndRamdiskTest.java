package dev.trufflexen.xen.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.StartInfo;
import dev.trufflexen.xen.abi.XenElfNotes;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.TestHypervisor;

/**
 * The P2M list at the INIT_P2M address and the initial ramdisk, checked through the built domain's
 * own page tables and start_info, as a Linux kernel reads them.
 */
class InitP2mAndRamdiskTest {
    private static final long P2M_BASE = 0x80_0000_0000L;
    private static final long MEMORY_MIB = 64;

    @TempDir
    Path dir;
    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(256);

    private Domain build(TestElf kernel, byte[] ramdisk) throws IOException {
        Path image = dir.resolve("k.elf");
        Files.write(image, kernel.bytes());
        Optional<Path> ramdiskPath = Optional.empty();
        if (ramdisk != null) {
            ramdiskPath = Optional.of(dir.resolve("initrd"));
            Files.write(ramdiskPath.get(), ramdisk);
        }
        return hypervisor.get().createDomain(new DomainSpec("k", image, ramdiskPath, MEMORY_MIB, 1, "", ShutdownAction.DESTROY,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    private static long guest64(X86Cpu cpu, long va) {
        byte[] bytes = new byte[8];
        assertTrue(cpu.copyFromGuest(va, bytes, 0, 8), "guest VA " + Long.toHexString(va));
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /** What the domain's frames hold from pseudo-physical frame {@code pfn} on. */
    private byte[] framesFrom(Domain domain, long pfn, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length; done += 4096) {
            long mfn = hypervisor.get().bootImage(domain).p2m()[(int) (pfn + done / 4096)];
            for (int i = 0; i < Math.min(4096, length - done); i++) {
                out[done + i] = (byte) hypervisor.get().memory().read8((mfn << 12) + i);
            }
        }
        return out;
    }

    @Test
    void p2mListLivesAtInitP2mWithItsOwnPageTables() throws IOException {
        Domain domain = build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, P2M_BASE), null);
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long[] p2m = hypervisor.get().bootImage(domain).p2m();
        assertEquals(P2M_BASE, guest64(cpu, si + StartInfo.OFF_MFN_LIST));
        long firstP2mPfn = guest64(cpu, si + StartInfo.OFF_FIRST_P2M_PFN);
        long nrP2mFrames = guest64(cpu, si + StartInfo.OFF_NR_P2M_FRAMES);
        long listPages = p2m.length * 8L / 4096;
        assertEquals(hypervisor.get().bootImage(domain).mappedPages(), firstP2mPfn, "right after the boot mapping");
        assertEquals(listPages + 1 + 1 + 1, nrP2mFrames, "the list, one L3, one L2 and one L1 (32 pages < 2 MiB)");
        for (int pfn = 0; pfn < p2m.length; pfn += 97) {
            assertEquals(p2m[pfn], guest64(cpu, P2M_BASE + pfn * 8L), "pfn " + pfn);
        }
        assertEquals(p2m[(int) firstP2mPfn] << 12, cpu.translate(P2M_BASE, true), "the list's first frame, writable");
        assertEquals(-1, cpu.translate(P2M_BASE + listPages * 4096, false), "nothing mapped past the list");
        assertEquals(-1, cpu.translate(hypervisor.get().bootImage(domain).virtBase() + firstP2mPfn * 4096, false),
                "the list is not in the boot mapping");
        assertTrue(hypervisor.get().console().lines().stream().anyMatch(l -> l.contains("P2M list at INIT_P2M 0x8000000000")));
    }

    @Test
    void p2mListSharingTheBootMappingsUpperTablesReusesThem() throws IOException {
        // In the boot mapping's L4 slot (511), so under its L3; the 1 GiB region below VIRT_BASE's
        // needs its own L2 and L1.
        long base = TestElf.VIRT_BASE - (256L << 20);
        Domain domain = build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, base), null);
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long listPages = hypervisor.get().bootImage(domain).p2m().length * 8L / 4096;
        assertEquals(listPages + 2, guest64(cpu, si + StartInfo.OFF_NR_P2M_FRAMES), "no L3 of its own");
        assertEquals(hypervisor.get().bootImage(domain).p2m()[100], guest64(cpu, base + 800));
    }

    @Test
    void p2mListThatWouldOverlapTheBootMappingIsRefused() throws IOException {
        long base = TestElf.VIRT_BASE - 4096;
        long free = hypervisor.get().framePool().freeFrames();
        DomainBuildException e = assertThrows(DomainBuildException.class,
                () -> build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, base), null));
        assertTrue(e.getMessage().contains("overlaps the boot mapping"), e.getMessage());
        assertEquals(free, hypervisor.get().framePool().freeFrames());
    }

    @Test
    void mappedRamdiskFollowsTheKernel() throws IOException {
        byte[] ramdisk = randomBytes(10_000);
        Domain domain = build(TestElf.standard(), ramdisk);
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long modStart = guest64(cpu, si + StartInfo.OFF_MOD_START);
        assertEquals(hypervisor.get().bootImage(domain).virtBase() + 4096, modStart, "the page after the one-page kernel");
        assertEquals(3 * 4096, guest64(cpu, si + StartInfo.OFF_MOD_LEN), "whole pages, as libxenguest's segment");
        assertEquals(0, guest64(cpu, si + StartInfo.OFF_FLAGS) & StartInfo.SIF_MOD_START_PFN);
        byte[] seen = new byte[ramdisk.length];
        assertTrue(cpu.copyFromGuest(modStart, seen, 0, seen.length));
        assertArrayEquals(ramdisk, seen);
        assertEquals(modStart + 3 * 4096, guest64(cpu, si + StartInfo.OFF_MFN_LIST), "P2M list after the ramdisk");
    }

    @Test
    void modStartPfnPutsTheRamdiskAfterTheBootMappingByFrameNumber() throws IOException {
        byte[] ramdisk = randomBytes(3 << 20);
        Domain domain = build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 1), ramdisk);
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long flags = guest64(cpu, si + StartInfo.OFF_FLAGS) & 0xFFFF_FFFFL;
        assertEquals(StartInfo.SIF_MOD_START_PFN | StartInfo.SIF_VIRT_P2M_4TOOLS, flags);
        long pfn = guest64(cpu, si + StartInfo.OFF_MOD_START);
        assertEquals(hypervisor.get().bootImage(domain).mappedPages(), pfn);
        assertEquals(3 << 20, guest64(cpu, si + StartInfo.OFF_MOD_LEN));
        assertArrayEquals(ramdisk, framesFrom(domain, pfn, ramdisk.length));
        assertEquals(-1, cpu.translate(hypervisor.get().bootImage(domain).virtBase() + pfn * 4096, false), "not mapped");
    }

    @Test
    void gzipRamdiskIsDecompressedAsLibxenguestDoes() throws IOException {
        byte[] content = randomBytes(20_000);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(content);
        }
        Domain domain = build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 1), gz.toByteArray());
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long pfn = guest64(cpu, si + StartInfo.OFF_MOD_START);
        assertEquals(5 * 4096, guest64(cpu, si + StartInfo.OFF_MOD_LEN));
        assertArrayEquals(content, framesFrom(domain, pfn, content.length));
    }

    @Test
    void corruptGzipRamdiskIsHandedOverAsItIs() throws IOException {
        byte[] notReallyGzip = randomBytes(5000);
        notReallyGzip[0] = 0x1f;
        notReallyGzip[1] = (byte) 0x8b;
        ByteBuffer.wrap(notReallyGzip).order(ByteOrder.LITTLE_ENDIAN).putInt(notReallyGzip.length - 4, 6000);
        Domain domain = build(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 1), notReallyGzip);
        X86Cpu cpu = domain.vcpu0().cpu();
        long si = hypervisor.get().bootImage(domain).startInfoVirt();
        long pfn = guest64(cpu, si + StartInfo.OFF_MOD_START);
        assertEquals(2 * 4096, guest64(cpu, si + StartInfo.OFF_MOD_LEN), "sized by the larger of 5000 and 6000");
        assertArrayEquals(notReallyGzip, framesFrom(domain, pfn, notReallyGzip.length));
    }

    @Test
    void unmappedRamdiskTooBigForMemoryNamesTheRamdisk() throws IOException {
        long free = hypervisor.get().framePool().freeFrames();
        DomainBuildException e = assertThrows(DomainBuildException.class, () -> build(
                TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 1), new byte[63 << 20]));
        assertTrue(e.getMessage().startsWith(dir.resolve("initrd") + ": the ramdisk needs 63 MiB"), e.getMessage());
        assertEquals(free, hypervisor.get().framePool().freeFrames());
    }

    @Test
    void mappedRamdiskTooBigForMemoryNamesTheRamdisk() throws IOException {
        long free = hypervisor.get().framePool().freeFrames();
        DomainBuildException e = assertThrows(DomainBuildException.class,
                () -> build(TestElf.standard(), new byte[70 << 20]));
        assertTrue(e.getMessage().startsWith(dir.resolve("initrd") + ": the boot mapping of this 70 MiB ramdisk"),
                e.getMessage());
        assertEquals(free, hypervisor.get().framePool().freeFrames());
    }
}
