package dev.trufflexen.x86.region;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.Truffle;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.x86.decoder.X86Decoder;
import dev.trufflexen.x86.decoder.X86DeviceClass;
import dev.trufflexen.x86.decoder.X86Instruction;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.mmu.X86PageTable;
import dev.trufflexen.x86.nodes.X86InstructionNode;
import dev.trufflexen.x86.nodes.sse.X86XmmFrame;
import dev.trufflexen.x86.nodes.control.X86CallPushNode;
import dev.trufflexen.x86.nodes.control.X86DebugStopNode;
import dev.trufflexen.x86.nodes.control.X86DeviceAvailableNode;
import dev.trufflexen.x86.nodes.control.X86IndirectBranchNode;
import dev.trufflexen.x86.nodes.control.X86RaiseFaultNode;
import dev.trufflexen.x86.nodes.control.X86ReturnNode;
import dev.trufflexen.x86.runtime.X86Language;

/**
 * Translates guest code into a region: one Truffle root per guest entry RIP.
 *
 * <h2>Design</h2>
 * <p><b>Region shape.</b> Starting at the entry RIP, the builder decodes basic blocks and follows
 * every direct control transfer: both sides of a Jcc, JMP rel, fall-through, and direct CALL
 * (the call's push ends a block and the callee's blocks join the region; so does the call's
 * return address, as a block of its own). Indirect JMP/CALL, RET, SYSCALL, HLT, INT and faulting instructions end the region's
 * control flow there. A region is capped at {@link #MAX_BLOCKS} blocks,
 * {@link #MAX_INSTRUCTIONS} instructions and {@link #MAX_PAGES} code pages; an edge to a block
 * beyond the caps, to a non-canonical address or into a page that cannot be fetched becomes an
 * exit to that RIP, so the dispatcher continues there with a fresh region (or delivers the
 * fetch fault, precisely, once that instruction is at a region entry). A loop copied into two
 * regions runs in the one where it got hot first ({@link X86LoopEntryRootNode}).
 *
 * <p><b>Validation first.</b> Every instruction is decoded and validated by {@link X86Decoder}
 * before any node exists; invalid encodings become a node that raises the fault, so a region
 * never contains half-understood code.
 *
 * <p><b>Execution.</b> {@link X86RegionRootNode} dispatches among the blocks with a
 * {@code MERGE_EXPLODE} loop over a constant block index: partial evaluation turns the region
 * into one compilation unit whose control flow is the guest's. Instruction nodes keep their
 * operands in final fields. Guest registers live in static frame slots, copied in from the CPU
 * at entry and out at exit, restricted to the registers the region touches; flags are lazy
 * ({@link dev.trufflexen.x86.nodes.X86FlagState}). Back edges (an edge to a block index not
 * greater than the current one) poll Truffle safepoints, report loop iterations and check the
 * CPU's exit/attention flag.
 *
 * <p><b>Returns inside a region.</b> RET pops its target into the next-RIP slot like any
 * indirect branch, but before leaving the region its block compares that target with the return
 * addresses of the region's direct calls ({@link #MAX_RETURN_TARGETS} at most) and continues at
 * the matching block. Recursive and call-heavy code (a call, the callee, the return and the code
 * after it) thus stays in one compilation unit instead of paying a dispatcher round trip per
 * RET. Such a continuation to an earlier block counts as a back edge (safepoint, stop check, OSR;
 * every cycle of blocks has one). Which return
 * address a RET finds is data, not a guess: a mismatch just exits as before.
 *
 * <p><b>Calls between regions.</b> A CALL that leaves the region (an indirect one, or a direct
 * one whose target is past the caps) keeps its return address as a block of the region and
 * runs the callee's region as a nested host call ({@link X86ChainedCall}), passing that return
 * address along. A RET in the callee that pops exactly that address returns from the host call,
 * and the caller continues at its return block without the dispatcher. Any other way out of the
 * callee (a RET elsewhere, as after a longjmp or a stack switch, a fault, a syscall, a jump, a
 * stop request) leaves the callee's final state in the CPU, and its callers unwind without
 * writing theirs back. Jumps and fall-throughs out of a region are tail transfers: they go back
 * to the dispatcher, so the host stack grows only with nested guest calls, and at most
 * {@link dev.trufflexen.x86.runtime.X86JumpCache#MAX_CHAIN_DEPTH} of those.
 *
 * <p><b>Leaving a region.</b> Guest faults, syscalls, HLT and forced stops are
 * {@link dev.trufflexen.x86.runtime.X86ExitException}s caught by the region root, which writes
 * the frame back (nodes check before they write, so the state is the one before the faulting
 * instruction) and calls the platform behind a boundary.
 *
 * <p><b>Staying correct.</b> A region remembers the pages it was built from (linear page,
 * machine page, byte range). The code cache reuses it only while those linear pages still
 * translate to the same machine pages, and invalidates it (its {@link Assumption}) when a guest
 * write hits its bytes; a region checks the assumption before each instruction, which costs
 * nothing once compiled because invalidation deoptimizes instead. Code on a page that keeps
 * being rewritten ({@link dev.trufflexen.x86.runtime.X86CodeCache#REWRITE_LIMIT} invalidations)
 * is then translated as single-block regions that stay in the interpreter: every rewrite would
 * otherwise cost a full translation and a compilation, and churn through compilations without
 * bound ({@code engine.MaximumCompilations} counts per call target, and each rebuild is a new one).
 */
