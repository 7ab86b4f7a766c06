package dev.trufflexen.x86.nodes.control;

import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.testing.X86TestMachine;

/** A poll asked for during a SYSCALL's platform call is served at the instruction after it. */
class X86SyscallNodeTest {
    /** mov edx,50; l: mov eax,1; syscall; dec edx; jnz l; hlt (SYSCALL writes RCX and R11) */
    private static final String FIFTY_SYSCALLS = "ba32000000b8010000000f05ffca75f5f4";
    private static final long AFTER_LOOP_SYSCALL = X86TestMachine.CODE + 12;

    /** Where attention was served: the RIP it saw, and whether from inside the SYSCALL's own call. */
    private record Served(long rip, boolean afterSyscall) {
    }

    private static boolean insideSyscall() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            if (frame.getClassName().equals(X86SyscallNode.class.getName())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void attentionAskedForByTheCallIsServedRightAfterIt() {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Served> served = new ArrayList<>();
            m.platform.onSyscall(X86Cpu::requestPoll);
            m.platform.onAttention(cpu -> {
                served.add(new Served(cpu.rip(), insideSyscall()));
                cpu.clearAttention();
            });
            m.code(FIFTY_SYSCALLS);
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(RDX));
            assertEquals(50, served.size(), "one attention per syscall");
            assertTrue(served.stream().allMatch(s -> s.afterSyscall() && s.rip() == AFTER_LOOP_SYSCALL), served.toString());
        }
    }

    @Test
    void attentionAskedForAgainWhileServedWaitsForTheNextBackEdge() {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Served> served = new ArrayList<>();
            m.platform.onSyscall(X86Cpu::requestPoll);
            m.platform.onAttention(cpu -> {
                boolean inside = insideSyscall();
                served.add(new Served(cpu.rip(), inside));
                cpu.clearAttention();
                if (inside) {
                    cpu.requestPoll(); // as a scheduler that wants to look again soon
                }
            });
            m.code(FIFTY_SYSCALLS);
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(RDX), "every iteration ran");
            assertEquals(50, served.stream().filter(Served::afterSyscall).count());
            assertEquals(49, served.stream().filter(s -> !s.afterSyscall()).count(),
                    "each request left pending was served once more at the next back edge; the last one was overtaken by the halt's exit");
        }
    }

    @Test
    void aFullAttentionRequestDuringTheCallStillEndsTheRegion() {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Served> served = new ArrayList<>();
            m.platform.onSyscall(X86Cpu::requestAttention); // as a host write over running code
            m.platform.onAttention(cpu -> {
                served.add(new Served(cpu.rip(), insideSyscall()));
                cpu.clearAttention();
            });
            m.code(FIFTY_SYSCALLS);
            assertEquals("halt", m.run());
            assertEquals(50, served.size());
            assertTrue(served.stream().noneMatch(Served::afterSyscall), "served at the dispatcher, after the region ended");
        }
    }

    @Test
    void attentionThatMovesRipEndsTheRegionBeforeTheNextInstruction() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.load(X86TestMachine.CODE + 0x40, "bb07000000f4"); // mov ebx,7; hlt
            m.platform.onSyscall(X86Cpu::requestPoll);
            m.platform.onAttention(cpu -> {
                cpu.clearAttention();
                if (cpu.rip() == X86TestMachine.CODE + 7) {
                    cpu.setRip(X86TestMachine.CODE + 0x40); // as an event upcall
                }
            });
            m.code("b8010000000f05b802000000f4"); // mov eax,1; syscall; mov eax,2; hlt
            assertEquals("halt", m.run());
            assertEquals(7, m.reg(RBX), "the guest went on at the new RIP");
            assertEquals(1, m.reg(RAX), "the instruction after the syscall did not run");
        }
    }

    @Test
    void attentionThatAsksForAnExitStopsTheCpuAfterTheSyscall() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.platform.onSyscall(X86Cpu::requestPoll);
            m.platform.onAttention(cpu -> {
                cpu.clearAttention();
                cpu.requestExit("stopped");
            });
            m.code("b8010000000f05b802000000f4");
            assertEquals("stopped", m.run());
            assertEquals(X86TestMachine.CODE + 7, m.cpu.rip());
            assertEquals(1, m.reg(RAX));
        }
    }
}
