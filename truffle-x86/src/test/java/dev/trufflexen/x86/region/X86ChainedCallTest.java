package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.R8;
import static dev.trufflexen.x86.cpu.X86Reg.R9;
import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;
import static dev.trufflexen.x86.cpu.X86Reg.RSP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.oracle.truffle.api.RootCallTarget;
import com.oracle.truffle.api.nodes.NodeUtil;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.runtime.X86JumpCache;
import dev.trufflexen.x86.testing.X86CompilationCheck;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * Region chaining: CALLs that leave their region run as host calls of the callee's region, and
 * a RET to the call's return address returns from that host call. Every other way of leaving a
 * callee (a pop and a jump, a RET elsewhere, a fault, rewritten code, deep nesting) must leave
 * the guest state exact.
 */
class X86ChainedCallTest {
    @Test
    void indirectCallsThroughAFunctionPointerAreChained() {
        // loop: rax = i odd ? f2 : f1; call rax; sum += rax; f1(i) = i + 1, f2(i) = 2i + 5
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31d231c9488d0523000000488d3521000000f7c101000000480f45c689cfffd04801c2ffc181f9e803000072d7f4"
                    + "488d4701c3488d443f05c3");
            assertEquals("halt", m.run());
            long expected = 0;
            for (int i = 0; i < 1000; i++) {
                expected += (i & 1) != 0 ? 2L * i + 5 : i + 1;
            }
            assertEquals(expected, m.reg(RDX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertTrue(m.cpu.jumpCache().chainedCalls() > 900, "calls after the first few bypass the dispatcher: " + m.cpu.jumpCache().chainedCalls());
        }
    }

