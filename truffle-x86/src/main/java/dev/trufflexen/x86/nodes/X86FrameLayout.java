package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.frame.FrameDescriptor;
import com.oracle.truffle.api.frame.FrameSlotKind;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Frame slots of a region root: the sixteen general registers (slot number = register number),
 * ordinary slots whose tag says whether the register is in the frame yet ({@link
 * X86FrameRegisters}); then static slots, holding {@code long}s but for the CPU: the lazy-flag
 * state (see {@link X86FlagState}), bookkeeping for exits, the CPU, the expected return address
 * and an OSR entry block, then the translations cached by memory-access sites (see {@link X86MemorySite}): the stack's at fixed slots, then four per operand site;
 * last, in regions that keep them in the frame, XMM0-15 (two slots each, see
 * {@link dev.trufflexen.x86.nodes.sse.X86XmmFrame}). Partial evaluation keeps them in machine
 * registers; registers and flags reach {@link dev.trufflexen.x86.cpu.X86Cpu} only at region
 * exits, cached translations never.
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
    /** The lazy flag state a rotate leaves SF, ZF, AF and PF to (see {@link X86FlagState#ROTATE}): four slots. */
    public static final int FLAG_PREVIOUS = 23;
    /**
     * The CPU running the region (an object in a static slot). A loop's OSR compilation reads
     * it from here: the OSR code of a region is shared by every CPU that runs the region, so the
     * CPU must come with the frame, never with the state of the OSR request that compiled it.
     */
    public static final int CPU = 27;
    /** The return address of the chained call that entered the region (see the region root). */
    public static final int EXPECTED_RETURN = 28;
    /**
     * The block at which the interpreter enters its loop's OSR compilation: written just before
     * it does (a compilation serving several back-edge targets of one loop reads it to start
     * there), and while it goes on to the block that keys that compilation after a back edge to
     * another block of the loop asked for it (see the region root); -1 otherwise.
     */
    public static final int OSR_BLOCK = 29;
    /** The memory-site cache of stack accesses (PUSH, POP, CALL, RET, LEAVE): four slots. */
    public static final int STACK_SITE = 30;
    /** The first slot of operand memory-site caches. */
    public static final int FIRST_SITE = STACK_SITE + X86MemorySite.SLOTS;

    private X86FrameLayout() {
    }

    /** A region frame with {@code slotCount} slots (at least {@link #FIRST_SITE}). */
    public static FrameDescriptor createDescriptor(int slotCount) {
        FrameDescriptor.Builder builder = FrameDescriptor.newBuilder(slotCount);
        builder.addSlots(X86Reg.COUNT, FrameSlotKind.Long);
        builder.addSlots(slotCount - X86Reg.COUNT, FrameSlotKind.Static);
        return builder.build();
    }
}