public final class X86RegionBuilder {
    public static final int MAX_BLOCKS = 48;
    public static final int MAX_INSTRUCTIONS = 400;
    public static final int MAX_PAGES = 8;
    /** At most this many return addresses of direct calls are tried by each RET of a region. */
    public static final int MAX_RETURN_TARGETS = 8;
    /** At most this many entries of a jump table become targets tried inside the region. */
    static final int MAX_TABLE_TARGETS = 32;
    /** Jump-table entries farther than this from the jump end the table. */
    private static final long TABLE_TARGET_DISTANCE = 1 << 20;
    private static final int[] NO_RETURN_TARGETS = new int[0];
    /**
     * With {@code -Dtrufflexen.traceRegionShapes=true} every region built is reported on stderr
     * as {@code region x86@<rip> instructions N blocks B}: joined with the engine's compilation
     * trace (its {@code CodeSize}), that gives machine-code bytes per guest instruction.
     */
    private static final boolean TRACE_SHAPES = Boolean.getBoolean("trufflexen.traceRegionShapes");
    /**
     * A backward branch spanning at most this many bytes closes a tight loop, whose memory
     * operands get frame caches ({@link X86OperandFactory#setCacheSites}).
     */
    static final long TIGHT_LOOP_BYTES = 64;
    /** Which memory operands get frame caches ({@code -Dtrufflexen.frameCaches=tight|all|none}). */
    private enum FrameCacheSites {
        /** Those in tight loops (the default). */
        TIGHT,
        /** Every one, or none: for measuring what the default's choice buys. */
        ALL, NONE;

        static FrameCacheSites fromProperty() {
            return switch (System.getProperty("trufflexen.frameCaches", "tight")) {
                case "all" -> ALL;
                case "none" -> NONE;
                default -> TIGHT;
            };
        }
    }

    private static final FrameCacheSites FRAME_CACHES = FrameCacheSites.fromProperty();
    /** Whether calls through a table of function pointers get the table's entries as in-region callees ({@link #jumpTableTargets}). */
    private static final boolean TABLE_CALL_TARGETS = !"false".equals(System.getProperty("trufflexen.tableCallTargets"));
    /** Whether table jumps and calls keep their targets in the region at all ({@code -Dtrufflexen.jumpTables=false}: they leave it, for measuring what this buys). */
    private static final boolean JUMP_TABLES = !"false".equals(System.getProperty("trufflexen.jumpTables"));

    /** The result: a region, or the fault the entry instruction raised while being fetched. */
    public record Result(X86RegionRootNode root, List<X86CodeReader.Page> pages, Assumption codeValid, X86Fault entryFault) {
        public List<long[]> pageRanges() {
            List<long[]> result = new ArrayList<>();
            for (X86CodeReader.Page page : pages) {
                result.add(new long[] {page.linearPage(), page.machinePage(), page.firstOffset(), page.lastOffset()});
            }
            return result;
        }
    }

