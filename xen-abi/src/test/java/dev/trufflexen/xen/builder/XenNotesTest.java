package dev.trufflexen.xen.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.abi.XenElfNotes;
import dev.trufflexen.xen.abi.XenFeatures;
import dev.trufflexen.xen.domain.DomainBuildException;

/** Where libelf finds a kernel's Xen parameters, and how it reads FEATURES, INIT_P2M and MOD_START_PFN. */
class XenNotesTest {
    private static GuestParameters params(TestElf elf) {
        return GuestParameters.from(ElfImage.parse("k.elf", elf.bytes()));
    }

    private static String refused(TestElf elf) {
        return assertThrows(DomainBuildException.class, () -> params(elf)).getMessage();
    }

    private static BitSet bits(int... set) {
        BitSet bits = new BitSet();
        for (int bit : set) {
            bits.set(bit);
        }
        return bits;
    }

    @Test
    void notesOnlyInAnShtNoteSectionAreRead() {
        ElfImage elf = ElfImage.parse("k.elf", TestElf.standard().notesInSectionOnly().bytes());
        assertEquals(ElfImage.NoteSource.SECTIONS, elf.noteSource());
        GuestParameters p = GuestParameters.from(elf);
        assertEquals(TestElf.VIRT_BASE, p.virtBase());
        assertEquals("generic", p.loader());
    }

    @Test
    void segmentNotesWinOverSectionNotes() {
        ElfImage elf = ElfImage.parse("k.elf", TestElf.standard().xenGuest("GUEST_OS=linux").bytes());
        assertEquals(ElfImage.NoteSource.SEGMENTS, elf.noteSource());
        assertEquals(null, elf.xenGuestInfo(), "__xen_guest is only the last resort");
    }

    @Test
    void legacyXenGuestSection() {
        ElfImage elf = ElfImage.parse("k.elf", new TestElf().code(new byte[4096]).xenGuest("GUEST_OS=linux,XEN_VER=xen-3.0,"
                + "VIRT_BASE=0xffffffff80000000,ELF_PADDR_OFFSET=0x0,HYPERCALL_PAGE=0x0,"
                + "FEATURES=!writable_page_tables|pae_pgdir_above_4gb").bytes());
        assertEquals(ElfImage.NoteSource.NONE, elf.noteSource());
        GuestParameters p = GuestParameters.from(elf);
        assertEquals(TestElf.VIRT_BASE, p.virtBase());
        assertEquals(0, p.paddrOffset());
        assertEquals(TestElf.VIRT_BASE, p.hypercallPage(), "a page number, relative to VIRT_BASE");
        assertEquals(bits(XenFeatures.XENFEAT_writable_page_tables), p.featuresRequired());
        assertEquals(bits(XenFeatures.XENFEAT_writable_page_tables, XenFeatures.XENFEAT_pae_pgdir_above_4gb),
                p.featuresSupported());
    }

    @Test
    void xenGuestWithoutPaddrOffsetDefaultsToVirtBase() {
        // Older hypervisors put p_paddr at the virtual address; libelf keeps that default for __xen_guest.
        GuestParameters p = params(new TestElf().load(TestElf.VIRT_BASE, TestElf.VIRT_BASE, TestElf.VIRT_BASE)
                .xenGuest("LOADER=generic,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000"));
        assertEquals(TestElf.VIRT_BASE, p.paddrOffset());
        assertEquals(TestElf.VIRT_BASE, p.virtKstart());
    }

    @Test
    void noNotesAnywhere() {
        String message = refused(new TestElf().notesInSectionOnly());
        assertTrue(message.contains("no __xen_guest section"), message);
    }

    @Test
    void featuresAsLibelfReadsThem() {
        GuestParameters p = params(TestElf.standard().stringNote(XenElfNotes.XEN_ELFNOTE_FEATURES,
                "!writable_page_tables|pae_pgdir_above_4gb|mmu_pt_update_preserve_ad|no_such_feature||dom0"));
        assertEquals(bits(0), p.featuresRequired());
        // libelf does not know mmu_pt_update_preserve_ad: a supported name it does not know is ignored.
        assertEquals(bits(0, 4, 11), p.featuresSupported());
        assertTrue(refused(TestElf.standard().stringNote(XenElfNotes.XEN_ELFNOTE_FEATURES,
                "!mmu_pt_update_preserve_ad")).contains("requires unknown Xen feature 'mmu_pt_update_preserve_ad'"));
    }

    @Test
    void aFeatureEntryLongerThan63CharactersIsCutAndItsRestReadAsTheNext() {
        String name = "x".repeat(63) + "dom0";
        GuestParameters p = params(TestElf.standard().stringNote(XenElfNotes.XEN_ELFNOTE_FEATURES, name));
        assertEquals(bits(11), p.featuresSupported());
    }

    @Test
    void supportedFeaturesNoteAddsBits() {
        GuestParameters p = params(TestElf.standard().rawNote(XenElfNotes.XEN_ELFNOTE_SUPPORTED_FEATURES,
                new byte[] {(byte) 0x81, 0, 0, 0}));
        assertEquals(bits(0, 7), p.featuresSupported());
        assertEquals(bits(), p.featuresRequired());
    }

    @Test
    void initP2mRules() {
        assertEquals(0x80_0000_0000L, params(TestElf.standard()
                .numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, 0x80_0000_0000L)).p2mBase());
        assertTrue(refused(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, TestElf.VIRT_BASE))
                .contains("INIT_P2M 0xffffffff80000000 (the P2M list's address) lies inside the kernel image"));
        // libxenguest ignores an address at or above VIRT_BASE, or not page aligned.
        assertEquals(GuestParameters.UNSET, params(TestElf.standard()
                .numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, TestElf.VIRT_BASE + (64 << 20))).p2mBase());
        assertEquals(GuestParameters.UNSET, params(TestElf.standard()
                .numericNote(XenElfNotes.XEN_ELFNOTE_INIT_P2M, 0x80_0000_0008L)).p2mBase());
    }

    @Test
    void modStartPfn() {
        assertTrue(params(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 1)).unmappedInitrd());
        assertTrue(!params(TestElf.standard().numericNote(XenElfNotes.XEN_ELFNOTE_MOD_START_PFN, 0)).unmappedInitrd());
    }

    @Test
    void sectionHeaderTableOutsideTheFileIsRefused() {
        byte[] image = TestElf.standard().notesInSectionOnly().bytes();
        java.nio.ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(40, image.length - 64);
        String message = assertThrows(DomainBuildException.class, () -> ElfImage.parse("k.elf", image)).getMessage();
        assertTrue(message.contains("section headers at 0x"), message);
    }

    @Test
    void noteSegmentAtFileOffsetZeroIsSkippedAsLibelfDoes() {
        byte[] image = TestElf.standard().bytes();
        // Second program header (PT_NOTE): p_offset = 0. Its notes are not read; there is no section to fall back on.
        java.nio.ByteBuffer.wrap(image).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 8, 0);
        String message = assertThrows(DomainBuildException.class, () -> params(image)).getMessage();
        assertTrue(message.contains("no \"Xen\" ELF notes"), message);
    }

    private static GuestParameters params(byte[] image) {
        return GuestParameters.from(ElfImage.parse("k.elf", image));
    }
}
