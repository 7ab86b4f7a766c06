package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.nodes.X86InstructionNode;

/**
 * Which blocks an OSR compilation takes in: the outermost natural loop around its target within
 * the size budget, else the innermost one. Block graphs are built directly: the entry (0), an
 * outer loop headed by 1 (1 -> 2, 4 -> 1), an inner loop headed by 2 (2 -> 3, 3 -> 2), the inner
 * loop's exit 4 and the region's exit after 1.
 */
class X86RegionLoopsTest {
    private static final int EXIT = X86BlockNode.EXIT;

    private static X86BlockNode jump(int instructions, int target) {
        return new X86BlockNode(0x1000, new X86InstructionNode[instructions], X86BlockNode.JUMP, 0, target, 0, EXIT, 0,
                new int[0], false, null, EXIT);
    }

    private static X86BlockNode branch(int instructions, int target, int fallthrough) {
        return new X86BlockNode(0x1000, new X86InstructionNode[instructions], X86BlockNode.CONDITIONAL, 0, target, 0, fallthrough, 0,
                new int[0], false, null, EXIT);
    }

    /** The nest, with {@code outerSize} instructions in each block of the outer loop only. */
    private static X86BlockNode[] nest(int outerSize) {
        return new X86BlockNode[] {
            jump(2, 1),
            branch(outerSize, 2, EXIT), // outer header: into the inner loop, or leave
            jump(3, 3), // inner header
            branch(2, 2, 4), // inner back edge, or fall out to the outer loop's end
            jump(outerSize, 1), // outer back edge
        };
    }

    @Test
    void aSmallNestCompilesAsOneUnit() {
        assertArrayEquals(new boolean[] {false, true, true, true, true}, X86RegionLoops.loopOf(nest(4), 2));
    }

    @Test
    void aHotLoopInsideABigColdLoopCompilesAlone() {
        int big = X86RegionLoops.LOOP_INSTRUCTION_BUDGET;
        assertArrayEquals(new boolean[] {false, false, true, true, false}, X86RegionLoops.loopOf(nest(big), 2));
        assertArrayEquals(new boolean[] {false, false, true, true, false}, X86RegionLoops.loopOf(nest(big), 3));
    }

    @Test
    void theOuterLoopsOwnTargetTakesTheWholeNest() {
        int big = X86RegionLoops.LOOP_INSTRUCTION_BUDGET;
        assertArrayEquals(new boolean[] {false, true, true, true, true}, X86RegionLoops.loopOf(nest(big), 1));
    }

    @Test
    void anIrreducibleLoopKeepsTheBlocksThatReachItsTargetBack() {
        // 0 branches into the middle of a two-block cycle 1 <-> 2: neither block dominates the other.
        X86BlockNode[] blocks = {
            branch(1, 1, 2),
            branch(1, 2, EXIT),
            branch(1, 1, EXIT),
        };
        assertArrayEquals(new boolean[] {false, true, true}, X86RegionLoops.loopOf(blocks, 1));
    }
}