    private static final class PendingBlock {
        final long startRip;
        final List<X86InstructionNode> nodes = new ArrayList<>();
        int kind = X86BlockNode.DYNAMIC;
        int conditionCode;
        long targetRip;
        long fallthroughRip;
        /** The block's first instruction cannot be fetched: it only exits to {@link #startRip}. */
        boolean exitOnly;
        /** The block ends with RET. */
        boolean endsWithReturn;
        /** The block ends with a CALL (direct or indirect) whose return address is this, else 0. */
        long callReturnRip;
        /** For a jump through a table: the blocks of the table's entries. */
        int[] tableTargets = NO_RETURN_TARGETS;

        PendingBlock(long startRip) {
            this.startRip = startRip;
        }
    }

    private final X86Cpu cpu;
    private final X86CodeReader reader;
    private final X86OperandFactory operands = new X86OperandFactory();
    private final List<PendingBlock> blocks = new ArrayList<>();
    private final Map<Long, Integer> blockIndex = new HashMap<>();
    private final List<Long> returnSites = new ArrayList<>();
    /** The block of each call in {@link #returnSites}, by its return address. */
    private final Map<Long, PendingBlock> callBlocks = new HashMap<>();
    private final boolean volatileCode;
    private final int maxBlocks;
    private int instructionCount;
    private boolean translationDone;
    /** Block starts found by a first pass: a block ends where another begins. */
    private final java.util.Set<Long> knownStarts;
    /** Tight loops found so far, as {start RIP, end RIP} (end exclusive): see {@link #TIGHT_LOOP_BYTES}. */
    private final List<long[]> tightLoops;

    private final int maxInstructions;
    /**
     * Callees to take into the region for indirect calls, by the call's return address (see
     * {@link #buildWithCallees}); empty for an ordinary build.
     */
    private Map<Long, long[]> calleesByReturn = Map.of();

    private X86RegionBuilder(X86Cpu cpu, boolean volatileCode, java.util.Set<Long> knownStarts, List<long[]> tightLoops) {
        this(cpu, volatileCode, knownStarts, tightLoops, MAX_INSTRUCTIONS);
    }

    private X86RegionBuilder withCallees(Map<Long, long[]> callees) {
        this.calleesByReturn = callees;
        return this;
    }

    private X86RegionBuilder(X86Cpu cpu, boolean volatileCode, java.util.Set<Long> knownStarts, List<long[]> tightLoops, int maxInstructions) {
        this.maxInstructions = maxInstructions;
        this.cpu = cpu;
        this.tightLoops = tightLoops;
        this.reader = new X86CodeReader(cpu.mmu(), MAX_PAGES);
        this.volatileCode = volatileCode;
        this.maxBlocks = volatileCode ? 1 : MAX_BLOCKS;
        this.knownStarts = knownStarts;
    }

    /**
     * A region of exactly one instruction, never compiled and never cached: the single-step path
     * runs one of these per instruction while TF or a breakpoint is armed.
     */
    public static Result buildSingleInstruction(X86Language language, X86Cpu cpu, long entryRip) {
        return new X86RegionBuilder(cpu, true, java.util.Set.of(), new ArrayList<>(), 1).run(language, entryRip);
    }

    public static Result build(X86Language language, X86Cpu cpu, long entryRip) {
        return build(language, cpu, entryRip, false);
    }

    /**
     * Builds a region; with {@code volatileCode} (its entry page keeps being rewritten) the region
     * is a single block that is never compiled, so constant rewriting costs one cheap decode per
     * rebuild instead of a big translation and a Graal compilation each time.
     */
    public static Result build(X86Language language, X86Cpu cpu, long entryRip, boolean volatileCode) {
        if (volatileCode) {
            return new X86RegionBuilder(cpu, true, java.util.Set.of(), new ArrayList<>()).run(language, entryRip);
        }
        // Two passes: the first finds where blocks start, so that the second ends every block
        // where another begins. Otherwise a block translated before a branch to its middle was
        // seen runs on through that target, and a loop entered through such a copy gets two
        // entries: Graal then sees no natural loop there, and nested guest loops compile as one.
        return buildWithCallees(language, cpu, entryRip, Map.of());
    }

