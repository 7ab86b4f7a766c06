package dev.trufflexen.xen.abi;

/** vm_assist commands and assist types ({@code xen.h}). */
public final class VmAssist {
    public static final int VMASST_CMD_enable = 0;
    public static final int VMASST_CMD_disable = 1;
    public static final int VMASST_TYPE_4gb_segments = 0;
    public static final int VMASST_TYPE_4gb_segments_notify = 1;
    public static final int VMASST_TYPE_writable_pagetables = 2;
    public static final int VMASST_TYPE_pae_extended_cr3 = 3;
    public static final int VMASST_TYPE_architectural_iopl = 4;
    public static final int VMASST_TYPE_runstate_update_flag = 5;
    public static final int VMASST_TYPE_m2p_strict = 32;
    public static final int MAX_VMASST_TYPE = 3;

    private VmAssist() {
    }
}
