package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.U64;
import static dev.trufflexen.xen.abi.AbiType.ULONG;

/**
 * The PV MMU interface ({@code xen.h}): mmu_update commands (the low two bits of
 * {@code mmu_update.ptr}), mmuext_op commands, and the flags of update_va_mapping.
 */
public final class Mmu {
    public static final int MMU_NORMAL_PT_UPDATE = 0;
    public static final int MMU_MACHPHYS_UPDATE = 1;
    public static final int MMU_PT_UPDATE_PRESERVE_AD = 2;
    public static final int MMU_PT_UPDATE_NO_TRANSLATE = 3;

    /** Set in the count of a continued mmu_update or mmuext_op. */
    public static final long MMU_UPDATE_PREEMPTED = 0x8000_0000L;

    public static final int MMUEXT_PIN_L1_TABLE = 0;
    public static final int MMUEXT_PIN_L2_TABLE = 1;
    public static final int MMUEXT_PIN_L3_TABLE = 2;
    public static final int MMUEXT_PIN_L4_TABLE = 3;
    public static final int MMUEXT_UNPIN_TABLE = 4;
    public static final int MMUEXT_NEW_BASEPTR = 5;
    public static final int MMUEXT_TLB_FLUSH_LOCAL = 6;
    public static final int MMUEXT_INVLPG_LOCAL = 7;
    public static final int MMUEXT_TLB_FLUSH_MULTI = 8;
    public static final int MMUEXT_INVLPG_MULTI = 9;
    public static final int MMUEXT_TLB_FLUSH_ALL = 10;
    public static final int MMUEXT_INVLPG_ALL = 11;
    public static final int MMUEXT_FLUSH_CACHE = 12;
    public static final int MMUEXT_SET_LDT = 13;
    public static final int MMUEXT_NEW_USER_BASEPTR = 15;
    public static final int MMUEXT_CLEAR_PAGE = 16;
    public static final int MMUEXT_COPY_PAGE = 17;
    public static final int MMUEXT_FLUSH_CACHE_GLOBAL = 18;
    public static final int MMUEXT_MARK_SUPER = 19;
    public static final int MMUEXT_UNMARK_SUPER = 20;

    public static final long UVMF_NONE = 0L << 0;
    public static final long UVMF_TLB_FLUSH = 1L << 0;
    public static final long UVMF_INVLPG = 2L << 0;
    public static final long UVMF_FLUSHTYPE_MASK = 3L << 0;
    public static final long UVMF_MULTI = 0L << 2;
    public static final long UVMF_LOCAL = 0L << 2;
    public static final long UVMF_ALL = 1L << 2;

    /** struct mmu_update: one request of mmu_update. */
    public static final AbiStruct MMU_UPDATE_LAYOUT = new AbiStruct("struct mmu_update", 16);
    public static final AbiField MMU_UPDATE_PTR = MMU_UPDATE_LAYOUT.in(U64, "ptr", 0);
    public static final AbiField MMU_UPDATE_VAL = MMU_UPDATE_LAYOUT.in(U64, "val", 8);

    /** struct mmuext_op: one request of mmuext_op (arg1 and arg2 are unions of one word). */
    public static final AbiStruct MMUEXT_OP_LAYOUT = new AbiStruct("struct mmuext_op", 24);
    public static final AbiField MMUEXT_OP_CMD = MMUEXT_OP_LAYOUT.in(U32, "cmd", 0);
    public static final AbiField MMUEXT_OP_ARG1 = MMUEXT_OP_LAYOUT.in(ULONG, "arg1.mfn", 8);
    public static final AbiField MMUEXT_OP_ARG2 = MMUEXT_OP_LAYOUT.in(ULONG, "arg2.src_mfn", 16);

    private Mmu() {
    }
}