    /**
     * Builds a region like {@link #build}, taking {@code callees} into it: for each indirect
     * call whose return address is a key, the callees at the RIPs it maps to join the region as
     * a table call's do ({@link #jumpTableTargets}), tried before a chained call. The code
     * cache builds a hot loop again this way with the callees its calls have met
     * ({@link dev.trufflexen.x86.runtime.X86CodeCache#buildLoopWithCallees}); which callees are
     * given decides speed, never correctness.
     */
    public static Result buildWithCallees(X86Language language, X86Cpu cpu, long entryRip, Map<Long, long[]> callees) {
        X86RegionBuilder discovery = new X86RegionBuilder(cpu, false, java.util.Set.of(), new ArrayList<>()).withCallees(callees);
        X86Fault entryFault = discovery.translateAll(entryRip);
        if (entryFault != null) {
            return new Result(null, List.of(), null, entryFault);
        }
        return new X86RegionBuilder(cpu, false, discovery.blockIndex.keySet(), List.copyOf(discovery.tightLoops)).withCallees(callees)
                .run(language, entryRip);
    }

    /** Translates every block reachable from {@code entryRip} (within the caps); returns the entry's fetch fault, if any. */
    private X86Fault translateAll(long entryRip) {
        indexOf(entryRip);
        for (int i = 0; i < blocks.size(); i++) {
            X86Fault entryFault = translateBlock(blocks.get(i), i == 0);
            if (entryFault != null) {
                return entryFault;
            }
        }
        translationDone = true;
        return null;
    }

    private Result run(X86Language language, long entryRip) {
        X86Fault entryFault = translateAll(entryRip);
        if (entryFault != null) {
            return new Result(null, List.of(), null, entryFault);
        }
        Assumption codeValid = Truffle.getRuntime().createAssumption("x86 region code unchanged");
        X86BlockNode[] nodes = new X86BlockNode[blocks.size()];
        List<List<Integer>> returnTargets = returnTargetsByBlock();
        for (int i = 0; i < nodes.length; i++) {
            PendingBlock block = blocks.get(i);
            int target = block.kind == X86BlockNode.DYNAMIC || block.exitOnly ? X86BlockNode.EXIT : indexOf(block.targetRip);
            int fallthrough = block.kind == X86BlockNode.CONDITIONAL ? indexOf(block.fallthroughRip) : X86BlockNode.EXIT;
            int returnIndex = chainedReturnIndex(block, target);
            nodes[i] = new X86BlockNode(block.startRip, block.nodes.toArray(new X86InstructionNode[0]), block.kind, block.conditionCode,
                    target, block.targetRip, fallthrough, block.fallthroughRip, block.endsWithReturn ? toArray(returnTargets.get(i)) : block.tableTargets,
                    block.endsWithReturn, returnIndex == X86BlockNode.EXIT ? null : new X86ChainedCall(block.callReturnRip), returnIndex);
        }
        int mask = operands.touchedMask();
        int[] registers = new int[Integer.bitCount(mask)];
        for (int reg = 0, n = 0; reg < 16; reg++) {
            if ((mask & (1 << reg)) != 0) {
                registers[n++] = reg;
            }
        }
        List<X86InstructionNode> instructions = new ArrayList<>();
        for (PendingBlock block : blocks) {
            instructions.addAll(block.nodes);
        }
        int frameSlots = operands.frameSlotCount();
        int[] xmmRegisters = X86XmmFrame.placeInFrame(instructions, cpu.engine().isTracing(), frameSlots);
        if (TRACE_SHAPES) {
            System.err.printf("region x86@%x instructions %d blocks %d%n", entryRip, instructions.size(), blocks.size());
        }
        X86RegionRootNode root = new X86RegionRootNode(language, entryRip, nodes, registers, xmmRegisters,
                xmmRegisters == null ? frameSlots : frameSlots + X86XmmFrame.SLOTS, codeValid, cpu.engine().isTracing(), !volatileCode,
                cpu.debugStops() != null && cpu.debugStops().countsExecutions());
        if (!calleesByReturn.isEmpty()) {
            root.markBuiltWithCallees();
        }
        return new Result(root, reader.pages(), codeValid, null);
    }

