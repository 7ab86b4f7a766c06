package dev.trufflexen.xen.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.abi.XenElfNotes;
import dev.trufflexen.xen.domain.DomainBuildException;

/** Untrusted kernel images: good ones parse, every broken one is a clear DomainBuildException. */
class ElfImageTest {
    @Test
    void standardImageParsesWithXenNotes() {
        ElfImage elf = ElfImage.parse("k.elf", TestElf.standard().bytes());
        GuestParameters p = GuestParameters.from(elf);
        assertEquals(TestElf.VIRT_BASE, p.virtBase());
        assertEquals(0, p.paddrOffset());
        assertEquals(TestElf.VIRT_BASE, p.virtKstart());
        assertEquals(TestElf.VIRT_BASE, p.virtEntry(), "without ENTRY, entry is e_entry");
    }

    @Test
    void linuxStyleImageLoadsByPhysicalAddress() {
        // Linux: VIRT_BASE 0xffffffff80000000, PADDR_OFFSET 0, kernel linked at paddr 16 MiB.
        byte[] image = new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_GUEST_OS, "linux")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0")
                .numericNote(XenElfNotes.XEN_ELFNOTE_VIRT_BASE, TestElf.VIRT_BASE)
                .numericNote(XenElfNotes.XEN_ELFNOTE_PADDR_OFFSET, 0)
                .numericNote(XenElfNotes.XEN_ELFNOTE_ENTRY, TestElf.VIRT_BASE + 0x1000000)
                .load(0x1000000, 0, TestElf.VIRT_BASE + 0x1000000).bytes();
        GuestParameters p = GuestParameters.from(ElfImage.parse("vmlinux", image));
        assertEquals(TestElf.VIRT_BASE + 0x1000000, p.virtKstart(), "placed by p_paddr, not p_vaddr (0)");
        assertEquals(TestElf.VIRT_BASE + 0x1000000, p.virtEntry());
    }

    @Test
    void notesWithoutVirtBaseDefaultToZero() {
        byte[] image = new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_LOADER, "generic")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0").load(0x2000, 0x2000, 0x2000).bytes();
        GuestParameters p = GuestParameters.from(ElfImage.parse("k", image));
        assertEquals(0, p.virtBase());
        assertEquals(0x2000, p.virtKstart());
    }

    @Test
    void notAnElfFile() {
        assertMessage("not an ELF file", new byte[] {1, 2, 3, 4, 5});
        assertMessage("not an ELF file", new byte[0]);
    }

    @Test
    void truncatedAnywhereIsRejectedCleanly() {
        byte[] good = TestElf.standard().bytes();
        for (int length : new int[] {4, 20, 63, 64, 100, 64 + 56, 64 + 56 + 30, 0x1000}) {
            byte[] truncated = Arrays.copyOf(good, length);
            DomainBuildException e = assertThrows(DomainBuildException.class, () -> parseFully(truncated));
            assertTrue(e.getMessage().startsWith("k.elf: "), e.getMessage());
        }
    }

    @Test
    void wrongClassMachineAndType() {
        byte[] image = TestElf.standard().bytes();
        byte[] class32 = image.clone();
        class32[4] = 1;
        assertMessage("not a 64-bit ELF", class32);
        byte[] arm = image.clone();
        arm[18] = (byte) 183;
        assertMessage("is not x86-64", arm);
        byte[] relocatable = image.clone();
        relocatable[16] = 1;
        assertMessage("is not an executable", relocatable);
    }

    @Test
    void programHeadersPastEndOfFile() {
        byte[] image = TestElf.standard().bytes();
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 0x7FFF_FFFF_FFFF_FFF0L);
        assertMessage("program headers", image);
    }

    @Test
    void segmentFileRangeOverflowIsCaught() {
        byte[] image = TestElf.standard().bytes();
        // p_filesz of the PT_LOAD so large that offset + size wraps.
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 32, -16L);
        assertMessage("past the end", image);
    }

    @Test
    void memsizeSmallerThanFilesize() {
        byte[] image = TestElf.standard().bytes();
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 40, 0);
        assertMessage("p_memsz", image);
    }

    @Test
    void noteWithHugeDescriptorSize() {
        byte[] image = TestElf.standard().bytes();
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(64 + 56 * 2 + 4, 0x7FFF_FFF0);
        assertMessage("truncated ELF note", image);
    }

    @Test
    void imageWithoutXenNotes() {
        assertMessage("no \"Xen\" ELF notes", new TestElf().bytes());
    }

    @Test
    void wrongLoaderOrXenVersion() {
        assertMessage("generic loader or Linux", new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_LOADER, "bsd")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0").bytes());
        assertMessage("Xen v3.0", new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_LOADER, "generic")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-2.0").bytes());
    }

    @Test
    void paddrOffsetWithoutVirtBase() {
        assertMessage("VIRT_BASE unset", new TestElf().stringNote(XenElfNotes.XEN_ELFNOTE_LOADER, "generic")
                .stringNote(XenElfNotes.XEN_ELFNOTE_XEN_VERSION, "xen-3.0")
                .numericNote(XenElfNotes.XEN_ELFNOTE_PADDR_OFFSET, 0).bytes());
    }

    @Test
    void entryOutsideKernel() {
        assertMessage("out of bounds", TestElf.standard()
                .numericNote(XenElfNotes.XEN_ELFNOTE_ENTRY, TestElf.VIRT_BASE + 0x100000).bytes());
    }

    @Test
    void numericNoteOfOddSize() {
        assertMessage("numeric notes are 1, 2, 4 or 8 bytes", TestElf.standard()
                .rawNote(XenElfNotes.XEN_ELFNOTE_ENTRY, new byte[3]).bytes());
    }

    @Test
    void requiredUnknownFeature() {
        assertMessage("unknown Xen feature 'flying'", TestElf.standard()
                .stringNote(XenElfNotes.XEN_ELFNOTE_FEATURES, "writable_page_tables|!flying").bytes());
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] good = TestElf.standard().bytes();
        Random random = new Random(42);
        for (int i = 0; i < 5000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                bad[random.nextInt(0x1000 + 1)] = (byte) random.nextInt();
            }
            try {
                parseFully(bad);
            } catch (DomainBuildException expected) {
                // a clean rejection
            }
        }
    }

    private static void parseFully(byte[] image) {
        GuestParameters.from(ElfImage.parse("k.elf", image));
    }

    private static void assertMessage(String expected, byte[] image) {
        DomainBuildException e = assertThrows(DomainBuildException.class, () -> parseFully(image));
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(e.getMessage().startsWith("k.elf: "), e.getMessage());
    }
}
