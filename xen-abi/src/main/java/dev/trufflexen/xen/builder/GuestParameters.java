package dev.trufflexen.xen.builder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

import dev.trufflexen.xen.abi.XenElfNotes;

/**
 * What a PV kernel tells the domain builder about itself through its "Xen" ELF notes (or the
 * legacy {@code __xen_guest} string), and the addresses derived from them, following the rules
 * of Xen's libelf ({@code libelf-dominfo.c}).
 *
 * <ul>
 * <li>Notes come from the PT_NOTE segments; when none of them holds a "Xen" note, from the
 * SHT_NOTE sections; when those hold none either, from the {@code __xen_guest} section's
 * comma-separated {@code KEY=VALUE} string (see {@link ElfImage#noteSource()}).
 * <li>VIRT_BASE defaults to 0; PADDR_OFFSET without VIRT_BASE is an error; PADDR_OFFSET defaults
 * to 0 with notes, to VIRT_BASE with {@code __xen_guest} (older hypervisors set p_paddr to the
 * virtual address).
 * <li>The kernel occupies {@code [pstart, pend) + (virt_base - paddr_offset)}, where pstart/pend
 * bound the loadable segments by p_paddr (not p_vaddr: Linux has a segment with vaddr 0).
 * <li>ENTRY defaults to e_entry. LOADER must be "generic" or GUEST_OS "linux"; XEN_VERSION must
 * be "xen-3.0".
 * <li>FEATURES is a '|'-separated list of feature names libelf knows; "!name" marks a feature the
 * kernel requires (and so supports). A required feature libelf does not know fails the parse; a
 * supported one it does not know is ignored. The features the kernel requires must lie within
 * those it supports (libxenguest's {@code xc_dom_parse_image}).
 * <li>INIT_P2M must not point into the kernel image; MOD_START_PFN asks for the initial ramdisk
 * outside the boot mapping, given by frame number.
 * </ul>
 */
public final class GuestParameters {
    public static final long UNSET = -1L;

    /** The feature names libelf recognizes in FEATURES, with their XENFEAT_* bits. */
    private static final java.util.Map<String, Integer> LIBELF_FEATURES = java.util.Map.of(
            "writable_page_tables", 0, "writable_descriptor_tables", 1, "auto_translated_physmap", 2,
            "supervisor_mode_kernel", 3, "pae_pgdir_above_4gb", 4, "hvm_callback_vector", 8, "dom0", 11);
    /** libelf reads a FEATURES entry into a 64-byte buffer: a longer entry is cut, its rest read as the next. */
    private static final int FEATURE_ENTRY_MAX = 63;

    /** Names of the XENFEAT_* bits, for messages. */
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
    boolean unmappedInitrd;
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
        if (!p.hasXenNotes && elf.xenGuestInfo() != null) {
            new XenGuestInfo(p, elf).parse(elf.xenGuestInfo());
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
            case XenElfNotes.XEN_ELFNOTE_MOD_START_PFN -> unmappedInitrd = numeric(elf, note) != 0;
            case XenElfNotes.XEN_ELFNOTE_HV_START_LOW -> hvStartLow = numeric(elf, note);
            case XenElfNotes.XEN_ELFNOTE_FEATURES -> parseFeatures(elf, string(note));
            case XenElfNotes.XEN_ELFNOTE_SUPPORTED_FEATURES -> {
                // One 32-bit word per XENFEAT submap; libelf reads the words the descriptor has.
                if (note.desc().length >= 4) {
                    long bits = Integer.toUnsignedLong(ByteBuffer.wrap(note.desc()).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
                    featuresSupported.or(BitSet.valueOf(new long[] {bits}));
                }
            }
            default -> {
                // Notes the PV builder does not act on (SUSPEND_CANCEL, L1_MFN_VALID, BSD_SYMTAB,
                // PHYS32_ENTRY, unknown future notes) are ignored, as in Xen.
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

    /** libelf's {@code elf_xen_parse_features}: entries separated by '|', at most 63 characters each. */
    void parseFeatures(ElfImage elf, String list) {
        int pos = 0;
        while (pos < list.length()) {
            int len = 0;
            StringBuilder entry = new StringBuilder();
            while (len < FEATURE_ENTRY_MAX && pos + len < list.length()) {
                char c = list.charAt(pos + len);
                if (c == '|') {
                    len++;
                    break;
                }
                entry.append(c);
                len++;
            }
            pos += len;
            String token = entry.toString();
            boolean required = token.startsWith("!");
            String name = required ? token.substring(1) : token;
            Integer bit = LIBELF_FEATURES.get(name);
            if (bit == null) {
                if (required) {
                    throw ElfImage.error(elf.fileName(), "kernel requires unknown Xen feature '" + printable(name)
                            + "' (FEATURES)");
                }
                continue;
            }
            featuresSupported.set(bit);
            if (required) {
                featuresRequired.set(bit);
            }
        }
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }

    private void check(ElfImage elf) {
        String file = elf.fileName();
        if (!hasXenNotes) {
            throw ElfImage.error(file, "not a Xen PV kernel: no \"Xen\" ELF notes (in PT_NOTE segments or SHT_NOTE "
                    + "sections) and no __xen_guest section");
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
            paddrOffset = elf.noteSource() == ElfImage.NoteSource.NONE ? virtBase : 0;
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
        if (initP2m != UNSET && Long.compareUnsigned(initP2m, virtKstart) >= 0
                && Long.compareUnsigned(initP2m, virtKend) < 0) {
            throw ElfImage.error(file, String.format("INIT_P2M 0x%x (the P2M list's address) lies inside the kernel "
                    + "image 0x%x-0x%x", initP2m, virtKstart, virtKend));
        }
        BitSet outside = featuresRequired();
        outside.andNot(featuresSupported);
        if (!outside.isEmpty()) {
            throw ElfImage.error(file, "kernel requires Xen feature '" + featureName(outside.nextSetBit(0))
                    + "' that it does not support");
        }
    }

    /**
     * Where the P2M list goes: the INIT_P2M address, or {@link #UNSET} when there is none or
     * libxenguest would ignore it (not below VIRT_BASE, or not page aligned).
     */
    public long p2mBase() {
        if (initP2m == UNSET || Long.compareUnsigned(initP2m, virtBase) >= 0 || (initP2m & 0xFFF) != 0) {
            return UNSET;
        }
        return initP2m;
    }

    /** True when the kernel's MOD_START_PFN note asks for its ramdisk outside the boot mapping. */
    public boolean unmappedInitrd() {
        return unmappedInitrd;
    }

    public BitSet featuresSupported() {
        return (BitSet) featuresSupported.clone();
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
