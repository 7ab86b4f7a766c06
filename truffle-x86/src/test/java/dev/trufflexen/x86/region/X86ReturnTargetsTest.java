package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.RootCallTarget;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/** A RET inside a region is tried only against the return addresses of the calls that reach it. */
class X86ReturnTargetsTest {
    /**
     * mov ecx,10; xor eax,eax; loop: call f; call g; dec ecx; jne loop; hlt;
     * f (+0x20): add eax,1; ret; g (+0x28): add eax,2; ret
     */
    private static final String TWO_CALLEES = "b90a00000031c0e814000000e817000000ffc975f2f4" + "cc".repeat(10) + "83c001c3" + "cc".repeat(4)
            + "83c002c3";

    private static long[] returnTargetsOf(X86BlockNode[] blocks, long functionRip) {
        X86BlockNode ret = Arrays.stream(blocks).filter(block -> block.startRip == functionRip).findFirst().orElseThrow();
        assertEquals(true, ret.returns, "the function is one block ending with RET");
        return Arrays.stream(ret.dynamicTargets).mapToLong(index -> blocks[index].startRip).toArray();
    }

    @Test
    void eachFunctionsReturnIsTriedOnlyAgainstItsOwnCall() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(TWO_CALLEES);
            assertEquals("halt", m.run());
            assertEquals(30, m.reg(X86Reg.RAX));
            CallTarget region = m.cpu.jumpCache().lookup(m.cpu, X86TestMachine.CODE);
            X86BlockNode[] blocks = ((X86RegionRootNode) ((RootCallTarget) region).getRootNode()).blocks();
            assertArrayEquals(new long[] {X86TestMachine.CODE + 0x0c}, returnTargetsOf(blocks, X86TestMachine.CODE + 0x20), "f returns after call f");
            assertArrayEquals(new long[] {X86TestMachine.CODE + 0x11}, returnTargetsOf(blocks, X86TestMachine.CODE + 0x28), "g returns after call g");
            assertEquals(1, m.cpu.codeCache().regionsBuilt(), "both calls and both returns stayed in the region");
        }
    }
}
