package dev.trufflexen.x86.runtime;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86CodeFrames;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.region.X86RegionBuilder;
import dev.trufflexen.x86.region.X86RegionRootNode;

/**
 * Translated regions of one machine memory, keyed by (entry RIP, machine address of the entry
 * byte), so two address spaces mapping the same code share a region while the same RIP in two
 * address spaces with different code does not collide.
 *
 * <h2>Code shared across copies of the same bytes</h2>
 * <p>Each domain loads its kernel into frames of its own, so the same kernel sits at as many
 * machine addresses as there are domains. A region is therefore backed by {@link X86SharedCode}
 * found by content: the entry RIP, the linear code pages and the bytes read on each. Before
 * translating, the cache looks for shared code with this entry RIP whose pages are fetchable in
 * the CPU's address space and hold the same bytes there; a match costs a byte comparison instead
 * of a translation and a compilation. What the translation depends on is exactly what is
 * compared: nothing in a region's nodes names a machine address or a CPU (the CPU is the call's
 * argument, memory goes through its MMU), and data the builder reads besides code (a jump table's
 * entries) only orders guesses that are checked at run time. A CPU with debugger stops, code on
 * frames being rewritten ({@link #REWRITE_LIMIT}) and code on a frame its guest has written
 * ({@linkplain #isPrivate private frames}) get private regions, as before sharing.
 *
 * <p><b>Isolation.</b> Each copy keeps its own validity: its {@link X86Region} (per machine
 * copy) is discarded when that copy's bytes are written or its pages map elsewhere, and the
 * shared code's assumption, baked into the compiled code, is never invalidated by a write. A
 * guest store into bytes of shared code ({@link #beforeGuestWrite}) first discards the writer's
 * regions over those bytes, marks the frame private, and makes the storing instruction run again
 * ({@link X86ExitException#retry()}, before anything was written, as after a page fault): the
 * writer leaves the shared code and continues in private regions, where a write invalidates
 * what it overlaps as usual. Any other write over a copy of shared code (the host's, during a
 * hypercall or from another thread; another vCPU's store) discards that copy's regions there
 * too, and every CPU is asked to leave its region at its next back edge or hypercall return
 * ({@link X86Cpu#requestAttention}): the compiled code those CPUs may be running does not
 * deoptimize, so this is how the written copy stops running it. Every other copy keeps running
 * the compiled code, which stays valid. Shared code no region uses stays for the next domain that runs the same kernel
 * (a warm start), at most {@link #MAX_UNUSED_SHARED} of it, least recently used first out.
 *
 * <h2>Code frames</h2>
 * <p>Also the MMU's {@link X86CodeFrames}: a bitmap says which machine frames hold translated
 * bytes (read lock-free by the write-TLB fill), and guest writes into those frames invalidate
 * exactly the regions whose byte ranges they overlap. A frame whose regions are all gone stops
 * being a code frame, so data written next to code only stays on the slow path while code there
 * is live. A frame whose code guest writes keep invalidating (more than {@link #REWRITE_LIMIT}
 * times) gets small, interpreted regions from then on.
 */
public final class X86CodeCache implements X86CodeFrames {
    private record Key(long rip, long machine) {
    }

    /**
     * Guest writes into translated code of one frame after which regions entered on that frame
     * are built small and never compiled (see {@link X86RegionBuilder}).
     */
    public static final int REWRITE_LIMIT = 16;
    /** With {@code -Dtrufflexen.traceOsrLoops=true} each entry into a region at a hot loop header is reported on stderr. */
    private static final boolean TRACE_LOOP_ENTRIES = Boolean.getBoolean("trufflexen.traceOsrLoops");
    /**
     * System property read by each code cache when it is created: {@code false} turns sharing
     * off (every region private, keyed by machine address alone). On by default.
     */
    public static final String SHARED_CODE_PROPERTY = "trufflexen.sharedCode";
    /** Shared code that no region uses, kept for the next domain running the same kernel. */
    public static final int MAX_UNUSED_SHARED = 8192;

