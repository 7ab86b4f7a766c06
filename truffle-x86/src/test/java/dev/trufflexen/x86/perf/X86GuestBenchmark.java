package dev.trufflexen.x86.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Engine;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86PageTableBuilder;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A timing harness, not a test: three small guest workloads run on the optimizing runtime after
 * warm-up, reported as time per run and guest instructions per second. Its name does not match
 * Surefire's default patterns, so the normal build skips it; run it with
 *
 * <pre>
 * mvn -o -q test -pl truffle-x86 -Dtest=X86GuestBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read {@code truffle-x86/target/surefire-reports/*X86GuestBenchmark-output.txt}. Add
 * {@code -Dx86.bench.trace=true} to print the engine's compilation and deoptimization trace, and
 * {@code -Dx86.bench.options=engine.Option=value,...} for any other engine option.
 *
 * <p>The guest code (GNU as, Intel syntax; offsets from {@link X86TestMachine#CODE}):
 *
 * <pre>
 * 00 start_sum:   call sum_loop; hlt
 * 06 start_fib:   call fib; hlt
 * 0c start_sieve: call sieve; hlt
 * 12 sum_loop:    xor eax,eax; mov ecx,1
 *             1:  add rax,rcx; inc rcx; cmp rcx,rdi; jbe 1b; ret
 * 25 fib:         cmp rdi,2; jb 2f; push rbx; push rbp; mov rbx,rdi; lea rdi,[rbx-1]; call fib
 *                 mov rbp,rax; lea rdi,[rbx-2]; call fib; add rax,rbp; pop rbp; pop rbx; ret
 *             2:  mov rax,rdi; ret
 * a0 start_matmul: call matmul; hlt
 * a6 matmul:      128x128 int32 c = a * b in i-k-j order (gcc -O2 of guest-images/bench/matmul.c's
 *                 multiply(), arrays in rdi, rsi, rdx; inner loop: mov ecx,[rsi+rax]; imul ecx,edi;
 *                 add [rdx+rax],ecx; add rax,4; cmp rax,0x200; jne)
 * 4f sieve:       xor ecx,ecx
 *             1:  mov byte [rdi+rcx],1; inc rcx; cmp rcx,rsi; jb 1b
 *                 mov ecx,2
 *             2:  mov rax,rcx; imul rax,rcx; cmp rax,rsi; jae 5f
 *                 cmp byte [rdi+rcx],0; je 4f
 *             3:  mov byte [rdi+rax],0; add rax,rcx; cmp rax,rsi; jb 3b
 *             4:  inc rcx; jmp 2b
 *             5:  xor eax,eax; mov ecx,2
 *             6:  movzx edx,byte [rdi+rcx]; add rax,rdx; inc rcx; cmp rcx,rsi; jb 6b; ret
 * </pre>
 */
@Tag("perf")
class X86GuestBenchmark {
    private static final String CODE = "e80d000000f4e81a000000f4e83e000000f431c0b9010000004801c848ffc14839f976f5c3"
            + "4883ff02722053554889fb488d7bffe8ecffffff4889c5488d7bfee8e0ffffff4801e85d5bc34889f8c3"
            + "31c9c6040f0148ffc14839f172f4b9020000004889c8480fafc14839f07317803c0f00740cc60407004801c8"
            + "4839f072f448ffc1ebdd31c0b9020000000fb6140f4801d048ffc14839f172f1c3"
            + "cccccccc" + "e801000000f4"
            + "554989fb488daa000001004c8d9600000100534889f34889d04c8d8a00020000c700000000004883c0044c39c875f14889de4d89d8"
            + "418b3831c0660f1f4400008b0c060fafcf010c024883c004483d0002000075eb4881c6000200004983c0044939f275d04981c300"
            + "0200004c39cd74054c89caeba05b5dc3";
    private static final long START_SUM = X86TestMachine.CODE;
    private static final long START_FIB = X86TestMachine.CODE + 0x06;
    private static final long START_SIEVE = X86TestMachine.CODE + 0x0c;
    private static final long START_MATMUL = X86TestMachine.CODE + 0xa0;
    private static final long SIEVE_ARRAY = 0x1000_0000L;
    private static final long MATRICES = 0x2000_0000L;
    private static final int MATMUL_N = 128;
    private static final int SIEVE_SIZE = 1 << 20;

    private static final long SUM_N = 50_000_000L;
    private static final int FIB_N = 27;

    @Test
    void guestWorkloads() {
        boolean trace = Boolean.getBoolean("x86.bench.trace");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, String> options = new HashMap<>();
        if (trace) {
            options.put("engine.TraceCompilation", "true");
            options.put("engine.TraceDeoptimizeFrame", "true");
        }
        for (String option : System.getProperty("x86.bench.options", "").split(",")) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                options.put(option.substring(0, eq).trim(), option.substring(eq + 1).trim());
            }
        }
        StringBuilder report = new StringBuilder();
        try (X86Engine engine = X86Engine.create(false, false, options, log);
                X86TestMachine m = new X86TestMachine(engine, false)) {
            m.code(CODE);
            for (int i = 0; i < SIEVE_SIZE / 4096; i++) {
                m.pages.mapNew(SIEVE_ARRAY + i * 4096L, X86PageTableBuilder.USER_RW);
            }
            report.append(measure("sum 1..5e7", 4 * SUM_N + 5, 10, 15, () -> {
                m.cpu.setReg(X86Reg.RDI, SUM_N);
                return run(m, START_SUM);
            }, SUM_N * (SUM_N + 1) / 2));
            report.append(measure("fib(27)", fibInstructions(FIB_N) + 2, 40, 30, () -> {
                m.cpu.setReg(X86Reg.RDI, FIB_N);
                return run(m, START_FIB);
            }, 196418));
            report.append(measure("sieve 1 MiB", sieveInstructions(SIEVE_SIZE) + 2, 30, 30, () -> {
                m.cpu.setReg(X86Reg.RDI, SIEVE_ARRAY);
                m.cpu.setReg(X86Reg.RSI, SIEVE_SIZE);
                return run(m, START_SIEVE);
            }, 82025));
            for (int i = 0; i < 3 * MATMUL_N * MATMUL_N * 4 / 4096; i++) {
                m.pages.mapNew(MATRICES + i * 4096L, X86PageTableBuilder.USER_RW);
            }
            report.append(measure("matmul 128", matmulInstructions(MATMUL_N), 10, 10, () -> {
                m.cpu.setReg(X86Reg.RDI, MATRICES);
                m.cpu.setReg(X86Reg.RSI, MATRICES + 4L * MATMUL_N * MATMUL_N);
                m.cpu.setReg(X86Reg.RDX, MATRICES + 8L * MATMUL_N * MATMUL_N);
                return run(m, START_MATMUL);
            }, 0x200));
            report.append(String.format("regions built %d, invalidated %d%n", m.cpu.codeCache().regionsBuilt(),
                    m.cpu.codeCache().regionsInvalidated()));
        }
        String engineLog = log.toString(StandardCharsets.UTF_8);
        if (trace || !options.isEmpty()) {
            System.out.println(engineLog);
        }
        report.append(String.format("engine log: %d 'opt done', %d 'opt inv.', %d 'opt deopt', %d 'opt failed'%n",
                count(engineLog, "opt done"), count(engineLog, "opt inv."), count(engineLog, "opt deopt"), count(engineLog, "opt failed")));
        System.out.println(report);
    }

    private static long run(X86TestMachine m, long rip) {
        m.cpu.setReg(X86Reg.RSP, X86TestMachine.STACK_TOP);
        m.cpu.setRip(rip);
        assertEquals("halt", m.run());
        return m.reg(X86Reg.RAX);
    }

    private static String measure(String name, long instructions, int warmup, int runs, LongSupplier body, long expected) {
        long start = System.nanoTime();
        assertEquals(expected, body.getAsLong());
        long first = System.nanoTime() - start;
        for (int i = 1; i < warmup; i++) {
            assertEquals(expected, body.getAsLong());
        }
        long warm = System.nanoTime() - start;
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            assertEquals(expected, body.getAsLong());
            times[i] = System.nanoTime() - t;
        }
        Arrays.sort(times);
        double best = times[0] / 1e6;
        double median = times[runs / 2] / 1e6;
        return String.format("%-12s %11d insns  first %9.1f ms  warm-up(%d) %8.0f ms  best %9.3f ms  median %9.3f ms  %8.1f M insn/s%n",
                name, instructions, first / 1e6, warmup, warm / 1e6, best, median, instructions / (median * 1e3));
    }

    /** Guest instructions of fib(n): 4 for a leaf call (n < 2), 14 plus both subcalls otherwise. */
    private static long fibInstructions(int n) {
        long[] count = new long[Math.max(2, n + 1)];
        count[0] = 4;
        count[1] = 4;
        for (int i = 2; i <= n; i++) {
            count[i] = 14 + count[i - 1] + count[i - 2];
        }
        return count[n];
    }

    /** Guest instructions of the matmul kernel (see the listing above). */
    private static long matmulInstructions(long n) {
        return 2 + 6 + n * (2 + 4 * n + 2 + n * (2 + 6 * n + 4) + 3) + (n - 1) * 2 + 3;
    }

    /** Guest instructions of the sieve, by running the same loops on a host array. */
    private static long sieveInstructions(int n) {
        boolean[] composite = new boolean[n];
        long count = 1 + 4L * n + 1;
        for (long i = 2;; i++) {
            count += 4;
            if (i * i >= n) {
                break;
            }
            count += 2;
            if (!composite[(int) i]) {
                for (long j = i * i; j < n; j += i) {
                    composite[(int) j] = true;
                    count += 4;
                }
            }
            count += 2;
        }
        count += 2 + 5L * (n - 2) + 1;
        return count;
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
