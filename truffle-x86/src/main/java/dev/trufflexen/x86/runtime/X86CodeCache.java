package dev.trufflexen.x86.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.mmu.X86CodeFrames;
import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.region.X86RegionBuilder;

/**
 * Translated regions of one machine memory, keyed by (entry RIP, machine address of the entry
 * byte), so two address spaces mapping the same code share a region while the same RIP in two
 * address spaces with different code does not collide.
 *
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

    private final long[] codeFrameBits;
    private final Map<Key, X86Region> regions = new HashMap<>();
    private final Map<Long, List<X86Region>> regionsByFrame = new HashMap<>();
    /** Per machine frame: guest writes that invalidated translated code there. */
    private final Map<Long, Integer> rewritesByFrame = new HashMap<>();
    private volatile int epoch;
    private long regionsBuilt;
    private long regionsInvalidated;
    private long interpretedRegionsBuilt;

    public X86CodeCache(MachineMemory memory) {
        this.codeFrameBits = new long[(int) ((memory.frameCount() + 63) >>> 6)];
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
        X86Mmu mmu = cpu.mmu();
        long rip = cpu.rip();
        X86Fault fault;
        synchronized (this) {
            mmu.syncCodeEpoch();
            long machine = mmu.translateFetch(rip);
            if (!X86Mmu.isFault(machine)) {
                Key key = new Key(rip, machine);
                X86Region region = regions.get(key);
                if (region != null && region.isValid() && region.translationsUnchanged(mmu)) {
                    cpu.jumpCache().remember(cpu, region, mmu.syncedCodeEpoch());
                    return region;
                }
                if (region != null) {
                    discard(region);
                }
                boolean volatileCode = rewritesByFrame.getOrDefault(machine >>> MachineMemory.PAGE_SHIFT, 0) >= REWRITE_LIMIT;
                X86RegionBuilder.Result result = X86RegionBuilder.build(language, cpu, rip, volatileCode);
                if (result.entryFault() == null) {
                    if (volatileCode) {
                        interpretedRegionsBuilt++;
                    }
                    region = new X86Region(rip, machine, result.root().getCallTarget(), result.pageRanges(), result.codeValid());
                    register(key, region);
                    mmu.syncCodeEpoch();
                    cpu.jumpCache().remember(cpu, region, mmu.syncedCodeEpoch());
                    return region;
                }
                fault = result.entryFault();
            } else {
                fault = X86Mmu.faultFor(machine, rip);
            }
        }
        if (fault.vector() == X86Fault.PF) {
            cpu.setCr2(fault.faultAddress());
        }
        cpu.platform().fault(cpu, fault);
        return null;
    }

    private void register(Key key, X86Region region) {
        regions.put(key, region);
        regionsBuilt++;
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
        region.codeValid.invalidate();
        regions.remove(new Key(region.entryRip, region.entryMachine), region);
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

    @Override
    public synchronized void codeWritten(long machineAddress, int length) {
        List<X86Region> list = regionsByFrame.get(machineAddress >>> MachineMemory.PAGE_SHIFT);
        if (list == null) {
            return;
        }
        boolean rewritten = false;
        for (X86Region region : new ArrayList<>(list)) {
            if (region.overlaps(machineAddress, length)) {
                discard(region);
                regionsInvalidated++;
                rewritten = true;
            }
        }
        if (rewritten) {
            rewritesByFrame.merge(machineAddress >>> MachineMemory.PAGE_SHIFT, 1, Integer::sum);
        }
    }

    /** Drops every region built from machine frame {@code mfn} (the host rewrote or reassigned it). */
    public synchronized void invalidateFrame(long mfn) {
        List<X86Region> list = regionsByFrame.get(mfn);
        if (list != null) {
            for (X86Region region : new ArrayList<>(list)) {
                discard(region);
                regionsInvalidated++;
            }
        }
    }
}
