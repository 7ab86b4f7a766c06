package dev.trufflexen.perf;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every guest-code benchmark shares: one {@link GuestMachine} per trial running one
 * {@link GuestProgram}, average time per operation in nanoseconds, and a check at the end of the
 * trial that the engine really compiled the program's regions (a number measured in Truffle's
 * interpreter would say nothing about the JIT).
 *
 * <p>Warm-up: a region's Graal compilation takes a few hundred milliseconds, and the dispatcher,
 * polyglot's entry point and the host JIT's compilations of the platform's Java code compete for
 * the same two cores; on a 2-core machine the null hypercall settles only after about eight
 * one-second iterations, hence ten of warm-up. The forked JVM needs the
 * Graal JIT flags; {@code bin/perf} passes them with {@code -jvmArgs}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class GuestBenchmark {
    protected GuestMachine machine;

    /** The program this benchmark runs. */
    protected abstract GuestProgram program();

    @Setup(Level.Trial)
    public void startMachine() {
        machine = new GuestMachine(program());
    }

    /** Runs the program's loop {@code iterations} times. */
    protected final void runLoop(long iterations) {
        machine.run(program(), iterations);
    }

    @TearDown(Level.Trial)
    public void checkCompiledAndStop() {
        try {
            CompilationLog log = machine.compilationLog();
            System.out.println();
            System.out.println("# " + program() + ": " + log.summary());
            log.requireCompiledRegions(program().toString());
        } finally {
            machine.close();
        }
    }
}
