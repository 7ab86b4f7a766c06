package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.ULONG;
import static dev.trufflexen.xen.abi.AbiType.bytes;

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
    public static final int SIF_PM_MASK = 0xFF << 8;

    public static final AbiStruct LAYOUT = new AbiStruct("struct start_info", SIZE);
    public static final AbiField MAGIC_FIELD = LAYOUT.out(bytes(MAGIC_SIZE), "magic", OFF_MAGIC);
    public static final AbiField NR_PAGES = LAYOUT.out(ULONG, "nr_pages", OFF_NR_PAGES);
    public static final AbiField SHARED_INFO = LAYOUT.out(ULONG, "shared_info", OFF_SHARED_INFO);
    public static final AbiField FLAGS = LAYOUT.out(U32, "flags", OFF_FLAGS);
    public static final AbiField STORE_MFN = LAYOUT.out(ULONG, "store_mfn", OFF_STORE_MFN);
    public static final AbiField STORE_EVTCHN = LAYOUT.out(U32, "store_evtchn", OFF_STORE_EVTCHN);
    public static final AbiField CONSOLE_MFN = LAYOUT.out(ULONG, "console.domU.mfn", OFF_CONSOLE_MFN);
    public static final AbiField CONSOLE_EVTCHN = LAYOUT.out(U32, "console.domU.evtchn", OFF_CONSOLE_EVTCHN);
    public static final AbiField PT_BASE = LAYOUT.out(ULONG, "pt_base", OFF_PT_BASE);
    public static final AbiField NR_PT_FRAMES = LAYOUT.out(ULONG, "nr_pt_frames", OFF_NR_PT_FRAMES);
    public static final AbiField MFN_LIST = LAYOUT.out(ULONG, "mfn_list", OFF_MFN_LIST);
    public static final AbiField MOD_START = LAYOUT.out(ULONG, "mod_start", OFF_MOD_START);
    public static final AbiField MOD_LEN = LAYOUT.out(ULONG, "mod_len", OFF_MOD_LEN);
    public static final AbiField CMD_LINE = LAYOUT.out(bytes(MAX_GUEST_CMDLINE), "cmd_line", OFF_CMD_LINE);
    public static final AbiField FIRST_P2M_PFN = LAYOUT.out(ULONG, "first_p2m_pfn", OFF_FIRST_P2M_PFN);
    public static final AbiField NR_P2M_FRAMES = LAYOUT.out(ULONG, "nr_p2m_frames", OFF_NR_P2M_FRAMES);

    private StartInfo() {
    }
}