    /**
     * The block index for {@code rip}, creating a (not yet translated) block while under the cap;
     * {@link X86BlockNode#EXIT} when the edge must leave the region. Blocks created after the
     * translation loop finished would never be translated, so then only existing ones count.
     */
    private int indexOf(long rip) {
        Integer existing = blockIndex.get(rip);
        if (existing != null) {
            return existing;
        }
        if (blocks.size() >= maxBlocks || instructionCount >= maxInstructions || !X86PageTable.isCanonical(rip) || translationDone) {
            return X86BlockNode.EXIT;
        }
        blocks.add(new PendingBlock(rip));
        blockIndex.put(rip, blocks.size() - 1);
        return blocks.size() - 1;
    }

    /** Decodes one block; returns the fetch fault of the region's very first instruction, if any. */
    private X86Fault translateBlock(PendingBlock block, boolean entryBlock) {
        long rip = block.startRip;
        while (true) {
            if (!block.nodes.isEmpty() && (blockIndex.containsKey(rip) || knownStarts.contains(rip) || instructionCount >= maxInstructions)) {
                endWithJump(block, rip);
                return null;
            }
            X86Instruction insn = X86Decoder.decode(reader, rip);
            if (!insn.isValid() && insn.fault().vector() == X86Fault.PF) {
                if (block.nodes.isEmpty()) {
                    if (entryBlock) {
                        return insn.fault();
                    }
                    // Nothing here can be fetched: leave the region to this RIP, where the
                    // dispatcher delivers the fetch fault precisely (never a jump to itself).
                    block.kind = X86BlockNode.JUMP;
                    block.targetRip = rip;
                    block.exitOnly = true;
                    return null;
                }
                endWithJump(block, rip);
                return null;
            }
            instructionCount++;
            if (cpu.debugStops() != null && cpu.debugStops().stopsAt(rip)) {
                block.nodes.add(new X86DebugStopNode(rip));
            }
            operands.setCacheSites(switch (FRAME_CACHES) {
                case ALL -> true;
                case NONE -> false;
                case TIGHT -> inTightLoop(rip);
            });
            X86Translation translation = translate(insn);
            noteTightLoop(insn, translation);
            block.nodes.add(translation.node());
            if (translation.node() instanceof X86CallPushNode || translation.node() instanceof X86IndirectBranchNode branch && branch.isCall()) {
                // The return address becomes a block of its own: where a RET inside the region,
                // or a chained call's host return, continues.
                block.callReturnRip = insn.nextRip();
                if (indexOf(insn.nextRip()) != X86BlockNode.EXIT && translation.node() instanceof X86CallPushNode
                        && returnSites.size() < MAX_RETURN_TARGETS) {
                    returnSites.add(insn.nextRip());
                    callBlocks.put(insn.nextRip(), block);
                }
            }
            if (translation.node() instanceof X86ReturnNode) {
                block.endsWithReturn = true;
            }
            switch (translation.flow()) {
                case X86Translation.CONTINUE -> rip = insn.nextRip();
                case X86Translation.JUMP -> {
                    endWithJump(block, translation.target());
                    return null;
                }
                case X86Translation.CONDITIONAL -> {
                    block.kind = X86BlockNode.CONDITIONAL;
                    block.conditionCode = translation.conditionCode();
                    block.targetRip = translation.target();
                    block.fallthroughRip = insn.nextRip();
                    indexOf(block.targetRip);
                    indexOf(block.fallthroughRip);
                    return null;
                }
                default -> {
                    block.kind = X86BlockNode.DYNAMIC;
                    block.tableTargets = jumpTableTargets(insn);
                    if (block.tableTargets.length == 0 && block.callReturnRip != 0) {
                        block.tableTargets = givenCallees(block.callReturnRip);
                    }
                    if (block.tableTargets.length > 0 && block.callReturnRip != 0 && blockIndex.containsKey(block.callReturnRip)
                            && returnSites.size() < MAX_RETURN_TARGETS) {
                        // A call through a table: its callees joined the region, and their RETs
                        // continue at the call's return address inside it, as after a direct call.
                        returnSites.add(block.callReturnRip);
                        callBlocks.put(block.callReturnRip, block);
                    }
                    return null;
                }
            }
        }
    }

