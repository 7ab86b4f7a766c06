package dev.trufflexen.xen.abi;

/** ELF note types in notes named "Xen" ({@code xen/include/public/elfnote.h}). */
public final class XenElfNotes {
    public static final String NOTE_NAME = "Xen";

    public static final int XEN_ELFNOTE_INFO = 0;
    public static final int XEN_ELFNOTE_ENTRY = 1;
    public static final int XEN_ELFNOTE_HYPERCALL_PAGE = 2;
    public static final int XEN_ELFNOTE_VIRT_BASE = 3;
    public static final int XEN_ELFNOTE_PADDR_OFFSET = 4;
    public static final int XEN_ELFNOTE_XEN_VERSION = 5;
    public static final int XEN_ELFNOTE_GUEST_OS = 6;
    public static final int XEN_ELFNOTE_GUEST_VERSION = 7;
    public static final int XEN_ELFNOTE_LOADER = 8;
    public static final int XEN_ELFNOTE_PAE_MODE = 9;
    public static final int XEN_ELFNOTE_FEATURES = 10;
    public static final int XEN_ELFNOTE_BSD_SYMTAB = 11;
    public static final int XEN_ELFNOTE_HV_START_LOW = 12;
    public static final int XEN_ELFNOTE_L1_MFN_VALID = 13;
    public static final int XEN_ELFNOTE_SUSPEND_CANCEL = 14;
    public static final int XEN_ELFNOTE_INIT_P2M = 15;
    public static final int XEN_ELFNOTE_MOD_START_PFN = 16;
    public static final int XEN_ELFNOTE_SUPPORTED_FEATURES = 17;
    public static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    public static final int XEN_ELFNOTE_PHYS32_RELOC = 19;
    public static final int XEN_ELFNOTE_MAX = XEN_ELFNOTE_PHYS32_RELOC;
    /** Notes of Xen's own crash dumps (not in kernel images). */
    public static final int XEN_ELFNOTE_CRASH_INFO = 0x1000001;
    public static final int XEN_ELFNOTE_CRASH_REGS = 0x1000002;
    public static final int XEN_ELFNOTE_DUMPCORE_NONE = 0x2000000;
    public static final int XEN_ELFNOTE_DUMPCORE_HEADER = 0x2000001;
    public static final int XEN_ELFNOTE_DUMPCORE_XEN_VERSION = 0x2000002;
    public static final int XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION = 0x2000003;

    private XenElfNotes() {
    }
}
