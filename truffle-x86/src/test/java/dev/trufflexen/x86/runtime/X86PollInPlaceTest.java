package dev.trufflexen.x86.runtime;

import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.nodes.control.X86SyscallNode;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A poll asked for again while served after a SYSCALL (a scheduler's hand-off window) is served
 * at the loop's back edge without the region leaving when the platform serves it in place.
 */
class X86PollInPlaceTest {
    /** mov edx,50; l: mov eax,1; syscall; dec edx; jnz l; hlt */
    private static final String FIFTY_SYSCALLS = "ba32000000b8010000000f05ffca75f5f4";
    private static final long LOOP_HEAD = X86TestMachine.CODE + 5;

    private static boolean insideSyscall() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            if (frame.getClassName().equals(X86SyscallNode.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** A machine whose every syscall asks for a poll, served after it and asked for again, as the hand-off window does. */
    private static X86TestMachine pollingMachine(int[] atDispatcher) {
        X86TestMachine m = new X86TestMachine();
        m.platform.onSyscall(X86Cpu::requestPoll);
        m.platform.onAttention(cpu -> {
            boolean inside = insideSyscall();
            cpu.clearAttention();
            if (inside) {
                cpu.requestPoll();
            } else {
                atDispatcher[0]++;
            }
        });
        m.code(FIFTY_SYSCALLS);
        return m;
    }

    @Test
    void aPollServedInPlaceKeepsTheRegionRunning() {
        int[] atDispatcher = {0};
        try (X86TestMachine m = pollingMachine(atDispatcher)) {
            m.platform.onAttentionInPlace(cpu -> {
                cpu.clearAttention();
                return true;
            });
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(RDX), "every iteration ran");
            assertEquals(49, m.platform.attentionsInPlace, "one at each back edge after a syscall");
            assertEquals(0, atDispatcher[0], "the region never left for attention");
        }
    }

    @Test
    void aPlatformThatRefusesGetsAttentionAtTheDispatcher() {
        int[] atDispatcher = {0};
        try (X86TestMachine m = pollingMachine(atDispatcher)) {
            m.platform.onAttentionInPlace(cpu -> false);
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(RDX));
            assertEquals(49, m.platform.attentionsInPlace);
            assertEquals(49, atDispatcher[0], "each refused poll was served after the region left");
        }
    }

    @Test
    void aFullRequestWhileThePlatformLooksEndsTheRegion() {
        int[] atDispatcher = {0};
        try (X86TestMachine m = pollingMachine(atDispatcher)) {
            m.platform.onAttentionInPlace(cpu -> {
                cpu.clearAttention();
                if (m.platform.attentionsInPlace == 10) {
                    cpu.requestAttention(); // as a host write over the running code
                }
                return true;
            });
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(RDX));
            assertEquals(1, atDispatcher[0], "the full request was served at the dispatcher, once");
            assertEquals(49, m.platform.attentionsInPlace, "later polls were served in place again");
        }
    }

    @Test
    void aFullRequestWhoseFlagAPollTookIsLeftToTheDispatcher() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.platform.onAttentionInPlace(cpu -> {
                cpu.clearAttention();
                return true;
            });
            X86Cpu cpu = m.cpu;
            cpu.requestAttention(); // counted; its flag then taken by a poll's service, as a race between threads can
            cpu.clearAttention();
            cpu.requestPoll();
            assertFalse(X86PollInPlace.served(cpu), "a request the dispatcher has not seen ends the region");
            assertEquals(0, m.platform.attentionsInPlace);
            assertTrue(cpu.attentionRequested(), "still asked for, so the dispatcher serves it");
            assertEquals("halt", m.code("f4").run());
            assertEquals(1, m.platform.attentions, "served at the dispatcher");
            cpu.requestPoll();
            assertTrue(X86PollInPlace.served(cpu), "once served there, polls are served in place again");
            assertEquals(1, m.platform.attentionsInPlace);
        }
    }

    @Test
    void anExitAskedForInPlaceStopsAtTheBackEdge() {
        int[] atDispatcher = {0};
        try (X86TestMachine m = pollingMachine(atDispatcher)) {
            m.platform.onAttentionInPlace(cpu -> {
                cpu.clearAttention();
                cpu.requestExit("stopped");
                return true;
            });
            assertEquals("stopped", m.run());
            assertEquals(LOOP_HEAD, m.cpu.rip(), "at the loop's head, after one iteration");
            assertEquals(49, m.reg(RDX));
        }
    }
}
