package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.oracle.truffle.api.RootCallTarget;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A return within a region that goes back to an earlier block is a back edge that stops for an
 * exit or a full attention request, but not for a poll ({@link X86Cpu#requestPoll}): a poll a
 * hypercall asked for is served at the next loop back edge, hypercall or exit, not at each
 * return on the way there.
 */
class X86ReturnBackEdgePollTest {
    private static final long LOOP_HEAD = X86TestMachine.CODE + 0x0a;
    private static final long FUNCTION = X86TestMachine.CODE + 0x12;
    private static final long RETURN = X86TestMachine.CODE + 0x16;

    /**
     * A loop whose only way back is a RET: mov ecx,N; call f; l: push l; jmp f; f: dec ecx;
     * jz out; ret; out: hlt. The call pushes l and f returns there; each iteration then pushes
     * l again and jumps to f, a later block.
     */
    private static String returnLoop(int iterations) {
        return "b9" + littleEndian(iterations) + "e808000000" + "68" + littleEndian((int) LOOP_HEAD) + "eb01" + "f4" + "ffc9" + "7401" + "c3" + "f4";
    }

    private static String littleEndian(int value) {
        return String.format("%02x%02x%02x%02x", value & 0xFF, value >>> 8 & 0xFF, value >>> 16 & 0xFF, value >>> 24 & 0xFF);
    }

    /** Runs {@code request} on a thread of its own, 200 ms from now (while the loop runs). */
    private static Thread after200ms(Runnable request) {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            request.run();
        });
        thread.start();
        return thread;
    }

    /** The first few RIPs attention was served at, in hex. */
    private static String first(List<Long> served) {
        return served.stream().limit(5).map(Long::toHexString).toList() + (served.size() > 5 ? " and " + (served.size() - 5) + " more" : "");
    }

    private static X86BlockNode[] blocks(X86TestMachine m) {
        RootCallTarget region = (RootCallTarget) m.cpu.jumpCache().lookup(m.cpu, X86TestMachine.CODE);
        return ((X86RegionRootNode) region.getRootNode()).blocks();
    }

    private static int indexOf(X86TestMachine m, long rip) {
        X86BlockNode[] blocks = blocks(m);
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i].startRip == rip) {
                return i;
            }
        }
        throw new AssertionError("no block at " + Long.toHexString(rip));
    }

    /**
     * Records the RIPs where attention is served; each serving asks for a poll again, as a
     * scheduler that wants to look again soon does.
     */
    private static List<Long> servePollsAgain(X86TestMachine m) {
        List<Long> served = new ArrayList<>();
        m.platform.onAttention(cpu -> {
            served.add(cpu.rip());
            cpu.clearAttention();
            cpu.requestPoll();
        });
        return served;
    }

    @Test
    void aPollLeftPendingDoesNotStopTheReturnLoop() {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Long> served = servePollsAgain(m);
            m.code(returnLoop(1000));
            m.cpu.requestPoll(); // as a hypercall that woke a vCPU and left it to this thread
            assertEquals("halt", m.run());
            assertEquals(0, m.reg(X86Reg.RCX), "every iteration ran");
            assertTrue(blocks(m)[indexOf(m, RETURN)].returns, "f ends with a block of its RET");
            assertTrue(indexOf(m, LOOP_HEAD) < indexOf(m, FUNCTION) && indexOf(m, FUNCTION) < indexOf(m, RETURN),
                    "the return to the loop head is the loop's one back edge");
            assertEquals(1, served.size(), "served once, before the region ran; the poll left pending waited for the exit: " + first(served));
        }
    }

    @Test
    void anExitStopsTheReturnLoopWithAPollPending() throws Exception {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Long> served = servePollsAgain(m);
            m.code(returnLoop(0)); // 2^32 iterations: ended by the exit request alone
            m.cpu.requestPoll();
            Thread stopper = after200ms(() -> m.cpu.requestExit("stopped"));
            assertEquals("stopped", m.run());
            stopper.join();
            assertTrue(m.reg(X86Reg.RCX) != 0, "the loop was still running");
            assertEquals(1, served.size(), "the poll left pending did not stop the loop: " + first(served));
        }
    }

    @Test
    void aFullAttentionRequestStopsTheReturnLoop() throws Exception {
        try (X86TestMachine m = new X86TestMachine()) {
            List<Long> served = new ArrayList<>();
            m.platform.onAttention(cpu -> {
                served.add(cpu.rip());
                cpu.clearAttention();
                cpu.requestExit("attended");
            });
            m.code(returnLoop(0));
            Thread requester = after200ms(m.cpu::requestAttention); // as another thread raising an event
            assertEquals("attended", m.run());
            requester.join();
            assertEquals(1, served.size(), first(served));
            long rip = served.get(0);
            assertTrue(rip == LOOP_HEAD, "served at the loop's back edge, not " + Long.toHexString(rip));
        }
    }
}
