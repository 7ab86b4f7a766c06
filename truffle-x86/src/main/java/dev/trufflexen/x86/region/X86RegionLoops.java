package dev.trufflexen.x86.region;

import java.util.ArrayDeque;

/**
 * The loops of a region's block graph, for OSR compilations that hold only their loop (see
 * {@link X86RegionRootNode}). A block's successors are the ones {@code runBlocks} can continue
 * at without leaving the region: a jump's or taken branch's target, a fall-through, the
 * in-region targets of a RET or a table jump, and the return block of a chained call.
 */
final class X86RegionLoops {
    private X86RegionLoops() {
    }

    /** The blocks reachable from {@code target} that reach it back ({@code target} itself included). */
    static boolean[] loopOf(X86BlockNode[] blocks, int target) {
        boolean[] forward = reachable(blocks, target, false);
        boolean[] backward = reachable(blocks, target, true);
        boolean[] loop = new boolean[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            loop[i] = forward[i] && backward[i];
        }
        loop[target] = true;
        return loop;
    }

    private static boolean[] reachable(X86BlockNode[] blocks, int from, boolean reverse) {
        boolean[] seen = new boolean[blocks.length];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        seen[from] = true;
        work.add(from);
        while (!work.isEmpty()) {
            int current = work.poll();
            for (int other = 0; other < blocks.length; other++) {
                boolean edge = reverse ? leadsTo(blocks[other], current) : leadsTo(blocks[current], other);
                if (edge && !seen[other]) {
                    seen[other] = true;
                    work.add(other);
                }
            }
        }
        return seen;
    }

    /** Whether {@code block} can continue at block {@code successor} inside the region. */
    static boolean leadsTo(X86BlockNode block, int successor) {
        if (block.chain != null && block.returnIndex == successor) {
            return true;
        }
        if (block.kind == X86BlockNode.DYNAMIC) {
            for (int candidate : block.dynamicTargets) {
                if (candidate == successor) {
                    return true;
                }
            }
            return false;
        }
        if (block.targetIndex == successor) {
            return true;
        }
        return block.kind == X86BlockNode.CONDITIONAL && block.fallthroughIndex == successor;
    }
}
