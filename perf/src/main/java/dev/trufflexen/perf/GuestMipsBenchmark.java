package dev.trufflexen.perf;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import dev.trufflexen.x86.cpu.X86Reg;

/**
 * Guest instructions per second on a simple integer loop (add, xor, lea, shr, add, dec, jnz: 7
 * instructions an iteration). Reported as a throughput in instructions per microsecond, which is
 * MIPS.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GuestMipsBenchmark extends GuestBenchmark {
    static final int ITERATIONS = 1_000_000;
    static final int INSTRUCTIONS = ITERATIONS * 7;

    @Override
    protected GuestProgram program() {
        return GuestProgram.INTEGER_LOOP;
    }

    @Benchmark
    @OperationsPerInvocation(INSTRUCTIONS)
    public long integerLoop() {
        runLoop(ITERATIONS);
        return machine.cpu().reg(X86Reg.RSI);
    }
}
