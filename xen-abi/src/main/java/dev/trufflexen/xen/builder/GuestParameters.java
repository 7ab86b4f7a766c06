package dev.trufflexen.xen.builder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

import dev.trufflexen.xen.abi.XenElfNotes;

/**
 * What a PV kernel tells the domain builder about itself through its "Xen" ELF notes, and the
 * addresses derived from them, following the rules of Xen's libelf.
 *
 * <ul>
 * <li>VIRT_BASE defaults to 0; PADDR_OFFSET without VIRT_BASE is an error; PADDR_OFFSET
 * defaults to 0 (the notes interface; the legacy {@code __xen_guest} section is not supported).
 * <li>The kernel occupies {@code [pstart, pend) + (virt_base - paddr_offset)}, where pstart/pend
 * bound the loadable segments by p_paddr (not p_vaddr: Linux has a segment with vaddr 0).
 * <li>ENTRY defaults to e_entry. LOADER must be "generic" or GUEST_OS "linux"; XEN_VERSION must
 * be "xen-3.0".
 * </ul>
 */
public final class GuestParameters {
    public static final long UNSET = -1L;

    /** Feature names of the FEATURES note, indexed by XENFEAT_* bit. */
    static final String[] FEATURE_NAMES = {"writable_page_tables", "writable_descriptor_tables",
        "auto_translated_physmap", "supervisor_mode_kernel", "pae_pgdir_above_4gb", "mmu_pt_update_preserve_ad",
        "highmem_assist", "gnttab_map_avail_bits", "hvm_callback_vector", "hvm_safe_pvclock", "hvm_pirqs",
        "dom0"};

    String guestOs = "";
    String guestVersion = "";
    String xenVersion = "";
    String loader = "";
    String paeMode = "";
    long virtBase = UNSET;
    long paddrOffset = UNSET;
    long virtEntry = UNSET;
    long hypercallPage = UNSET;
    long initP2m = UNSET;
    long hvStartLow = UNSET;
    final BitSet featuresSupported = new BitSet();
    final BitSet featuresRequired = new BitSet();
    boolean hasXenNotes;

    long virtKstart;
    long virtKend;
    long physKstart;
    long physKend;

    private GuestParameters() {
    }

    /** Reads the notes of {@code elf} and computes the kernel's virtual placement. */
    public static GuestParameters from(ElfImage elf) {
        GuestParameters p = new GuestParameters();
        for (ElfImage.Note note : elf.notes()) {
            if (note.name().equals(XenElfNotes.NOTE_NAME)) {
                p.hasXenNotes = true;
                p.apply(elf, note);
            }
        }
        p.check(elf);
        return p;
    }

    private void apply(ElfImage elf, ElfImage.Note note) {
        switch (note.type()) {
            case XenElfNotes.XEN_ELFNOTE_GUEST_OS -> guestOs = string(note);
            case XenElfNotes.XEN_ELFNOTE_GUEST_VERSION -> guestVersion = string(note);
            case XenElfNotes.XEN_ELFNOTE_XEN_VERSION -> xenVersion = string(note);
            case XenElfNotes.XEN_ELFNOTE_LOADER -> loader = string(note);
            case XenElfNotes.XEN_ELFNOTE_PAE_MODE -> paeMode = string(note);
            case XenElfNotes.XEN_ELFNOTE_VIRT_BASE -> virtBase = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_PADDR_OFFSET -> paddrOffset = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_ENTRY -> virtEntry = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_HYPERCALL_PAGE -> hypercallPage = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_INIT_P2M -> initP2m = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_HV_START_LOW -> hvStartLow = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_FEATURES -> parseFeatures(elf, string(note));
            case XenElfNotes.XEN_ELFNOTE_SUPPORTED_FEATURES -> {
                long bits = numeric(elf, note);
                featuresSupported.or(BitSet.valueOf(new long[] {bits & 0xFFFF_FFFFL}));
            }
            default -> {
                // Notes the PV builder does not act on (SUSPEND_CANCEL, L1_MFN_VALID, BSD_SYMTAB,
                // MOD_START_PFN, PHYS32_ENTRY, unknown future notes) are ignored, as in Xen.
            }
        }
    }

