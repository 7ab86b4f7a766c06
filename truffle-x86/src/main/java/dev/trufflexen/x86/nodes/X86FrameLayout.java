package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;

/**
 * Frame slots of a region root. All slots are static {@code long} slots: the sixteen general
 * registers (slot number = register number), the lazy-flag state (see {@link X86FlagState}), and
 * bookkeeping for exits. Partial evaluation keeps them in machine registers; they reach
 * {@link dev.trufflexen.x86.cpu.X86Cpu} only at region exits.
 */
public final class X86FrameLayout {
    /** Materialized RFLAGS; its status bits are stale while {@link #FLAG_OP} is not NONE. */
    public static final int FLAGS = 16;
    /** The lazy flag operation ({@link X86FlagState}), including the operand size. */
    public static final int FLAG_OP = 17;
    public static final int FLAG_RESULT = 18;
    public static final int FLAG_SRC1 = 19;
    public static final int FLAG_SRC2 = 20;
    /** RIP of the instruction executing now: where a fault leaves RIP. */
    public static final int CURRENT_RIP = 21;
    /** Where execution continues after a dynamic exit (indirect branch, return). */
    public static final int NEXT_RIP = 22;
    public static final int SLOT_COUNT = 23;

    private X86FrameLayout() {
    }

    public static FrameDescriptor createDescriptor() {
        FrameDescriptor.Builder builder = FrameDescriptor.newBuilder(SLOT_COUNT);
        builder.addSlots(SLOT_COUNT, FrameSlotKind.Static);
        return builder.build();
    }
}
