package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Reading the engine's TraceCompilation lines: region roots, their loops' OSR units, the dispatcher. */
class CompilationLogTest {
    private static final String PAD = "                        |";
    private static final String LOG = String.join("\n",
            "[engine] opt done   engine=1  id=7     x86@ffffffff80001000" + PAD + "Tier 1|Time 12ms",
            "[engine] opt done   engine=1  id=9     x86@ffffffff800041b0<OSR@0>" + PAD + "Tier 2|Time 40ms",
            "[engine] opt deopt  engine=1  id=9     x86@ffffffff800041b0<OSR@0>" + PAD + "UTC",
            "[engine] opt deopt  engine=1  id=9     x86@ffffffff800041b0<OSR@0>" + PAD + "UTC",
            "[engine] opt done   engine=1  id=11    x86@ffffffff80003837<OSR@8/22>" + PAD + "Tier 2|Time 40ms",
            "[engine] opt done   engine=1  id=12    x86@ffffffff80003837" + PAD + "Tier 2|Time 40ms",
            "[engine] opt deopt  engine=1  id=12    x86@ffffffff80003837" + PAD + "UTC",
            "[engine] opt inv.   engine=1  id=12    x86@ffffffff80003837" + PAD + "UTC",
            "[engine] opt deopt  engine=1  id=3     X86DispatchLoopNode@1a2b<OSR>" + PAD + "UTC",
            "[engine] opt done   engine=1  id=2     <polyglot host entry>" + PAD + "Tier 1");

    @Test
    void aRegionLoopsOsrUnitIsCountedUnderItsOwnName() {
        CompilationLog log = new CompilationLog(LOG);
        CompilationLog.RootStats loop = log.roots().get("x86@ffffffff800041b0<OSR@0>");
        assertEquals(1, loop.count(CompilationLog.Event.DONE));
        assertEquals(2, loop.count(CompilationLog.Event.DEOPTIMIZED));
        assertEquals(1, log.roots().get("x86@ffffffff80003837<OSR@8/22>").count(CompilationLog.Event.DONE));
        assertEquals(4, log.total(CompilationLog.Event.DEOPTIMIZED), "two OSR returns, the region's deopt and the dispatcher's");
    }

    @Test
    void compiledRegionsCountsARegionOnceWhetherWholeOrThroughItsLoops() {
        assertEquals(3, new CompilationLog(LOG).compiledRegions(), "1000, 41b0 (OSR only) and 3837 (whole and OSR)");
    }

    @Test
    void anOsrUnitsReturnsToTheInterpreterAreNotLostCode() {
        CompilationLog log = new CompilationLog(LOG);
        assertEquals(0, log.roots().get("x86@ffffffff800041b0<OSR@0>").lostCompiledCode());
        assertEquals(2, log.roots().get("x86@ffffffff80003837").lostCompiledCode(), "a region root's deopt and invalidation");
        assertEquals(1, log.roots().get("X86DispatchLoopNode@1a2b<OSR>").lostCompiledCode());
    }
}
