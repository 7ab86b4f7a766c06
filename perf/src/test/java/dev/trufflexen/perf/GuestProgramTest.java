package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;

/** The benchmark programs compute what their listings say (a wrong encoding would measure something else). */
class GuestProgramTest {
    private static final int ITERATIONS = 1000;

    @Test
    void nullHypercallLoopMakesOneHypercallPerIteration() {
        try (GuestMachine machine = new GuestMachine(GuestProgram.NULL_HYPERCALL)) {
            machine.run(GuestProgram.NULL_HYPERCALL, ITERATIONS);
            assertEquals(ITERATIONS, machine.platform().hypercalls);
            assertEquals(HypercallPlatform.xenVersion(), machine.cpu().reg(X86Reg.RAX));
        }
    }

    @Test
    void tlbHitLoopSumsEightPagesPerIteration() {
        try (GuestMachine machine = new GuestMachine(GuestProgram.TLB_HIT)) {
            long expected = 0;
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                int offset = (iteration * 8) & 0xff8;
                for (int page = 0; page < GuestProgram.TLB_LOADS_PER_ITERATION; page++) {
                    expected += value(page, offset);
                }
            }
            for (int page = 0; page < GuestProgram.TLB_LOADS_PER_ITERATION; page++) {
                for (int offset = 0; offset < 4096; offset += 8) {
                    long machineAddress = machine.cpu().translate(GuestMachine.DATA + page * 4096L + offset, true);
                    machine.cpu().memory().write64(machineAddress, value(page, offset));
                }
            }
            machine.run(GuestProgram.TLB_HIT, ITERATIONS);
            assertEquals(expected, machine.cpu().reg(X86Reg.RAX));
        }
    }

    private static long value(int page, int offset) {
        return page * 1_000_003L + offset;
    }

    @Test
    void regionDispatchLoopCallsTheFunctionOncePerIteration() {
        try (GuestMachine machine = new GuestMachine(GuestProgram.REGION_DISPATCH)) {
            machine.run(GuestProgram.REGION_DISPATCH, ITERATIONS);
            assertEquals(ITERATIONS, machine.cpu().reg(X86Reg.RAX));
            assertEquals(GuestMachine.STACK_TOP, machine.cpu().reg(X86Reg.RSP));
        }
    }

    @Test
    void integerLoopComputesItsListing() {
        long rax = 0;
        long rdx = 0;
        long rsi = GuestMachine.DATA;
        for (long rbx = ITERATIONS; rbx != 0; rbx--) {
            rax += rbx;
            rdx ^= rax;
            long rcx = (rax + rdx * 2) >>> 3;
            rsi += rcx;
        }
        try (GuestMachine machine = new GuestMachine(GuestProgram.INTEGER_LOOP)) {
            machine.run(GuestProgram.INTEGER_LOOP, ITERATIONS);
            assertEquals(rsi, machine.cpu().reg(X86Reg.RSI));
            assertEquals(7, GuestProgram.INTEGER_LOOP.instructionsPerIteration());
            assertEquals(GuestMipsBenchmark.INSTRUCTIONS, GuestMipsBenchmark.ITERATIONS * GuestProgram.INTEGER_LOOP.instructionsPerIteration());
        }
    }
}
