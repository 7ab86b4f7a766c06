package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * CALL r/m64's faults in Intel's order: a push that cannot be written faults first, then a
 * non-canonical target raises #GP(0); either way the call writes nothing and RSP stays. The
 * push is probed only for a non-canonical target, so these pin what the probe guards.
 */
class X86IndirectCallFaultTest {
    private static final long NON_CANONICAL = 0x8000_0000_0000_0000L;
    /** The lowest mapped stack page's base: a push from here writes below it, into no page. */
    private static final long STACK_BOTTOM = X86TestMachine.STACK_TOP - X86TestMachine.STACK_PAGES * 4096L;

    @Test
    void nonCanonicalTargetRaisesGeneralProtectionAndWritesNothing() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("ffd0f4"); // call rax; hlt
            m.write64(X86TestMachine.STACK_TOP - 8, 0x1122_3344_5566_7788L);
            m.cpu.setReg(X86Reg.RAX, NON_CANONICAL);
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.GP, fault.vector());
            assertEquals(X86TestMachine.CODE, m.cpu.rip());
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP));
            assertEquals(0x1122_3344_5566_7788L, m.read64(X86TestMachine.STACK_TOP - 8));
        }
    }

    @Test
    void unwritablePushWinsOverNonCanonicalTarget() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("ffd0f4"); // call rax; hlt
            m.cpu.setReg(X86Reg.RAX, NON_CANONICAL);
            m.cpu.setReg(X86Reg.RSP, STACK_BOTTOM);
            assertThePushFaultedAndNothingChanged(m);
        }
    }

    @Test
    void unwritablePushOfCanonicalCallFaultsBeforeAnythingChanges() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("ffd0f4f4"); // call rax (to the second hlt); hlt
            m.cpu.setReg(X86Reg.RAX, X86TestMachine.CODE + 3);
            m.cpu.setReg(X86Reg.RSP, STACK_BOTTOM);
            assertThePushFaultedAndNothingChanged(m);
        }
    }

    /** Runs the call: #PF at the slot below {@link #STACK_BOTTOM}, RIP still at the call, RSP unchanged. */
    private static void assertThePushFaultedAndNothingChanged(X86TestMachine m) {
        X86Fault fault = (X86Fault) m.run();
        assertEquals(X86Fault.PF, fault.vector());
        assertEquals(STACK_BOTTOM - 8, m.cpu.cr2());
        assertEquals(X86TestMachine.CODE, m.cpu.rip());
        assertEquals(STACK_BOTTOM, m.reg(X86Reg.RSP));
    }

    /** The same #GP(0) from a call site that ran hot as a chained call first (compiled code). */
    @Test
    void hotCallSiteRaisesGeneralProtectionForNonCanonicalTarget() {
        try (X86TestMachine m = new X86TestMachine()) {
            // mov ecx,20000; 1: call rbx; dec ecx; jne 1b; mov rbx,r8; call rbx; hlt
            // at 0x20: add rax,1; ret
            m.code("b9204e0000ffd3ffc975fa4c89c3ffd3f4" + "00".repeat(15) + "4883c001c3");
            m.cpu.setReg(X86Reg.RBX, X86TestMachine.CODE + 0x20);
            m.cpu.setReg(X86Reg.R8, NON_CANONICAL);
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.GP, fault.vector());
            assertEquals(20_000, m.reg(X86Reg.RAX));
            assertEquals(X86TestMachine.CODE + 0xe, m.cpu.rip());
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP));
            assertEquals(X86TestMachine.CODE + 7, m.read64(X86TestMachine.STACK_TOP - 8), "the last push was the loop's");
        }
    }
}