    private final boolean sharing = Boolean.parseBoolean(System.getProperty(SHARED_CODE_PROPERTY, "true"));
    private final MachineMemory memory;
    private final long[] codeFrameBits;
    private final Map<Key, X86Region> regions = new HashMap<>();
    private final Map<Long, List<X86Region>> regionsByFrame = new HashMap<>();
    /** Per machine frame: guest writes that invalidated translated code there. */
    private final Map<Long, Integer> rewritesByFrame = new HashMap<>();
    /** Shared code by entry RIP (a few versions each at most: one per kernel build seen). */
    private final Map<Long, List<X86SharedCode>> sharedByEntry = new HashMap<>();
    private final byte[] scratch = new byte[MachineMemory.PAGE_SIZE];
    private int sharedHeld;
    private int unusedShared;
    private long useClock;
    private long sharedBuilt;
    private long sharedReused;
    private long framesUnshared;
    /** Every CPU on this memory, told to leave shared code whose copy it may be running was written. */
    private final List<WeakReference<X86Cpu>> cpus = new ArrayList<>();
    private volatile int epoch;
    private long regionsBuilt;
    private long loopsBuiltWithCallees;
    private long regionsInvalidated;
    private long interpretedRegionsBuilt;
    private long loopEntries;

    public X86CodeCache(MachineMemory memory) {
        this.memory = memory;
        this.codeFrameBits = new long[(int) ((memory.frameCount() + 63) >>> 6)];
    }

    /** Called by each new CPU on this memory. */
    public synchronized void attach(X86Cpu cpu) {
        cpus.removeIf(ref -> ref.get() == null);
        cpus.add(new WeakReference<>(cpu));
    }

    /**
     * After a copy of shared code was written: the shared code still runs wherever it ran, so
     * every CPU leaves its region at the next back edge or after its hypercall (an attention
     * request), and its next lookup finds the copy's regions gone. This happens once per frame:
     * from then on the frame's code is private.
     */
    private void leaveSharedCode() {
        for (WeakReference<X86Cpu> ref : cpus) {
            X86Cpu cpu = ref.get();
            if (cpu != null) {
                cpu.requestAttention();
            }
        }
    }

