package dev.trufflexen.x86.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Breakpoints;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.testing.X86RecordingPlatform;
import dev.trufflexen.x86.testing.X86TestMachine;

/** #DB from the CPU: single steps, instruction and data breakpoints, as the SDM gives them. */
class X86SingleStepTest {
    private static final int DR7_L0 = 1;

    @Test
    void popfSettingTfTrapsAfterEveryFollowingInstruction() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.platform.continueAfterFaults();
            // pushfq; orq $0x100,(%rsp); popfq; nop; nop; hlt
            m.code("9c48810c24000100009d9090f4");
            m.run();
            List<X86RecordingPlatform.Event> events = m.platform.events;
            assertEquals(3, events.size(), events.toString());
            assertDebug(events.get(0), X86TestMachine.CODE + 11, X86Breakpoints.DR6_BS);
            assertDebug(events.get(1), X86TestMachine.CODE + 12, X86Breakpoints.DR6_BS);
            assertEquals("halt", events.get(2).kind(), "the HLT's own #GP is a fault, not a step");
        }
    }

    @Test
    void anInstructionBreakpointFaultsBeforeItsInstructionRuns() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("909090f4"); // nop; nop; nop; hlt
            m.cpu.setBreakpoints(X86TestMachine.CODE + 2, 0, 0, 0, DR7_L0);
            assertTrue(m.cpu.stepping());
            m.run();
            assertDebug(m.platform.events.get(0), X86TestMachine.CODE + 2, X86Breakpoints.DR6_B0);
        }
    }

    @Test
    void aDataWriteBreakpointTrapsAfterTheStoreOnly() {
        try (X86TestMachine m = new X86TestMachine()) {
            // mov rax,[DATA]; mov qword [DATA],1; hlt
            m.code("488b042500006000" + "48c7042500006000" + "01000000" + "f4");
            int writeOnly8 = DR7_L0 | 1 << 16 | 2 << 18;
            m.cpu.setBreakpoints(X86TestMachine.DATA + 4, 0, 0, 0, writeOnly8);
            m.run();
            assertDebug(m.platform.events.get(0), X86TestMachine.CODE + 20, X86Breakpoints.DR6_B0);
            assertEquals(1, m.read64(X86TestMachine.DATA), "the store happened before the trap");
        }
    }

    @Test
    void withNothingArmedTheCpuDoesNotStep() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.cpu.setBreakpoints(X86TestMachine.CODE, 0, 0, 0, 0);
            assertFalse(m.cpu.stepping());
            assertFalse(m.cpu.stopRequested());
            m.cpu.setBreakpoints(X86TestMachine.DATA, 0, 0, 0, 2 << 16 | DR7_L0); // R/W 10: the platform's I/O breakpoint
            assertFalse(m.cpu.stepping(), "I/O breakpoints are not the CPU's");
        }
    }

    private static void assertDebug(X86RecordingPlatform.Event event, long rip, long status) {
        X86Fault fault = event.fault();
        assertEquals(X86Fault.DB, fault == null ? -1 : fault.vector(), event.toString());
        assertEquals(rip, event.rip(), event.toString());
        assertEquals(status, fault.faultAddress(), "DR6 status bits");
    }
}
