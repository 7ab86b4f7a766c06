package dev.trufflexen.xen.abi;

/** {@code struct start_info} for x86-64 ({@code xen.h}): what the domain builder hands a PV guest. */
public final class StartInfo {
    public static final String MAGIC = "xen-3.0-x86_64";
    public static final int MAGIC_SIZE = 32;
    public static final int MAX_GUEST_CMDLINE = 1024;

    public static final int OFF_MAGIC = 0;
    public static final int OFF_NR_PAGES = 32;
    public static final int OFF_SHARED_INFO = 40;
    public static final int OFF_FLAGS = 48;
    public static final int OFF_STORE_MFN = 56;
    public static final int OFF_STORE_EVTCHN = 64;
    public static final int OFF_CONSOLE_MFN = 72;
    public static final int OFF_CONSOLE_EVTCHN = 80;
    public static final int OFF_PT_BASE = 88;
    public static final int OFF_NR_PT_FRAMES = 96;
    public static final int OFF_MFN_LIST = 104;
    public static final int OFF_MOD_START = 112;
    public static final int OFF_MOD_LEN = 120;
    public static final int OFF_CMD_LINE = 128;
    public static final int OFF_FIRST_P2M_PFN = 1152;
    public static final int OFF_NR_P2M_FRAMES = 1160;
    public static final int SIZE = 1168;

    /** start_info.flags. */
    public static final int SIF_PRIVILEGED = 1 << 0;
    public static final int SIF_INITDOMAIN = 1 << 1;
    public static final int SIF_MULTIBOOT_MOD = 1 << 2;
    public static final int SIF_MOD_START_PFN = 1 << 3;
    public static final int SIF_VIRT_P2M_4TOOLS = 1 << 4;

    public static final AbiStruct LAYOUT = new AbiStruct("struct start_info", SIZE)
            .field("magic", OFF_MAGIC)
            .field("nr_pages", OFF_NR_PAGES)
            .field("shared_info", OFF_SHARED_INFO)
            .field("flags", OFF_FLAGS)
            .field("store_mfn", OFF_STORE_MFN)
            .field("store_evtchn", OFF_STORE_EVTCHN)
            .field("console.domU.mfn", OFF_CONSOLE_MFN)
            .field("console.domU.evtchn", OFF_CONSOLE_EVTCHN)
            .field("pt_base", OFF_PT_BASE)
            .field("nr_pt_frames", OFF_NR_PT_FRAMES)
            .field("mfn_list", OFF_MFN_LIST)
            .field("mod_start", OFF_MOD_START)
            .field("mod_len", OFF_MOD_LEN)
            .field("cmd_line", OFF_CMD_LINE)
            .field("first_p2m_pfn", OFF_FIRST_P2M_PFN)
            .field("nr_p2m_frames", OFF_NR_P2M_FRAMES);

    private StartInfo() {
    }
}
