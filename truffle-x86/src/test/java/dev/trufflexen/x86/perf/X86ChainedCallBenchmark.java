package dev.trufflexen.x86.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A timing harness, not a test: what one chained call costs, as host CPU time of the running
 * thread per guest call, in three loops whose body is a call to a function of two instructions
 * ({@code add rax,k; ret}) in a region of its own: one target through a register (the call
 * site's inline cache holds it), four targets through a table (all four in the inline cache),
 * and sixteen (twelve through the shared indirect call). Like {@link X86GuestBenchmark} its name
 * does not match Surefire's patterns; run it with
 *
 * <pre>
 * bin/test -o -pl truffle-x86 -Dtest=X86ChainedCallBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read {@code truffle-x86/target/surefire-reports/*X86ChainedCallBenchmark-output.txt}.
 *
 * <pre>
 * 00 one:   xor eax,eax; 1: call rbx; dec rdi; jne 1b; hlt
 * 10 four:  xor eax,eax; 2: mov rcx,rdi; and ecx,3; call [rcx*8+DATA]; dec rdi; jne 2b; hlt
 * 30 sixteen: the same with and ecx,15
 * 80 + 16k: f_k: add rax,k+1; ret
 * 200 wide: as one, with every other GPR and two XMM registers live and changed in the loop
 * 280 the same loop without its call
 * </pre>
 */
@Tag("perf")
class X86ChainedCallBenchmark {
    private static final String CODE = "31c0ffd348ffcf75f9f4660f1f44000031c04889f983e103ff14cd0000600048ffcf75eef466662e0f1f84000000000031c04889f983e10fff14cd0000600048ffcf75eef466662e0f1f84000000000066662e0f1f84000000000066662e0f1f84000000000066662e0f1f84000000000066662e0f1f8400000000000f1f40004883c001c366662e0f1f8400000000004883c002c366662e0f1f8400000000004883c003c366662e0f1f8400000000004883c004c366662e0f1f8400000000004883c005c366662e0f1f8400000000004883c006c366662e0f1f8400000000004883c007c366662e0f1f8400000000004883c008c366662e0f1f8400000000004883c009c366662e0f1f8400000000004883c00ac366662e0f1f8400000000004883c00bc366662e0f1f8400000000004883c00cc366662e0f1f8400000000004883c00dc366662e0f1f8400000000004883c00ec366662e0f1f8400000000004883c00fc366662e0f1f8400000000004883c010c3cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc31c031f631d231ed4531c04531c94531d24531db4531e44531ed4531f64531ff660fefc0660fefc9ffd34883c6014883c2014883c5014983c0014983c1014983c2014983c3014983c4014983c5014983c6014983c701660fd4c148ffcf75c9f4cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc31c031f631d231ed4531c04531c94531d24531db4531e44531ed4531f64531ff660fefc0660fefc966904883c6014883c2014883c5014983c0014983c1014983c2014983c3014983c4014983c5014983c6014983c701660fd4c148ffcf75c9f4";
    private static final long ONE = X86TestMachine.CODE;
    private static final long FOUR = X86TestMachine.CODE + 0x10;
    private static final long SIXTEEN = X86TestMachine.CODE + 0x30;
    private static final long WIDE = X86TestMachine.CODE + 0x200;
    private static final long WIDE_NO_CALL = X86TestMachine.CODE + 0x280;
    private static final long FUNCTIONS = X86TestMachine.CODE + 0x80;
    private static final long CALLS = 2_000_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void chainedCalls() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        StringBuilder report = new StringBuilder();
        try (X86Engine engine = X86Engine.create(false, false, Map.of("engine.TraceCompilation", "true"), log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(CODE);
            for (int k = 0; k < 16; k++) {
                m.write64(X86TestMachine.DATA + 8L * k, FUNCTIONS + 16L * k);
            }
            report.append(measure(m, "one target", ONE, CALLS));
            report.append(measure(m, "four targets", FOUR, CALLS * 10 / 4));
            report.append(measure(m, "sixteen targets", SIXTEEN, CALLS * 136 / 16));
            report.append(measure(m, "one, wide caller", WIDE, CALLS));
            report.append(measure(m, "wide, no call", WIDE_NO_CALL, 0));
        }
        String engineLog = log.toString(StandardCharsets.UTF_8);
        engineLog.lines().filter(line -> line.contains("opt ")).map(line -> line.substring(0, Math.min(line.length(), 170)))
                .forEach(line -> report.append(line).append('\n'));
        System.out.println(report);
    }

    /** Median ns per call of 7 timed runs after 8 warm-up runs; {@code sum} the expected RAX. */
    private static String measure(X86TestMachine m, String name, long start, long expected) {
        long[] nanos = new long[7];
        for (int run = -8; run < nanos.length; run++) {
            m.cpu.setReg(X86Reg.RDI, CALLS);
            m.cpu.setReg(X86Reg.RBX, FUNCTIONS);
            m.cpu.setReg(X86Reg.RSP, X86TestMachine.STACK_TOP);
            m.cpu.setRip(start);
            long before = THREADS.getCurrentThreadCpuTime();
            assertEquals("halt", m.run());
            long after = THREADS.getCurrentThreadCpuTime();
            assertEquals(expected, m.reg(X86Reg.RAX));
            if (run >= 0) {
                nanos[run] = after - before;
            }
        }
        double[] perCall = Arrays.stream(nanos).mapToDouble(n -> Math.round(10.0 * n / CALLS) / 10.0).toArray();
        double[] sorted = perCall.clone();
        Arrays.sort(sorted);
        return String.format("%-16s %6.1f ns per call (runs in order %s)%n", name, sorted[sorted.length / 2], Arrays.toString(perCall));
    }
}