    private boolean inTightLoop(long rip) {
        for (long[] loop : tightLoops) {
            if (rip >= loop[0] && rip < loop[1]) {
                return true;
            }
        }
        return false;
    }

    /** In the first pass: records a short backward JMP or Jcc as a tight loop. */
    private void noteTightLoop(X86Instruction insn, X86Translation translation) {
        if (!knownStarts.isEmpty()) {
            return; // the second pass: the first pass's loops are known already
        }
        boolean branch = translation.flow() == X86Translation.JUMP || translation.flow() == X86Translation.CONDITIONAL;
        if (branch && translation.target() <= insn.rip() && insn.nextRip() - translation.target() <= TIGHT_LOOP_BYTES) {
            tightLoops.add(new long[] {translation.target(), insn.nextRip()});
        }
    }

    /**
     * For a block ending with a CALL that leaves the region (a direct call whose target is past
     * the caps, or an indirect call): the block of its return address, where the caller continues
     * after a chained call; {@link X86BlockNode#EXIT} when the call is not chained (calls inside
     * the region, regions that stay in the interpreter, a return address outside the region).
     */
    private int chainedReturnIndex(PendingBlock block, int target) {
        boolean leaves = block.kind == X86BlockNode.DYNAMIC || target == X86BlockNode.EXIT;
        if (volatileCode || block.callReturnRip == 0 || block.exitOnly || !leaves) {
            return X86BlockNode.EXIT;
        }
        return indexOf(block.callReturnRip);
    }

