package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * A budget for the machine code Graal emits per guest instruction, on the shape of matmul's
 * kernel: a multiply-accumulate loop over two arrays inside a counted outer loop. The size is
 * exact (the engine's trace reports it), so a change that bloats translated code fails here
 * even when a noisy machine hides its cost in timings.
 */
class X86CodeSizeTest {
    /**
     * Bytes of machine code per guest instruction allowed for every compilation of the region.
     * Measured: 409-550 (the three compilations of this region, with fault paths compiled only
     * for sites that have faulted; 484-634 before them, with allocation-free exits, flags left lazy
     * on fault paths and IMUL's lazy carry/overflow; 536-661 before those, 557-664 before branch
     * frequencies and the inline TLB). Those figures included an OSR compilation that had the CPU
     * which first made the loop hot as a constant (wrong for every other CPU); with the CPU read
     * from the frame, as in the call target's compilations, it measures 601 (409-601 in all).
     * A frame-cached site's miss as one call that also hands back the TLB entry for the cache
     * (no TLB index, tag or canonical form computed, or spilled, on the loop's path): 603 -> 488;
     * with a read's miss probing the TLB inline again before that call (lz77's reads miss the
     * frame cache often and hit the TLB): 508. Registers read from the CPU until written
     * ({@code X86FrameRegisters}): 513 -> 515; OSR code starting with empty memory-site caches
     * instead of the interpreter's (each cached page was a live-in value of the whole loop):
     * 465; and with constant RIP slots: 456; 32-bit results zero-extended by a 32-bit move and
     * TLB probes without bounds checks: 447; the RIP slots constant at loop headers: 443.
     * Tighten it as translated code gets denser.
     */
    static final int BUDGET_BYTES_PER_INSTRUCTION = 470;

    // mov esi,DATA; mov edx,DATA+0x1000; mov edi,3; mov r8d,2000
    // outer: xor eax,eax
    // inner: mov ecx,[rsi+rax]; imul ecx,edi; add [rdx+rax],ecx; add rax,4; cmp rax,0x200; jne inner
    //        dec r8d; jne outer; hlt
    static final String KERNEL = "be00006000ba00106000bf0300000041b8d007000031c0"
            + "8b0c060fafcf010c024883c004483d0002000075eb41ffc875e4f4";
    static final int INSTRUCTIONS = 13;

    @Test
    void multiplyAccumulateLoopStaysWithinItsCodeBudget() {
        int[] runs = {0};
        String trace = X86CompilationCheck.runHot(KERNEL, m -> {
            for (int i = 0; i < 64; i++) {
                m.write64(X86TestMachine.DATA + 8L * i, ((2L * i + 2) << 32) | (2L * i + 1));
            }
        }, m -> {
            runs[0]++;
            assertEquals(0x200, m.reg(X86Reg.RAX));
            assertEquals(runs[0] * 2000L * 3 * 1, m.read64(X86TestMachine.DATA + 0x1000) & 0xFFFF_FFFFL);
        });
        assertEachCompilationWithin(trace, "", INSTRUCTIONS, BUDGET_BYTES_PER_INSTRUCTION);
    }

    /**
     * Bytes per guest instruction allowed for a loop of 32-bit arithmetic: SHA-256's round, its
     * state in eight registers and its temporaries in four more (RORs, ANDs, NOT, XORs and ADDs,
     * one load a round). Every 32-bit result is zero-extended into its 64-bit register.
     * Measured: 5,639 and 5,820 bytes (92 and 95 per instruction, two compilations) when that
     * was an AND with the 64-bit mask 0xFFFF_FFFF, which Graal must keep in a register (AND's
     * immediate is sign-extended; in sha256's own loop, short of registers, the mask lived in a
     * stack slot ANDed at every result); 5,428 and 5,452 as a 32-bit move ({@code
     * X86Sizes.truncate}), with TLB probes without bounds checks; 5,380 and 5,441 with the RIP
     * slots constant at loop headers. Tighten it as translated code gets denser.
     */
    static final int INT32_BUDGET_BYTES_PER_INSTRUCTION = 92;

    // mov esi,DATA; a..h = SHA-256's initial state in r8d..r15d; mov ebp,5000
    // outer: xor ecx,ecx
    // round: t1 = h + S1(e) + ch(e,f,g) + [rsi+rcx*4] in eax; t2 = S0(a) + maj(a,b,c) in ebx
    //        (RORs, ANDs, NOT, XORs and ADDs through ebx, edx, edi); h=g g=f f=e e=d+t1 d=c c=b
    //        b=a a=t1+t2; inc ecx; cmp ecx,64; jne round
    //        dec ebp; jne outer; hlt
    static final String INT32_ROUNDS = "be0000600041b867e6096a41b985ae67bb41ba72f36e3c41bb3af54fa541bc7f520e5141bd8c68059b41beabd9831f41bf19"
            + "cde05bbd8813000031c94489e0c1c8064489e3c1cb0b31d84489e3c1cb1931d84489e34421eb4489e2f7d24421f231d301d8"
            + "4401f803048e4489c3c1cb024489c2c1ca0d31d34489c2c1ca1631d34489c24421ca4489c74421d731fa4489cf4421d731fa"
            + "01d34589f74589ee4589e54589dc4101c44589d34589ca4589c14189c04101d8ffc183f9400f857bffffffffcd0f8571ffff"
            + "fff4";
    static final int INT32_INSTRUCTIONS = 61;

    @Test
    void int32RoundsStayWithinTheirCodeBudget() {
        String trace = X86CompilationCheck.runHot(INT32_ROUNDS, m -> {
            for (int i = 0; i < 64; i++) {
                m.write64(X86TestMachine.DATA + 4L * i, (i * 0x9E37_79B9L + 0x12345) & 0xFFFF_FFFFL);
            }
        }, m -> {
            // The state after 5000 x 64 rounds, as a model of the loop computed it.
            assertEquals(0x807b_80a8L, m.reg(X86Reg.R8), "a");
            assertEquals(0x5a7b_5537L, m.reg(X86Reg.R12), "e");
        });
        assertEachCompilationWithin(trace, "32-bit rounds ", INT32_INSTRUCTIONS, INT32_BUDGET_BYTES_PER_INSTRUCTION);
    }

    /**
     * Bytes per guest instruction allowed for the compilations of a recursive function's region
     * (recurse's shape): CALL and RET stay inside the region, each RET continuing at one of the
     * region's return addresses. Measured: 2,027 (one compilation, 40,559 bytes for 20
     * instructions). Implicit stack accesses through the TLB instead of the stack's frame cache
     * measured 1,289, and fault profiles on CALL's push and RET's pop 1,675, but both ran
     * recurse slower, so neither is used. The stack's frame-cache misses as one call that hands
     * back the TLB entry: 2,027 -> 1,559; with the stack segment's #SS(0) check inside that call too
     * (no canonical forms computed on the hit path): 1,263. The loop's one OSR compilation
     * entered at any of the function's return blocks as well as at its target (one compilation
     * per loop where each return block had its own, see the region root): 1,267 -> 1,473, the
     * price of a loop with several ways in, which ran recurse about 12% faster than entering at
     * the target's block only (four alternated pairs, medians of the last five rounds). Each
     * RET's candidate return addresses tried most matched first (a RET nearly always returns to
     * one call site, which is then one compare away): 1,473 -> 986 and 1,104 (two
     * compilations). Registers read from the CPU until written: 689 and 921 -> 638 and 819;
     * OSR code starting with empty memory-site caches: 560 and 707; and with constant RIP
     * slots: 545 and 690; 32-bit results by a 32-bit move and TLB probes without bounds
     * checks: 541 and 676; the RIP slots constant at loop headers too: 532 and 659. Tighten it
     * as translated code gets denser.
     */
    static final int RECURSION_BUDGET_BYTES_PER_INSTRUCTION = 900;

    // mov r8d,300; outer: mov edi,12; call fib; dec r8d; jne outer; hlt
    // fib: cmp edi,1; jle base; push rdi; dec edi; call fib; pop rdi; push rax; sub edi,2; call fib
    //      pop rcx; add rax,rcx; ret; base: mov eax,edi; ret
    static final String RECURSION = "41b82c010000bf0c000000e80600000041ffc875f1f483ff017e1757ffcfe8f3ffffff5f5083ef02e8e9ffffff"
            + "594801c8c389f8c3";
    static final int RECURSION_INSTRUCTIONS = 20;

    @Test
    void recursiveCallsAndReturnsStayWithinTheirCodeBudget() {
        String trace = X86CompilationCheck.runHot(RECURSION, m -> { }, m -> {
            assertEquals(144, m.reg(X86Reg.RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP));
        });
        assertEachCompilationWithin(trace, "recursion ", RECURSION_INSTRUCTIONS, RECURSION_BUDGET_BYTES_PER_INSTRUCTION);
    }

    /**
     * Bytes allowed for a compilation of a loop whose body is an indirect call to a function in
     * another region (a chained call, inlined through the call site's inline cache): what one
     * chained call costs in machine code, around the callee's own two instructions. Measured:
     * 23,641 bytes (one OSR compilation of the loop); one stop check per call instead of two:
     * 23,413. Keeping the memory sites' caches across the call and handing the stack's to the
     * callee (no out-of-line MMU call for the caller's next push or the callee's RET) measured
     * 25,253 and no faster, and is not used. Handing over only the stack's cache, both ways:
     * 22,689 -> 23,837, and a call 18 -> 13 ns ({@code X86ChainedCallBenchmark}). An indirect
     * CALL probing its push only for a non-canonical target, out of line (the push itself
     * faults first otherwise): 23,837 -> 22,088. The caller's flags handed to the callee lazy
     * instead of computed at the call: 17,674, not used (a callee compiled on its own that sets
     * no flags then derives its caller's from an unknown operation; see README). Registers read
     * from the CPU until written: 22,224 -> 21,758; OSR code starting with empty memory-site
     * caches: 20,267; and with constant RIP slots: 20,039; TLB probes without bounds checks:
     * 20,211; the RIP slots constant at loop headers too: 20,115. Tighten it as translated code gets
     * denser.
     */
    static final int CHAINED_CALL_LOOP_BUDGET_BYTES = 21_500;

    // mov r8d,100000; mov ebx,func; xor eax,eax
    // loop: call rbx; dec r8d; jne loop; hlt
    // func: add rax,1; ret
    static final String CHAINED_CALL_LOOP = "41b8a0860100bb1500400031c0ffd341ffc875f9f4" + "4883c001c3";

    @Test
    void chainedCallInALoopStaysWithinItsCodeBudget() {
        // The call stays chained: built again with its callee inside, the loop has no call left to measure.
        String trace = X86CompilationCheck.runHot(CHAINED_CALL_LOOP, Map.of("x86.CalleesIntoLoops", "false"), m -> { }, m -> {
            assertEquals(100_000, m.reg(X86Reg.RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP));
        });
        List<Integer> sizes = codeSizes(trace);
        assertFalse(sizes.isEmpty(), trace);
        for (int size : sizes) {
            System.out.printf("chained-call loop x86@400000 compiled to %d bytes%n", size);
            assertTrue(size <= CHAINED_CALL_LOOP_BUDGET_BYTES,
                    size + " bytes for a loop around one chained call exceeds the budget of " + CHAINED_CALL_LOOP_BUDGET_BYTES + ":\n" + trace);
        }
    }

    /**
     * Checks that every compilation of the code at x86@400000 in {@code trace} (there is at least
     * one) is at most {@code budgetPerInstruction} bytes per guest instruction, and prints each.
     */
    private static void assertEachCompilationWithin(String trace, String label, int instructions, int budgetPerInstruction) {
        List<Integer> sizes = codeSizes(trace);
        assertFalse(sizes.isEmpty(), trace);
        for (int size : sizes) {
            System.out.printf("%sx86@400000 compiled to %d bytes, %d per guest instruction%n", label, size, size / instructions);
            assertTrue(size <= budgetPerInstruction * instructions, size + " bytes for " + instructions
                    + " guest instructions exceeds the budget of " + budgetPerInstruction + " per instruction:\n" + trace);
        }
    }

    private static List<Integer> codeSizes(String trace) {
        Pattern codeSize = Pattern.compile("x86@400000.*\\|CodeSize\\s+(\\d+)");
        return trace.lines().filter(line -> line.contains("opt done")).map(codeSize::matcher).filter(Matcher::find)
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }
}
