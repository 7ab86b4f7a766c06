package dev.trufflexen.x86.region;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * The loops of a region's block graph, for OSR compilations that hold only their loop (see
 * {@link X86RegionRootNode}). A block's successors are the ones {@code runBlocks} can continue
 * at without leaving the region: a jump's or taken branch's target, a fall-through, the
 * in-region targets of a RET or a table jump, and the return block of a chained call.
 *
 * <p><b>Which loop.</b> The loops around an OSR target are the natural loops containing it (a
 * header {@code H} that dominates a predecessor {@code S}, and the blocks reaching {@code S}
 * without passing {@code H}). An OSR compilation holds the outermost of them whose guest
 * instructions fit {@link #LOOP_INSTRUCTION_BUDGET} (a chained call counting as the guest
 * instructions of the callees its inline cache holds, or {@link #CHAINED_CALL_WEIGHT} while it
 * holds none), or the innermost when none fits: nested
 * loops of a small kernel compile as one unit, while a hot loop that a big region nests inside
 * a cold outer loop (a benchmark's round loop, a main loop full of printing) compiles alone,
 * in a fraction of the time and machine code. Targets in no natural loop (irreducible flow)
 * keep the plain rule: the blocks reachable from the target that reach it back.
 */
final class X86RegionLoops {
    /**
     * The most guest instructions an OSR compilation takes in by including loops around its
     * target's innermost one; set with {@code -Dtrufflexen.osrLoopInstructions=N} (0: always the
     * innermost loop; a large N: every enclosing loop, the plain rule's result for nests).
     */
    static final int LOOP_INSTRUCTION_BUDGET = Integer.getInteger("trufflexen.osrLoopInstructions", 128);
    /**
     * What a block ending in a chained call adds to its loop's size, in guest instructions: the
     * call's inline cache may inline up to {@link X86ChainedCall#CACHE_ENTRIES} callees into
     * the compilation.
     */
    static final int CHAINED_CALL_WEIGHT = Integer.getInteger("trufflexen.chainedCallWeight", 48);

    /**
     * Whether a chained call whose inline cache holds callees weighs what they add to a
     * compilation, their guest instructions, instead of {@link #CHAINED_CALL_WEIGHT}; off with
     * {@code -Dtrufflexen.weighInlinedCallees=false}. An OSR target's loop is chosen once the
     * loop is hot, when its calls have met their callees: a loop making three virtual calls to
     * methods of 3-9 instructions then fits the budget with its enclosing loop, which it did
     * not at 48 per call, and its OSR code no longer returns (and deoptimizes) every time the
     * inner loop ends.
     */
    private static final boolean WEIGH_INLINED_CALLEES = !"false".equals(System.getProperty("trufflexen.weighInlinedCallees"));

    private static int chainedCallWeight(X86ChainedCall chain) {
        int inlined = WEIGH_INLINED_CALLEES ? chain.inlinedInstructions() : -1;
        return inlined >= 0 ? inlined : CHAINED_CALL_WEIGHT;
    }

    /** With {@code -Dtrufflexen.traceOsrLoops=true} each OSR target's loop is reported on stderr. */
    private static final boolean TRACE = Boolean.getBoolean("trufflexen.traceOsrLoops");

    private static BitSet all(int n) {
        BitSet all = new BitSet(n);
        all.set(0, n);
        return all;
    }

    private X86RegionLoops() {
    }

    /** The blocks an OSR compilation entered at {@code target} runs ({@code target} itself included). */
    static boolean[] loopOf(X86BlockNode[] blocks, int target) {
        BitSet chosen = chooseLoop(blocks, target);
        if (TRACE) {
            System.err.printf("osr loop x86@%x target %d: %s blocks %s instructions %d of %d%n", blocks[0].startRip, target,
                    chosen == null ? "no natural loop," : "natural loop,", chosen == null ? "-" : chosen.toString(),
                    chosen == null ? -1 : instructions(blocks, chosen), instructions(blocks, all(blocks.length)));
        }
        if (chosen == null) {
            return reachingBack(blocks, target);
        }
        boolean[] loop = new boolean[blocks.length];
        for (int i = chosen.nextSetBit(0); i >= 0; i = chosen.nextSetBit(i + 1)) {
            loop[i] = true;
        }
        loop[target] = true;
        return loop;
    }

    /** The natural loop around {@code target} that {@link #LOOP_INSTRUCTION_BUDGET} selects, or null when it is in none. */
    private static BitSet chooseLoop(X86BlockNode[] blocks, int target) {
        int n = blocks.length;
        BitSet[] dominators = dominators(blocks);
        if (dominators == null || dominators[target] == null) {
            return null;
        }
        BitSet innermost = null;
        int innermostSize = Integer.MAX_VALUE;
        BitSet fitting = null;
        int fittingSize = -1;
        for (int header = 0; header < n; header++) {
            if (!dominators[target].get(header)) {
                continue; // a loop containing target has a header dominating it
            }
            BitSet loop = naturalLoop(blocks, dominators, header);
            if (loop == null || !loop.get(target)) {
                continue;
            }
            int size = instructions(blocks, loop);
            if (size < innermostSize) {
                innermost = loop;
                innermostSize = size;
            }
            if (size <= LOOP_INSTRUCTION_BUDGET && size > fittingSize) {
                fitting = loop;
                fittingSize = size;
            }
        }
        return fitting != null ? fitting : innermost;
    }

    /**
     * Whether a natural loop of the region holds every block of {@code loop} (the blocks an OSR
     * compilation at {@code target} runs) and more: then the compilation returns every time the
     * enclosing loop goes round, which is often.
     */
    static boolean enclosedByLargerLoop(X86BlockNode[] blocks, int target, boolean[] loop) {
        BitSet[] dominators = dominators(blocks);
        if (dominators == null || dominators[target] == null) {
            return false;
        }
        int size = 0;
        for (boolean in : loop) {
            size += in ? 1 : 0;
        }
        for (int header = 0; header < blocks.length; header++) {
            if (!dominators[target].get(header)) {
                continue;
            }
            BitSet enclosing = naturalLoop(blocks, dominators, header);
            if (enclosing != null && enclosing.get(target) && enclosing.cardinality() > size && holdsAll(enclosing, loop)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsAll(BitSet enclosing, boolean[] loop) {
        for (int i = 0; i < loop.length; i++) {
            if (loop[i] && !enclosing.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The natural loop of {@code header} (null when no back edge enters it). */
    private static BitSet naturalLoop(X86BlockNode[] blocks, BitSet[] dominators, int header) {
        BitSet loop = new BitSet(blocks.length);
        loop.set(header);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        for (int source = 0; source < blocks.length; source++) {
            if (dominators[source] != null && dominators[source].get(header) && leadsTo(blocks[source], header) && !loop.get(source)) {
                loop.set(source);
                work.add(source);
            }
        }
        if (work.isEmpty() && !leadsTo(blocks[header], header)) {
            return null;
        }
        while (!work.isEmpty()) {
            int current = work.poll();
            for (int other = 0; other < blocks.length; other++) {
                if (!loop.get(other) && dominators[other] != null && leadsTo(blocks[other], current)) {
                    loop.set(other);
                    work.add(other);
                }
            }
        }
        return loop;
    }

    /**
     * Each block's dominators (from the entry, block 0); null for blocks the entry does not
     * reach in this graph.
     */
    static BitSet[] dominators(X86BlockNode[] blocks) {
        int n = blocks.length;
        boolean[] reachable = reachable(blocks, 0, false);
        BitSet[] dom = new BitSet[n];
        for (int i = 0; i < n; i++) {
            if (!reachable[i]) {
                continue;
            }
            dom[i] = new BitSet(n);
            if (i == 0) {
                dom[i].set(0);
            } else {
                dom[i].set(0, n);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 1; i < n; i++) {
                if (dom[i] == null) {
                    continue;
                }
                BitSet next = null;
                for (int p = 0; p < n; p++) {
                    if (dom[p] != null && leadsTo(blocks[p], i)) {
                        if (next == null) {
                            next = (BitSet) dom[p].clone();
                        } else {
                            next.and(dom[p]);
                        }
                    }
                }
                if (next == null) {
                    next = new BitSet(n);
                }
                next.set(i);
                if (!next.equals(dom[i])) {
                    dom[i] = next;
                    changed = true;
                }
            }
        }
        return dom;
    }

    /** The region's size as {@link #LOOP_INSTRUCTION_BUDGET} counts it: all its blocks. */
    static int size(X86BlockNode[] blocks) {
        return instructions(blocks, all(blocks.length));
    }

    private static int instructions(X86BlockNode[] blocks, BitSet loop) {
        int sum = 0;
        for (int i = loop.nextSetBit(0); i >= 0; i = loop.nextSetBit(i + 1)) {
            sum += blocks[i].instructionCount() + (blocks[i].chain != null ? chainedCallWeight(blocks[i].chain) : 0);
        }
        return sum;
    }

    /** The blocks reachable from {@code target} that reach it back ({@code target} itself included). */
    static boolean[] reachingBack(X86BlockNode[] blocks, int target) {
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

    /**
     * The blocks an OSR compilation of a loop may start at besides its own target: the blocks
     * {@code runBlocks} reaches by a back edge only as the in-region target of a RET or as the
     * return block of a chained call (a recursive function inlined into its region returns to
     * each of its call sites there). The target of a jump, branch, fall-through or table-jump
     * back edge is excluded: it heads an inner loop or a bytecode interpreter's handler, and a
     * second entry into a compiled loop there makes its control flow irreducible, which Graal
     * compiles by duplicating code (measured: twice the machine code for matmul's kernel).
     */
    static boolean[] returnEntries(X86BlockNode[] blocks) {
        boolean[] returns = new boolean[blocks.length];
        boolean[] jumps = new boolean[blocks.length];
        for (int source = 0; source < blocks.length; source++) {
            X86BlockNode block = blocks[source];
            if (block.chain != null && block.returnIndex >= 0 && block.returnIndex <= source) {
                returns[block.returnIndex] = true;
            }
            if (block.kind == X86BlockNode.DYNAMIC) {
                for (int candidate : block.dynamicTargets) {
                    (block.returns ? returns : jumps)[candidate] = true;
                }
                continue;
            }
            if (block.targetIndex >= 0 && block.targetIndex <= source) {
                jumps[block.targetIndex] = true;
            }
            if (block.kind == X86BlockNode.CONDITIONAL && block.fallthroughIndex >= 0 && block.fallthroughIndex <= source) {
                jumps[block.fallthroughIndex] = true;
            }
        }
        for (int i = 0; i < blocks.length; i++) {
            returns[i] &= !jumps[i];
        }
        return returns;
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
