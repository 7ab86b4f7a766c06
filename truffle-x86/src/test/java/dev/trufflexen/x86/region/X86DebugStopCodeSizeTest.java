package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86DebugStops;
import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A debugger costs compiled code nothing until it stops in a page: the region builder looks at
 * the debugger's stops at translation time only. The same hot loop is compiled with no debugger,
 * with a debugger that has no breakpoint, with a breakpoint in another page and with a
 * watchpoint on a page the loop does not touch (only the watched page leaves the TLB); the engine's
 * trace must report the same machine-code bytes for every compilation of the loop's region.
 */
class X86DebugStopCodeSizeTest {
    private static final Pattern CODE_SIZE = Pattern.compile("x86@400000.*\\|CodeSize\\s+(\\d+)");

    private static List<Integer> compiledSizes(X86DebugStops stops) {
        return compiledSizes(stops, 0);
    }

    /** With {@code watched} not 0, a debugger's 8-byte write watchpoint there. */
    private static List<Integer> compiledSizes(X86DebugStops stops, long watched) {
        String trace = X86CompilationCheck.runHot(X86CodeSizeTest.KERNEL, m -> {
            if (stops != null) {
                m.cpu.attachDebugStops(stops);
            }
            if (watched != 0) {
                m.cpu.setDebuggerWatchpoints(new long[] {watched, 0, 0, 0}, 1 | 1 << 16 | 2 << 18, 0);
            }
        }, m -> {
        });
        return trace.lines().filter(line -> line.contains("opt done")).map(CODE_SIZE::matcher).filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }

    @Test
    void anUnarmedOrElsewhereArmedDebuggerLeavesCompiledCodeAsItIs() {
        List<Integer> plain = compiledSizes(null);
        assertFalse(plain.isEmpty(), "the loop was compiled");
        assertEquals(plain, compiledSizes(new X86DebugStops()), "a debugger without breakpoints");
        X86DebugStops elsewhere = new X86DebugStops();
        elsewhere.add(X86TestMachine.CODE + 0x1000);
        assertEquals(plain, compiledSizes(elsewhere), "a breakpoint in the next page");
        assertEquals(plain, compiledSizes(new X86DebugStops(), X86TestMachine.DATA + 0x8000), "a watchpoint in a page the loop does not touch");
        System.out.println("x86@400000 compiled to " + plain + " bytes with no debugger, unarmed, and a breakpoint or watchpoint elsewhere");
    }
}
