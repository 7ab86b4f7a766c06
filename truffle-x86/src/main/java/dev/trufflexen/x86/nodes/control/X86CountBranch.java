package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RCX;

import com.oracle.truffle.api.frame.VirtualFrame;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.X86FlagState;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.X86Sizes;

/**
 * LOOP, LOOPE, LOOPNE (E2, E1, E0) and JRCXZ/JECXZ (E3): branches on the count register. They
 * are conditional branches of the region like Jcc, with branch conditions beyond the sixteen
 * flag conditions ({@link #holds}); the LOOP forms first decrement RCX (ECX with a 67 prefix,
 * zero-extended into RCX as every 32-bit register write), without touching the flags.
 */
public final class X86CountBranch extends X86InstructionNode {
    /** The first condition code that is a count condition rather than a flag condition. */
    public static final int FIRST_CONDITION = 16;
    private static final int LOOP = 0;
    private static final int LOOPE = 1;
    private static final int LOOPNE = 2;
    private static final int JRCXZ = 3;
    private static final int ZERO_FLAG_SET = 4;
    private static final int ZERO_FLAG_CLEAR = 5;

    private final boolean count32;

    private X86CountBranch(long rip, int length, boolean count32) {
        super(rip, length);
        this.count32 = count32;
    }

    /** The node for opcode E0-E3 (JRCXZ only reads RCX, so it is a no-op node). */
    public static X86InstructionNode node(long rip, int length, int opcode, boolean count32) {
        return opcode == 0xE3 ? new X86NopNode(rip, length) : new X86CountBranch(rip, length, count32);
    }

    /** The branch condition of opcode E0-E3 for {@code X86FlagState}-style condition slots. */
    public static int condition(int opcode, boolean count32) {
        int kind = switch (opcode) {
            case 0xE0 -> LOOPNE;
            case 0xE1 -> LOOPE;
            case 0xE2 -> LOOP;
            default -> JRCXZ;
        };
        return FIRST_CONDITION + kind * 2 + (count32 ? 1 : 0);
    }

    /** Whether the count branch {@code condition} ({@link #condition}) is taken, after the node ran. */
    public static boolean holds(VirtualFrame frame, int condition) {
        int kind = (condition - FIRST_CONDITION) >> 1;
        long count = getRegister(frame, RCX);
        boolean nonZero = ((condition & 1) != 0 ? (int) count : count) != 0;
        return switch (kind) {
            case LOOP -> nonZero;
            case LOOPE -> nonZero && X86FlagState.condition(frame, ZERO_FLAG_SET);
            case LOOPNE -> nonZero && X86FlagState.condition(frame, ZERO_FLAG_CLEAR);
            default -> !nonZero;
        };
    }

    @Override
    public void execute(VirtualFrame frame, X86Cpu cpu) {
        long count = getRegister(frame, RCX) - 1;
        setRegister(frame, RCX, count32 ? X86Sizes.truncate(count, 4) : count);
    }
}