    private static String string(ElfImage.Note note) {
        byte[] desc = note.desc();
        int length = 0;
        while (length < desc.length && desc[length] != 0) {
            length++;
        }
        return new String(desc, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static long numeric(ElfImage elf, ElfImage.Note note) {
        ByteBuffer buf = ByteBuffer.wrap(note.desc()).order(ByteOrder.LITTLE_ENDIAN);
        return switch (note.desc().length) {
            case 1 -> Byte.toUnsignedLong(buf.get(0));
            case 2 -> Short.toUnsignedLong(buf.getShort(0));
            case 4 -> Integer.toUnsignedLong(buf.getInt(0));
            case 8 -> buf.getLong(0);
            default -> throw ElfImage.error(elf.fileName(), "Xen ELF note " + note.type()
                    + " has a " + note.desc().length + "-byte value; numeric notes are 1, 2, 4 or 8 bytes");
        };
    }

    private void parseFeatures(ElfImage elf, String list) {
        for (String token : list.split("\\|")) {
            if (token.isEmpty()) {
                continue;
            }
            boolean required = token.startsWith("!");
            String name = required ? token.substring(1) : token;
            int bit = java.util.Arrays.asList(FEATURE_NAMES).indexOf(name);
            if (bit < 0) {
                if (required) {
                    throw ElfImage.error(elf.fileName(), "kernel requires unknown Xen feature '" + name + "'");
                }
                continue;
            }
            featuresSupported.set(bit);
            if (required) {
                featuresRequired.set(bit);
            }
        }
    }

    private void check(ElfImage elf) {
        String file = elf.fileName();
        if (!hasXenNotes) {
            throw ElfImage.error(file, "not a Xen PV kernel: no \"Xen\" ELF notes");
        }
        if (!loader.startsWith("generic") && !guestOs.startsWith("linux")) {
            throw ElfImage.error(file, "Xen will only load images built for the generic loader or Linux images "
                    + "(LOADER '" + loader + "', GUEST_OS '" + guestOs + "')");
        }
        if (!xenVersion.startsWith("xen-3.0")) {
            throw ElfImage.error(file, "Xen will only load images built for Xen v3.0 (XEN_VERSION '" + xenVersion + "')");
        }
        if (paddrOffset != UNSET && virtBase == UNSET) {
            throw ElfImage.error(file, "ELF_PADDR_OFFSET set, VIRT_BASE unset");
        }
        if (virtBase == UNSET) {
            virtBase = 0;
        }
        if (paddrOffset == UNSET) {
            paddrOffset = 0;
        }
        long virtOffset = virtBase - paddrOffset;
        physKstart = elf.lowestPaddr();
        physKend = elf.highestPaddrEnd();
        virtKstart = physKstart + virtOffset;
        virtKend = physKend + virtOffset;
        boolean entryFromNote = virtEntry != UNSET;
        if (!entryFromNote) {
            virtEntry = elf.entry();
        }
        if (Long.compareUnsigned(virtKstart, virtKend) > 0
                || Long.compareUnsigned(virtBase, virtKstart) > 0
                || (entryFromNote && (Long.compareUnsigned(virtEntry, virtKstart) < 0
                        || Long.compareUnsigned(virtEntry, virtKend) > 0))) {
            throw ElfImage.error(file, String.format("ELF start or entries are out of bounds "
                    + "(virt_base 0x%x, kernel 0x%x-0x%x, entry 0x%x)", virtBase, virtKstart, virtKend, virtEntry));
        }
        if (hypercallPage != UNSET && (Long.compareUnsigned(hypercallPage, virtKstart) < 0
                || Long.compareUnsigned(hypercallPage, virtKend - 4096) > 0 || (hypercallPage & 0xFFF) != 0)) {
            throw ElfImage.error(file, String.format("HYPERCALL_PAGE 0x%x is not a page-aligned page inside the "
                    + "kernel image 0x%x-0x%x", hypercallPage, virtKstart, virtKend));
        }
        if (initP2m != UNSET) {
            throw ElfImage.error(file, "the INIT_P2M note (P2M list outside the boot mapping) is not supported yet");
        }
    }

    public long virtBase() {
        return virtBase;
    }

    public long paddrOffset() {
        return paddrOffset;
    }

    public long virtEntry() {
        return virtEntry;
    }

    public long hypercallPage() {
        return hypercallPage;
    }

    public long virtKstart() {
        return virtKstart;
    }

    public long virtKend() {
        return virtKend;
    }

    public String guestOs() {
        return guestOs;
    }

    public String loader() {
        return loader;
    }

    public String xenVersion() {
        return xenVersion;
    }

    public String guestVersion() {
        return guestVersion;
    }

    public BitSet featuresRequired() {
        return (BitSet) featuresRequired.clone();
    }

    /** Name of a XENFEAT_* bit in the FEATURES note. */
    public static String featureName(int bit) {
        return bit < FEATURE_NAMES.length ? FEATURE_NAMES[bit] : "feature " + bit;
    }
}
