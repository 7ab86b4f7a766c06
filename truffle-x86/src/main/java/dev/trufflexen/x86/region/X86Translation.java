package dev.trufflexen.x86.region;

import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * What one instruction contributes to a region: its node and how control leaves it.
 *
 * @param flow {@link #CONTINUE} (next instruction), {@link #JUMP} (direct jump or call to
 *            {@code target}), {@link #CONDITIONAL} (Jcc {@code conditionCode} to {@code target},
 *            else fall through), {@link #DYNAMIC} (the node stores the next RIP: indirect branch,
 *            return) or {@link #STOP} (the node always leaves the region by exception)
 */
record X86Translation(X86InstructionNode node, int flow, long target, int conditionCode) {
    static final int CONTINUE = 0;
    static final int JUMP = 1;
    static final int CONDITIONAL = 2;
    static final int DYNAMIC = 3;
    static final int STOP = 4;

    static X86Translation next(X86InstructionNode node) {
        return new X86Translation(node, CONTINUE, 0, 0);
    }

    static X86Translation jump(X86InstructionNode node, long target) {
        return new X86Translation(node, JUMP, target, 0);
    }

    static X86Translation branch(X86InstructionNode node, int conditionCode, long target) {
        return new X86Translation(node, CONDITIONAL, target, conditionCode);
    }

    static X86Translation exit(X86InstructionNode node) {
        return new X86Translation(node, DYNAMIC, 0, 0);
    }

    static X86Translation stop(X86InstructionNode node) {
        return new X86Translation(node, STOP, 0, 0);
    }
}