    /**
     * Per block, the blocks its RET (if it ends with one) may continue at without leaving the
     * region: the return addresses of the region's calls (direct, or through a table) whose
     * callee reaches that RET before returning, in the order the calls were met. A RET is
     * tried only against the calls that can be what it returns from, so a function's RET does
     * not list the return addresses of unrelated calls: fewer compares, and a block graph whose
     * loops ({@link X86RegionLoops}) are the guest's, not cycles through returns that cannot
     * happen. Which address a RET pops is still data: any other target leaves the region.
     */
    private List<List<Integer>> returnTargetsByBlock() {
        List<List<Integer>> targets = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            targets.add(new ArrayList<>());
        }
        for (long site : returnSites) {
            int returnBlock = blockIndex.get(site);
            PendingBlock call = callBlocks.get(site);
            int[] entries = call.kind == X86BlockNode.DYNAMIC ? call.tableTargets : new int[] {blockIndex.getOrDefault(call.targetRip, -1)};
            for (int ret : returnsReachedFrom(entries)) {
                targets.get(ret).add(returnBlock);
            }
        }
        return targets;
    }

    /**
     * The blocks ending with RET that a callee entered at {@code entries} reaches before it
     * returns: its own blocks, stepping over the calls it makes (to their return blocks) rather
     * than into their callees.
     */
    private List<Integer> returnsReachedFrom(int[] entries) {
        boolean[] seen = new boolean[blocks.size()];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        for (int entry : entries) {
            if (entry >= 0 && !seen[entry]) {
                seen[entry] = true;
                work.add(entry);
            }
        }
        List<Integer> returns = new ArrayList<>();
        while (!work.isEmpty()) {
            int index = work.poll();
            PendingBlock block = blocks.get(index);
            if (block.endsWithReturn) {
                returns.add(index);
                continue;
            }
            for (int next : intraproceduralSuccessors(block)) {
                if (next >= 0 && !seen[next]) {
                    seen[next] = true;
                    work.add(next);
                }
            }
        }
        returns.sort(null);
        return returns;
    }

    /** Where {@code block} continues within its function: a call's return block, not its callee. */
    private int[] intraproceduralSuccessors(PendingBlock block) {
        if (block.exitOnly) {
            return NO_RETURN_TARGETS;
        }
        if (block.callReturnRip != 0) {
            return new int[] {blockIndex.getOrDefault(block.callReturnRip, -1)};
        }
        return switch (block.kind) {
            case X86BlockNode.JUMP -> new int[] {blockIndex.getOrDefault(block.targetRip, -1)};
            case X86BlockNode.CONDITIONAL -> new int[] {blockIndex.getOrDefault(block.targetRip, -1), blockIndex.getOrDefault(block.fallthroughRip, -1)};
            default -> block.tableTargets;
        };
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * For {@code jmp [table + index*8]} with an absolute table (how compilers translate a dense
     * {@code switch}) and {@code call [table + index*8]} (a table of function pointers, as an
     * event loop or a plugin interface calls through): the blocks of the table's entries, read
     * from guest memory now, so that a bytecode interpreter's dispatch, or a loop calling through
     * the table, stays inside its region. A called entry's blocks join the region as a direct
     * call's callee does. Entries are read while they look like code addresses near the jump;
     * what is read only decides which targets are tried before leaving the region (a call to
     * any other target is a chained call as before), so a wrong guess costs speed, never
     * correctness. {@code -Dtrufflexen.tableCallTargets=false} leaves calls out,
     * {@code -Dtrufflexen.jumpTables=false} jumps and calls.
     */
    private int[] jumpTableTargets(X86Instruction insn) {
        if (!JUMP_TABLES) {
            return NO_RETURN_TARGETS;
        }
        int kind = insn.reg() & 7;
        boolean jumpOrCall = kind == 4 || (kind == 2 && TABLE_CALL_TARGETS);
        boolean tableJump = insn.opcode() == 0xFF && jumpOrCall && insn.hasMemory()
                && insn.base() == X86Instruction.NO_REGISTER && insn.index() != X86Instruction.NO_REGISTER
                && insn.scaleShift() == 3 && insn.addressSize() == 8 && insn.segment() != X86Segment.FS
                && insn.segment() != X86Segment.GS;
        if (!tableJump) {
            return NO_RETURN_TARGETS;
        }
        java.util.LinkedHashSet<Integer> targets = new java.util.LinkedHashSet<>();
        long table = insn.displacement();
        for (int entry = 0; entry < MAX_TABLE_TARGETS; entry++) {
            long machine = cpu.mmu().probe(table + 8L * entry, X86Mmu.ACCESS_READ);
            if (machine < 0 || (machine & 7) != 0) {
                break;
            }
            long target = cpu.memory().read64(machine);
            if (Math.abs(target - insn.rip()) > TABLE_TARGET_DISTANCE) {
                break;
            }
            int index = indexOf(target);
            if (index == X86BlockNode.EXIT) {
                break;
            }
            targets.add(index);
        }
        return targets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The blocks of the callees given for the indirect call returning to {@code returnRip} ({@link #buildWithCallees}). */
    private int[] givenCallees(long returnRip) {
        long[] callees = calleesByReturn.get(returnRip);
        if (callees == null) {
            return NO_RETURN_TARGETS;
        }
        java.util.LinkedHashSet<Integer> targets = new java.util.LinkedHashSet<>();
        for (long callee : callees) {
            int index = indexOf(callee);
            if (index != X86BlockNode.EXIT) {
                targets.add(index);
            }
        }
        return targets.stream().mapToInt(Integer::intValue).toArray();
    }

    private void endWithJump(PendingBlock block, long target) {
        block.kind = X86BlockNode.JUMP;
        block.targetRip = target;
        indexOf(target);
    }

    private X86Translation translate(X86Instruction insn) {
        if (!insn.isValid()) {
            return X86Translation.stop(new X86RaiseFaultNode(insn.rip(), insn.length(), insn.fault(), false));
        }
        int map = insn.opcode() >> 8;
        X86Translation translation = switch (map) {
            case 0 -> X86OneByteTranslator.translate(insn, operands);
            case 1 -> X86TwoByteTranslator.translate(insn, operands);
            default -> X86Sse4Translator.translate(insn, operands);
        };
        if (translation == null) {
            // A valid instruction this CPU does not implement: #UD, as a CPU without the feature.
            return X86OneByteTranslator.fault(insn, X86Fault.of(X86Fault.UD));
        }
        if (X86DeviceClass.usesFpu(insn)) {
            return new X86Translation(new X86DeviceAvailableNode(translation.node(), cpu.engine().noTaskSwitch()), translation.flow(),
                    translation.target(), translation.conditionCode());
        }
        return translation;
    }
}