    @Test
    void aCallThroughASixteenEntryTableKeepsEveryCalleeInItsInlineCache() {
        // loop 2000 times: call funcs[i & 15](i), sum += result; funcs[k](i) = i + k + 1. All
        // sixteen callees get a direct call node each (so a compilation of the loop may inline
        // them all), none goes through the shared indirect call.
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31d231c9488d1d1d00000089c883e00f488d04c389cfffd04801c2ffc181f9d007000072e6f46690"
                    + "488d4701c30f1f00488d4702c30f1f00488d4703c30f1f00488d4704c30f1f00488d4705c30f1f00"
                    + "488d4706c30f1f00488d4707c30f1f00488d4708c30f1f00488d4709c30f1f00488d470ac30f1f00"
                    + "488d470bc30f1f00488d470cc30f1f00488d470dc30f1f00488d470ec30f1f00488d470fc30f1f00"
                    + "488d4710c3");
            assertEquals("halt", m.run());
            long expected = 0;
            for (int i = 0; i < 2000; i++) {
                expected += i + (i & 15) + 1;
            }
            assertEquals(expected, m.reg(RDX));
            RootCallTarget caller = (RootCallTarget) m.cpu.jumpCache().lookup(m.cpu, X86TestMachine.CODE);
            List<X86ChainedCall> sites = NodeUtil.findAllNodeInstances(caller.getRootNode(), X86ChainedCall.class);
            assertEquals(1, sites.size(), "the loop's one call site");
            assertEquals(16, sites.get(0).cachedCallees(), "every callee has an inline-cache entry");
        }
    }

    @Test
    void theFirstCallToACalleeNotTranslatedYetIsChainedToo() {
        // The loop above: its two callees are translated when first called, from inside the
        // caller's region, so no call returns through the dispatcher and no region starts at
        // the call's return address.
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31d231c9488d0523000000488d3521000000f7c101000000480f45c689cfffd04801c2ffc181f9e803000072d7f4"
                    + "488d4701c3488d443f05c3");
            assertEquals("halt", m.run());
            assertEquals(1000, m.cpu.jumpCache().chainedCalls(), "every call bypasses the dispatcher");
            assertEquals(3, m.cpu.codeCache().regionsBuilt(), "the caller's region and one per callee");
        }
    }

    @Test
    void aCalleeThatLeavesWithoutReturningToItsCallerGoesBackThroughTheDispatcher() {
        // f(i): i % 8 == 0: pop the return address and jump back with 100; i % 8 == 4: overwrite
        // the return address with alt (which adds 1000) and RET there; otherwise return i + 1.
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31d231c9488d051900000089cfffd04801c2ffc181f9e803000072e8f4b8e8030000ebebf7c107000000741483f904741a"
                    + "89c883e00783f8047410488d4701c3b8640000004883c408ebc4488d35cbffffff48893424c3");
            assertEquals("halt", m.run());
            long expected = 0;
            for (int i = 0; i < 1000; i++) {
                expected += i % 8 == 0 ? 100 : i % 8 == 4 ? 1000 : i + 1;
            }
            assertEquals(expected, m.reg(RDX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertTrue(m.cpu.jumpCache().chainedCalls() > 500);
        }
    }

    @Test
    void aLoopWhoseOnlyBackEdgeIsAChainedReturnStillPollsAndCompletes() {
        // jmp next; call: rax = f; call rax (f(i) = 2i); next: sum += rax; i++; i <= 20000: jbe call
        // (the jbe goes forward in block order; the return to next is the loop's back edge)
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31c031d231c9eb0b488d051200000089cfffd04801c2ffc181f9204e000076e8f4488d043fc3");
            assertEquals("halt", m.run());
            assertEquals(20000L * 20001, m.reg(RDX));
            assertTrue(m.cpu.jumpCache().chainedCalls() > 19000, "chained: " + m.cpu.jumpCache().chainedCalls());
        }
    }

    @Test
    void recursionDeeperThanTheNestingCapFallsBackToTheDispatcher() {
        // sum(n) = n == 0 ? 0 : n + sum(n - 1), recursing through call rbx, 1500 deep
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("488d1d08000000bfdc050000ffd3f44885ff740b5748ffcfffd35f4801f8c331c0c3");
            assertEquals("halt", m.run());
            assertEquals(1500L * 1501 / 2, m.reg(RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertTrue(1500 > X86JumpCache.MAX_CHAIN_DEPTH);
        }
    }

    @Test
    void aDirectCallPastTheRegionCapsIsChained() {
        // loop: 46 blocks of jmp; call f; sum += f(i) = i + 3; 300 times
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("eb00".repeat(46) + "e80e0000004801c2ffc181f92c0100007292f4488d4103c3");
            m.cpu.setReg(RCX, 0);
            m.cpu.setReg(RDX, 0);
            assertEquals("halt", m.run());
            assertEquals(300L * 299 / 2 + 3 * 300, m.reg(RDX));
            assertTrue(m.cpu.jumpCache().chainedCalls() > 250, "chained: " + m.cpu.jumpCache().chainedCalls());
        }
    }

    @Test
    void aFaultInsideAChainedCalleeLeavesTheStateExact() {
        // loop: call f; sum += f(i) = i + 1; f loads from an unmapped address on its 500th call
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("31d231c9488d0510000000ffd04801c2ffc181f9e803000072eaf489ce488d410181f9f4010000750e41b834120000"
                    + "488b04f500001000c3");
            Object reason = m.run();
            assertTrue(reason instanceof X86Fault fault && fault.vector() == X86Fault.PF, "stopped at " + reason);
            assertEquals(X86TestMachine.CODE + 0x2f, m.cpu.rip(), "at the faulting load");
            assertEquals(0x100000L + 500 * 8, m.cpu.cr2());
            assertEquals(500, m.reg(RCX));
            assertEquals(501, m.reg(RAX), "written by the callee before the fault");
            assertEquals(0x1234, m.reg(R8));
            assertEquals(500L * 501 / 2, m.reg(RDX), "the caller's sum, written back before the call");
            assertEquals(X86TestMachine.STACK_TOP - 8, m.reg(RSP));
            assertEquals(X86TestMachine.CODE + 0xd, m.read64(X86TestMachine.STACK_TOP - 8), "the return address");
            assertTrue(m.cpu.jumpCache().chainedCalls() > 400);
        }
    }

    @Test
    void rewritingACalleeReachesItsCallersInlineCaches() {
        // loop: call DATA (mov eax, 1; ret); sum += rax; after 500 calls the caller patches the
        // callee's immediate to 2
        try (X86TestMachine m = new X86TestMachine()) {
            m.load(X86TestMachine.DATA, "b801000000c3");
            m.code("31d231c9b800006000ffd04801c2ffc181f9f40100007508c60425010060000281f9e803000072dcf4");
            assertEquals("halt", m.run());
            assertEquals(500 * 1 + 500 * 2, m.reg(RDX));
            assertTrue(m.cpu.codeCache().regionsInvalidated() >= 1);
            assertTrue(m.cpu.jumpCache().chainedCalls() > 900, "the new callee is chained too: " + m.cpu.jumpCache().chainedCalls());
        }
    }

    @Test
    void aCalleeTranslatedDuringACallDropsTheCallersWriteCacheForItsPage() {
        // A tight loop writes DATA through a cached site (base RSI), then calls DATA+0x100
        // (mov eax, 1; ret), translated in place by the first call so DATA starts holding code,
        // then patches the callee's immediate to 2 through the same site. Had the caller kept
        // its write cache across that call, the patch would bypass the code cache and every
        // call would go on returning 1.
        try (X86TestMachine m = new X86TestMachine()) {
            m.load(X86TestMachine.DATA + 0x100, "b801000000c3");
            m.code("be00006000bb0001600031d231c9880effd34801c2c6860101000002ffc183f90a75ebf4");
            assertEquals("halt", m.run());
            assertEquals(1 + 9 * 2, m.reg(RDX));
            assertTrue(m.cpu.codeCache().regionsInvalidated() >= 1);
            assertTrue(m.cpu.jumpCache().chainedCalls() >= 9, "the calls are chained: " + m.cpu.jumpCache().chainedCalls());
        }
    }

    @Test
    void aCalleeTranslatedDuringACallIsNotHandedTheCallersStackWriteCache() {
        // The caller writes the callee (inc rax; ret) into its own stack page, pushes (filling its
        // stack write cache for that page) and calls it, which translates it in place: the page
        // now holds code. It then overwrites the callee with a push (inc rax; inc rax; ret) and
        // calls it again. Had the call handed the callee the stack cache filled before the
        // translation, and the callee handed it back, that push would bypass the code cache and
        // the second call would run the old code (rax 2, not 3).
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("48c7c700f8fe7fc70748ffc0c331c05059ffd748c7c408f8fe7f48b948ffc048ffc0c3005148c7c40000ff7fffd7f4");
            assertEquals("halt", m.run());
            assertEquals(3, m.reg(RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertTrue(m.cpu.codeCache().regionsInvalidated() >= 1);
        }
    }

    @Test
    void aCalleeThatMovesTheStackHandsBackACacheForTheRightPages() {
        // loop: call f; push rdx; pop rdx; sum += rax. f switches to a stack two pages down,
        // pushes the old RSP and 7 there, pops them and returns: the cache it hands back holds
        // the other page for writes, so the caller's next push must miss it, not write there.
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(HANDED_STACK_LOOP);
            assertEquals("halt", m.run());
            assertEquals(7 * 100_000, m.reg(RDX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
            assertEquals(X86TestMachine.STACK_TOP - 8, m.read64(X86TestMachine.STACK_TOP - 0x2000 - 8), "f's push of its stack pointer");
        }
    }

    @Test
    void aCompiledCalleeThatMovesTheStackHandsBackACacheForTheRightPages() {
        X86CompilationCheck.runHot(HANDED_STACK_LOOP, Map.of("x86.CalleesIntoLoops", "false"), m -> { }, m -> {
            assertEquals(7 * 100_000, m.reg(RDX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(RSP));
        });
    }

    // mov r8d,100000; xor edx,edx; lea rbx,[rip+f]
    // loop: call rbx; push rdx; pop rdx; add rdx,rax; dec r8d; jne loop; hlt
    // f: mov rcx,rsp; mov rsp,STACK_TOP-0x2000; push rcx; push 7; pop rax; pop rsp; ret
    private static final String HANDED_STACK_LOOP = "41b8a086010031d2488d1d0d000000ffd3525a4801c241ffc875f4f44889e148c7c400e0fe7f516a07585cc3";

    /**
     * The flags a chained call hands the callee are the caller's exact ones: read here with
     * PUSHF first thing (after CMP, after DEC whose carry is ADD's, after SBB) and after an INC
     * of the callee's own (the carry still the caller's: ADD's, then SHL's). Only defined flags are summed; the sum is the host CPU's for the same
     * code, and the same loop with each callee's instructions in place of its call must give
     * it too; all run interpreted and compiled.
     */
    @Test
    void aCalleeReadsTheFlagsItsCallerLeftLazy() {
        // rsi = r9 = 0, then 100,000 times: r9 += status flags (CF PF AF ZF SF OF) read by f
        // (pushf; pop rax) or g (inc rsi; pushf; pop rax) after cmp, add+dec, sbb, add,
        // shl+inc, each after an IMUL of the loop counter
        String called = "488d2d890000004c8d25920000004531c931f6b9a086010069c1b179379e89c3c1eb0339d8ffd525d50800004901c169c1b179379e01d8"
                + "ffc8ffd525d50800004901c169c1157c4a7f19d8ffd525d50800004901c169c1157c4a7f01d841ffd425d50800004901c169c1157c4a7f"
                + "d3e0ffc341ffd425d50800004901c1ffc97597f466662e0f1f8400000000000f1f009c58c366662e0f1f840000000000669048ffc69c58"
                + "c3";
        String inPlace = "488d2d890000004c8d25920000004531c931f6b9a086010069c1b179379e89c3c1eb0339d8909c5825d50800004901c169c1b179379e01"
                + "d8ffc8909c5825d50800004901c169c1157c4a7f19d8909c5825d50800004901c169c1157c4a7f01d848ffc69c5825d50800004901c169"
                + "c1157c4a7fd3e0ffc348ffc69c5825d50800004901c1ffc97590f40f1f80000000009c58c366662e0f1f840000000000669048ffc69c58"
                + "c3";
        long host = 47_977_747; // the same code run natively on an x86-64 host
        for (String code : List.of(inPlace, called)) {
            try (X86TestMachine m = new X86TestMachine()) {
                m.code(code);
                assertEquals("halt", m.run());
                assertEquals(host, m.reg(R9));
                assertEquals(200_000, m.reg(RSI));
            }
        }
        try (X86TestMachine m = new X86TestMachine()) {
            m.code(called);
            m.run();
            assertTrue(m.cpu.jumpCache().chainedCalls() > 490_000, "the calls are chained: " + m.cpu.jumpCache().chainedCalls());
        }
        X86CompilationCheck.runHot(inPlace, machine -> { }, machine -> assertEquals(host, machine.reg(R9), "in place, compiled"));
        X86CompilationCheck.runHot(called, machine -> { }, machine -> assertEquals(host, machine.reg(R9), "called, in the loop's region, compiled"));
        X86CompilationCheck.runHot(called, Map.of("x86.CalleesIntoLoops", "false"), machine -> { },
                machine -> assertEquals(host, machine.reg(R9), "called, chained, compiled"));
    }
}