    @Override
    public boolean holdsCode(long mfn) {
        int word = (int) (mfn >>> 6);
        return word >= 0 && word < codeFrameBits.length && (codeFrameBits[word] & (1L << mfn)) != 0;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    /**
     * A translated region as a monitor shows it: entry, machine address, translated bytes and
     * pages, and how often it was entered (-1 unless it was built for a CPU under a debugger).
     */
    public record RegionInfo(long entryRip, long entryMachine, long bytes, int pages, long executions) {
    }

    /** The live regions, by entry RIP. */
    public synchronized List<RegionInfo> regions() {
        List<RegionInfo> all = new ArrayList<>();
        for (X86Region region : regions.values()) {
            long bytes = 0;
            for (long[] page : region.pages) {
                bytes += page[3] - page[2] + 1;
            }
            long executions = region.root != null ? region.root.executions() : -1;
            all.add(new RegionInfo(region.entryRip, region.entryMachine, bytes, region.pages.size(), executions));
        }
        all.sort(java.util.Comparator.comparingLong(RegionInfo::entryRip));
        return all;
    }

    public synchronized long regionsBuilt() {
        return regionsBuilt;
    }

    /** Translated regions held now (each a reference to compiled or interpreted code). */
    public synchronized int liveRegions() {
        return regions.size();
    }

    public synchronized long regionsInvalidated() {
        return regionsInvalidated;
    }

    /** How regions have shared code: what exists, what is in use, how often a translation was saved. */
    public record SharingStats(int sharedCode, int unusedSharedCode, long sharedBuilt, long sharedReused, long framesUnshared) {
    }

    public synchronized SharingStats sharingStats() {
        return new SharingStats(sharedHeld, unusedShared, sharedBuilt, sharedReused, framesUnshared);
    }

    /** Regions built small and interpreter-only because their page kept being rewritten. */
    public synchronized long interpretedRegionsBuilt() {
        return interpretedRegionsBuilt;
    }

    /**
     * The region for the CPU's RIP, building it if needed, and remembered in the CPU's
     * {@link X86JumpCache}; null after delivering a fetch fault for the entry instruction to the
     * platform.
     */
    X86Region regionFor(X86Language language, X86Cpu cpu) {
        Object found = find(language, cpu, cpu.rip());
        if (found instanceof X86Region region) {
            return region;
        }
        X86Fault fault = (X86Fault) found;
        if (fault.vector() == X86Fault.PF) {
            cpu.setCr2(fault.faultAddress());
        }
        cpu.platform().fault(cpu, fault);
        return null;
    }

    /**
     * The call target of the region starting at {@code rip}, building it if needed and
     * remembering it in the CPU's {@link X86JumpCache}, for a chained call whose callee the jump
     * cache did not know: the caller then calls it at once instead of leaving its region for the
     * dispatcher. Otherwise the callee's return would land in the dispatcher and start a second
     * region at the return address, inside the caller's code, and a loop that calls the callee
     * would be translated and compiled twice (once in each region). Null when the entry cannot
     * be fetched: the caller leaves through the dispatcher, which delivers the fault. Nothing
     * else changes in the CPU.
     */
    public CallTarget regionForCall(X86Language language, X86Cpu cpu, long rip) {
        return find(language, cpu, rip) instanceof X86Region region ? region.callTarget : null;
    }

    /** The region at {@code rip} (built if needed, remembered in the jump cache), or the entry's fetch fault. */
    private Object find(X86Language language, X86Cpu cpu, long rip) {
        X86Mmu mmu = cpu.mmu();
        X86Fault fault;
        synchronized (this) {
            mmu.syncCodeEpoch();
            long machine = mmu.translateFetch(rip);
            if (!X86Mmu.isFault(machine)) {
                Key key = new Key(rip, machine);
                X86Region region = regions.get(key);
                if (usable(region, mmu)) {
                    cpu.jumpCache().remember(cpu, region, mmu.syncedCodeEpoch());
                    return region;
                }
                if (region != null) {
                    discard(region);
                }
                boolean volatileCode = rewritesByFrame.getOrDefault(machine >>> MachineMemory.PAGE_SHIFT, 0) >= REWRITE_LIMIT;
                boolean shareable = sharing && !volatileCode && cpu.debugStops() == null;
                region = shareable ? reuseShared(mmu, rip, machine) : null;
                if (region != null) {
                    return install(cpu, key, region);
                }
                region = volatileCode || cpu.debugStops() != null ? null : loopEntry(mmu, rip, machine);
                if (region != null) {
                    loopEntries++;
                    return install(cpu, key, region);
                }
                X86RegionBuilder.Result result = X86RegionBuilder.build(language, cpu, rip, volatileCode);
                if (result.entryFault() == null) {
                    regionsBuilt++;
                    if (volatileCode) {
                        interpretedRegionsBuilt++;
                    }
                    List<long[]> pages = result.pageRanges();
                    CallTarget callTarget = result.root().getCallTarget();
                    if (shareable && !anyPrivate(pages)) {
                        region = new X86Region(rip, machine, pages, share(rip, pages, callTarget, result.codeValid()));
                    } else {
                        region = new X86Region(rip, machine, callTarget, pages, result.codeValid());
                    }
                    return install(cpu, key, region);
                }
                fault = result.entryFault();
            } else {
                fault = X86Mmu.faultFor(machine, rip);
            }
        }
        return fault;
    }

    /**
     * Builds a region at {@code rip}, the header of a loop hot in another region, with the
     * callees its indirect calls have met taken into it ({@link X86RegionBuilder#buildWithCallees}),
     * and registers it there, in place of a plain region starting there (discarded: an activation
     * running it goes on): the region holding the loop leaves for it at the loop's back edge, and
     * the loop's calls run as branches inside one compilation instead of chained calls. True when
     * such a region is there now (built by this call or an earlier one); false (nothing changes)
     * when a loop entry or shared code is registered there or the code cannot be fetched. Built
     * regions are private to this copy, never shared.
     */
    public boolean buildLoopWithCallees(X86Language language, X86Cpu cpu, long rip, Map<Long, long[]> callees) {
        synchronized (this) {
            X86Mmu mmu = cpu.mmu();
            mmu.syncCodeEpoch();
            long machine = mmu.translateFetch(rip);
            if (X86Mmu.isFault(machine)) {
                return false;
            }
            Key key = new Key(rip, machine);
            X86Region existing = regions.get(key);
            boolean valid = usable(existing, mmu);
            X86RegionRootNode there = valid ? existing.root : null;
            if (TRACE_LOOP_ENTRIES) {
                System.err.printf("loop with callees x86@%x: %d calls, %s%n", rip, callees.size(),
                        there != null && there.hasCallees() ? "built already" : valid ? "built again" : "built");
            }
            if (there != null && there.hasCallees()) {
                return true;
            }
            if (valid && there == null) {
                return false; // a loop entry or shared code there: leave it
            }
            X86RegionBuilder.Result result = X86RegionBuilder.buildWithCallees(language, cpu, rip, callees);
            if (result.entryFault() != null) {
                return false;
            }
            if (existing != null) {
                discard(existing);
            }
            regionsBuilt++;
            loopsBuiltWithCallees++;
            install(cpu, key, new X86Region(rip, machine, result.root().getCallTarget(), result.pageRanges(), result.codeValid()));
            return true;
        }
    }

    /** Hot loops built again with their calls' callees ({@link #buildLoopWithCallees}), since this cache was created. */
    public synchronized long loopsBuiltWithCallees() {
        return loopsBuiltWithCallees;
    }

    /** Whether {@code region} (null: none) can be entered: valid, its pages still translating as when it was built. */
    private static boolean usable(X86Region region, X86Mmu mmu) {
        return region != null && region.isValid() && region.translationsUnchanged(mmu);
    }

    /** Registers {@code region} under {@code key} and gives it to the CPU's jump cache. */
    private X86Region install(X86Cpu cpu, Key key, X86Region region) {
        register(key, region);
        X86Mmu mmu = cpu.mmu();
        mmu.syncCodeEpoch();
        cpu.jumpCache().remember(cpu, region, mmu.syncedCodeEpoch());
        return region;
    }

    /**
     * An entry at {@code rip} into a valid region of this copy that holds a hot loop whose header
     * is there (see {@link X86RegionRootNode#hotLoopBlockAt}), or null. The region's pages still
     * translate as when it was built, so its block at {@code rip} was translated from the bytes at
     * {@code machine}.
     */
    private X86Region loopEntry(X86Mmu mmu, long rip, long machine) {
        List<X86Region> candidates = regionsByFrame.get(machine >>> MachineMemory.PAGE_SHIFT);
        if (candidates == null) {
            return null;
        }
        for (X86Region candidate : candidates) {
            X86RegionRootNode root = candidate.root;
            if (root == null) {
                continue;
            }
            int block = root.hotLoopBlockAt(rip);
            if (block >= 0 && usable(candidate, mmu)) {
                if (TRACE_LOOP_ENTRIES) {
                    System.err.printf("loop entry x86@%x: %s block %d%n", rip, root.getName(), block);
                }
                return new X86Region(rip, machine, root.loopEntry(block), candidate);
            }
        }
        return null;
    }

    /**
     * Whether {@code rip} is the header of a hot loop of a valid region of this copy: a region
     * holding another copy of that loop leaves for it there, so the loop is not compiled twice.
     */
    public synchronized boolean hotLoopHeaderAt(X86Cpu cpu, long rip) {
        long machine = cpu.mmu().translateFetch(rip);
        if (X86Mmu.isFault(machine)) {
            return false;
        }
        X86Region region = regions.get(new Key(rip, machine));
        X86RegionRootNode root = region != null && region.isValid() ? region.root : null;
        if (root != null && root.hotLoopBlockAt(rip) == 0) {
            return true;
        }
        return loopEntry(cpu.mmu(), rip, machine) != null;
    }

    /** Entries into regions at their hot loop headers, since this cache was created. */
    public synchronized long loopEntries() {
        return loopEntries;
    }

    /** A region of this copy running shared code translated from the same bytes, or null. */
    private X86Region reuseShared(X86Mmu mmu, long rip, long machine) {
        List<X86SharedCode> candidates = sharedByEntry.get(rip);
        if (candidates == null) {
            return null;
        }
        for (X86SharedCode code : candidates) {
            List<long[]> pages = code.matchIn(mmu, memory, scratch);
            if (pages != null && !anyPrivate(pages)) {
                sharedReused++;
                return new X86Region(rip, machine, pages, code);
            }
        }
        return null;
    }

    private X86SharedCode share(long rip, List<long[]> pages, CallTarget callTarget, Assumption codeValid) {
        if (unusedShared > MAX_UNUSED_SHARED) {
            dropUnusedShared(MAX_UNUSED_SHARED / 2);
        }
        X86SharedCode code = X86SharedCode.of(memory, rip, pages, callTarget, codeValid);
        sharedByEntry.computeIfAbsent(rip, k -> new ArrayList<>(1)).add(code);
        sharedHeld++;
        sharedBuilt++;
        unusedShared++; // until register() counts its first user
        return code;
    }

    /** Drops the least recently used shared code that no region uses, keeping {@code keep}. */
    private void dropUnusedShared(int keep) {
        List<X86SharedCode> unused = new ArrayList<>();
        for (List<X86SharedCode> versions : sharedByEntry.values()) {
            for (X86SharedCode code : versions) {
                if (code.users == 0) {
                    unused.add(code);
                }
            }
        }
        unused.sort(java.util.Comparator.comparingLong(code -> code.lastUse));
        for (X86SharedCode code : unused.subList(0, Math.max(0, unused.size() - keep))) {
            List<X86SharedCode> versions = sharedByEntry.get(code.entryRip);
            versions.remove(code);
            if (versions.isEmpty()) {
                sharedByEntry.remove(code.entryRip);
            }
            code.codeValid.invalidate(); // nothing runs it: its compiled code can go
            sharedHeld--;
            unusedShared--;
        }
    }

    /** A frame this host's guest wrote while it held shared code: its regions are private from then on. */
    private boolean isPrivate(long mfn) {
        return rewritesByFrame.containsKey(mfn);
    }

    private boolean anyPrivate(List<long[]> pages) {
        for (long[] page : pages) {
            if (isPrivate(page[1] >>> MachineMemory.PAGE_SHIFT)) {
                return true;
            }
        }
        return false;
    }

    private void register(Key key, X86Region region) {
        regions.put(key, region);
        if (region.shared != null) {
            if (region.shared.users++ == 0) {
                unusedShared--;
            }
            region.shared.lastUse = ++useClock;
        }
        boolean newCodeFrame = false;
        for (long[] page : region.pages) {
            long mfn = page[1] >>> MachineMemory.PAGE_SHIFT;
            regionsByFrame.computeIfAbsent(mfn, k -> new ArrayList<>()).add(region);
            if (!holdsCode(mfn)) {
                codeFrameBits[(int) (mfn >>> 6)] |= 1L << mfn;
                newCodeFrame = true;
            }
        }
        if (newCodeFrame) {
            epoch++;
        }
    }

    private void discard(X86Region region) {
        region.discard();
        if (regions.remove(new Key(region.entryRip, region.entryMachine), region) && region.shared != null
                && --region.shared.users == 0) {
            unusedShared++;
        }
        for (long[] page : region.pages) {
            long mfn = page[1] >>> MachineMemory.PAGE_SHIFT;
            List<X86Region> list = regionsByFrame.get(mfn);
            if (list != null) {
                list.remove(region);
                if (list.isEmpty()) {
                    regionsByFrame.remove(mfn);
                    codeFrameBits[(int) (mfn >>> 6)] &= ~(1L << mfn);
                }
            }
        }
    }

    /**
     * A guest store from translated code is about to write {@code [machineAddress, +length)}: when
     * that overlaps shared code of this copy, the copy's regions there are discarded, the frame
     * turns private, and the store's instruction runs again, so the writer runs the bytes it
     * writes in code of its own while every other copy keeps the shared code.
     */
    @Override
    public void beforeGuestWrite(long machineAddress, int length) {
        synchronized (this) {
            long mfn = machineAddress >>> MachineMemory.PAGE_SHIFT;
            List<X86Region> list = regionsByFrame.get(mfn);
            if (list == null) {
                return;
            }
            boolean sharedHit = false;
            for (X86Region region : new ArrayList<>(list)) {
                if (region.shared != null && region.overlaps(machineAddress, length)) {
                    discard(region);
                    regionsInvalidated++;
                    sharedHit = true;
                }
            }
            if (!sharedHit) {
                return;
            }
            if (rewritesByFrame.merge(mfn, 1, Integer::sum) == 1) {
                framesUnshared++;
            }
            leaveSharedCode(); // the writer's other vCPUs
        }
        throw X86ExitException.retry();
    }

    @Override
    public synchronized void codeWritten(long machineAddress, int length) {
        List<X86Region> list = regionsByFrame.get(machineAddress >>> MachineMemory.PAGE_SHIFT);
        if (list == null) {
            return;
        }
        boolean rewritten = false;
        boolean sharedHit = false;
        for (X86Region region : new ArrayList<>(list)) {
            if (region.overlaps(machineAddress, length)) {
                discard(region);
                regionsInvalidated++;
                rewritten = true;
                sharedHit |= region.shared != null;
            }
        }
        if (rewritten && rewritesByFrame.merge(machineAddress >>> MachineMemory.PAGE_SHIFT, 1, Integer::sum) == 1 && sharedHit) {
            framesUnshared++;
        }
        if (sharedHit) {
            leaveSharedCode();
        }
    }

    /** Drops every region built from machine frame {@code mfn} (the host rewrote or reassigned it). */
    public synchronized void invalidateFrame(long mfn) {
        List<X86Region> list = regionsByFrame.get(mfn);
        if (list != null) {
            boolean sharedHit = false;
            for (X86Region region : new ArrayList<>(list)) {
                discard(region);
                regionsInvalidated++;
                sharedHit |= region.shared != null;
            }
            if (sharedHit) {
                leaveSharedCode();
            }
        }
    }
}
