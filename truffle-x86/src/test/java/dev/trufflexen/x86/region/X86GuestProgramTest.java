package dev.trufflexen.x86.region;

import static dev.trufflexen.x86.cpu.X86Reg.R11;
import static dev.trufflexen.x86.cpu.X86Reg.RAX;
import static dev.trufflexen.x86.cpu.X86Reg.RBX;
import static dev.trufflexen.x86.cpu.X86Reg.RCX;
import static dev.trufflexen.x86.cpu.X86Reg.RDI;
import static dev.trufflexen.x86.cpu.X86Reg.RDX;
import static dev.trufflexen.x86.cpu.X86Reg.RSI;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.x86.testing.X86TestMachine;

/** Self-modifying code, string instructions, platform calls and precise faults. */
class X86GuestProgramTest {
    @Test
    void selfModifyingLoopRunsThePatchedInstruction() {
        // xor ecx,ecx; xor edx,edx; t: mov eax,1; add ecx,eax; inc edx; mov byte [rip+t+1],5; cmp ecx,21; jb t; hlt
        try (X86TestMachine m = new X86TestMachine()) {
            long code = X86TestMachine.DATA; // writable and executable
            m.load(code, "31c931d2b80100000001c1ffc2c605f1ffffff0583f91572ebf4");
            m.cpu.setRip(code);
            assertEquals("halt", m.run());
            assertEquals(21, m.reg(RCX));
            assertEquals(5, m.reg(RDX), "1 + 5 + 5 + 5 + 5: the patched immediate was executed");
            assertTrue(m.cpu.codeCache().regionsInvalidated() >= 1);
        }
    }

    @Test
    void codeRewrittenOverAndOverFallsBackToSmallInterpretedRegions() {
        // xor ecx,ecx; xor edx,edx; t: mov eax,1; add edx,eax; inc ecx; mov byte [rip+t+1],cl; cmp ecx,100; jb t; hlt
        try (X86TestMachine m = new X86TestMachine()) {
            long code = X86TestMachine.DATA; // writable and executable
            m.load(code, "31c931d2b80100000001c2ffc1880df2ffffff83f96472ecf4");
            m.cpu.setRip(code);
            assertEquals("halt", m.run());
            assertEquals(100, m.reg(RCX));
            assertEquals(1 + 4950, m.reg(RDX), "every iteration ran the immediate the previous one wrote");
            assertTrue(m.cpu.codeCache().regionsInvalidated() >= X86CodeCache.REWRITE_LIMIT);
            assertTrue(m.cpu.codeCache().interpretedRegionsBuilt() > 0, "the rewritten page fell back to interpreted regions");
        }
    }

    @Test
    void jumpTableDispatchStaysInsideItsRegion() {
        // xor ecx,ecx; xor eax,eax; loop: mov edx,ecx; and edx,3; jmp [DATA + rdx*8]
        // case0: add eax,1; jmp next / case1: add eax,10; jmp next / case2: add eax,100; jmp next
        // case3: add eax,1000 / next: inc ecx; cmp ecx,40; jb loop; hlt
        try (X86TestMachine m = new X86TestMachine()) {
            writeTable(m, 0x10, 0x15, 0x1a, 0x1f);
            m.code("31c931c089ca83e203ff24d50000600083c001eb0f83c00aeb0a83c064eb0505e8030000ffc183f92872d9f4");
            assertEquals("halt", m.run());
            assertEquals(10 * (1 + 10 + 100 + 1000), m.reg(RAX));
            assertEquals(1, m.cpu.codeCache().regionsBuilt(), "every case was a block of the loop's region");
        }
    }

    @Test
    void jumpTableTargetsAreOnlyAGuess() {
        // The same loop, but the table changes after the region is built: the jump goes where
        // the table says now, leaving the region for targets it did not read.
        try (X86TestMachine m = new X86TestMachine()) {
            writeTable(m, 0x10, 0x10, 0x10, 0x10);
            m.code("31c931c089ca83e203ff24d50000600083c001eb0f83c00aeb0a83c064eb0505e8030000ffc183f92872d9f4");
            assertEquals("halt", m.run());
            assertEquals(40, m.reg(RAX));
            writeTable(m, 0x10, 0x1f);
            m.cpu.setRip(X86TestMachine.CODE);
            assertEquals("halt", m.run());
            assertEquals(30 + 10 * 1000, m.reg(RAX), "entry 1 now jumps to case3");
        }
    }

    /** xor ecx,ecx; xor eax,eax; loop: mov edx,ecx; and edx,3; call [DATA + rdx*8]; inc ecx; cmp ecx,40; jb loop; hlt; f0..f3: add eax,k; ret */
    private static final String TABLE_CALLS = "31c931c089ca83e203ff14d500006000ffc183f92872edf483c001c383c00ac383c064c305e8030000c3";

    /** Writes a table of code addresses at DATA: entry k is CODE + {@code offsets[k]}. */
    private static void writeTable(X86TestMachine m, long... offsets) {
        for (int entry = 0; entry < offsets.length; entry++) {
            byte[] bytes = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(X86TestMachine.CODE + offsets[entry]).array();
            m.cpu.copyToGuest(X86TestMachine.DATA + 8L * entry, bytes, 0, 8);
        }
    }

    @Test
    void callsThroughATableStayInsideTheirRegion() {
        try (X86TestMachine m = new X86TestMachine()) {
            writeTable(m, 0x18, 0x1c, 0x20, 0x24);
            m.code(TABLE_CALLS);
            assertEquals("halt", m.run());
            assertEquals(10 * (1 + 10 + 100 + 1000), m.reg(RAX));
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP), "every call returned");
            assertEquals(1, m.cpu.codeCache().regionsBuilt(), "every callee was a block of the loop's region, none a region of its own");
            assertEquals(0, m.cpu.jumpCache().chainedCalls(), "no call left the region");
        }
    }

    @Test
    void tableCallTargetsAreOnlyAGuess() {
        // The table changes after the region is built: each call goes where the table says now,
        // to a callee the region does not hold (a chained call) for the entry that moved.
        try (X86TestMachine m = new X86TestMachine()) {
            writeTable(m, 0x18, 0x18, 0x18, 0x18);
            m.code(TABLE_CALLS);
            assertEquals("halt", m.run());
            assertEquals(40, m.reg(RAX));
            writeTable(m, 0x18, 0x24, 0x18, 0x18);
            m.cpu.setRip(X86TestMachine.CODE);
            assertEquals("halt", m.run());
            assertEquals(30 + 10 * 1000, m.reg(RAX), "entry 1 now calls f3");
            assertEquals(X86TestMachine.STACK_TOP, m.reg(X86Reg.RSP), "every call returned");
            assertTrue(m.cpu.jumpCache().chainedCalls() > 0, "f3 ran as a chained call");
        }
    }

    @Test
    void fpuInstructionsRaiseDeviceNotAvailableWhileTaskSwitched() {
        // mov eax,1; wait; hlt (WAIT checks for pending x87 exceptions: it is an x87 instruction)
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("b8010000009bf4");
            m.cpu.setTaskSwitched(true);
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.NM, fault.vector());
            assertEquals(X86TestMachine.CODE + 5, m.cpu.rip(), "#NM at the x87 instruction");
            assertEquals(1, m.reg(RAX), "integer code before it ran");

            m.cpu.setTaskSwitched(false);
            assertEquals("halt", m.run(), "no #NM once TS is clear");
        }
    }

    @Test
    void branchIntoAnUnmappedPageFaultsAtTheTarget() {
        // xor eax,eax; jz CODE+0x4000 (unmapped: the code window is 4 pages)
        try (X86TestMachine m = new X86TestMachine()) {
            long unmapped = X86TestMachine.CODE + X86TestMachine.CODE_PAGES * 4096L;
            m.code("31c00f84" + String.format("%08x", Integer.reverseBytes((int) (unmapped - (X86TestMachine.CODE + 8)))));
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.PF, fault.vector());
            assertEquals(unmapped, m.cpu.rip());
            assertEquals(unmapped, m.cpu.cr2());
        }
    }

    @Test
    void stringInstructionsCopyFillAndScan() {
        try (X86TestMachine m = new X86TestMachine()) {
            long src = X86TestMachine.DATA;
            long dst = X86TestMachine.DATA + 0x2000;
            byte[] text = new byte[100];
            for (int i = 0; i < text.length; i++) {
                text[i] = (byte) ('a' + i % 26);
            }
            m.cpu.copyToGuest(src, text, 0, text.length);
            // rep movsb (100); rep stosq (4 x 0x1111..); then strlen of dst via repne scasb
            m.code("48c7c164000000f3a448c7c10400000048b81111111111111111f348ab4889df31c048c7c1fffffffff2ae48f7d148ffc9f4");
            m.cpu.setReg(RSI, src);
            m.cpu.setReg(RDI, dst);
            m.cpu.setReg(RBX, dst);
            assertEquals("halt", m.run());
            byte[] copied = new byte[100];
            m.cpu.copyFromGuest(dst, copied, 0, 100);
            assertArrayEquals(text, copied);
            assertEquals(0x1111111111111111L, m.read64(dst + 100));
            assertEquals(0x1111111111111111L, m.read64(dst + 124));
            assertEquals(132, m.reg(RCX), "strlen: 100 copied + 32 filled bytes before the zero");
        }
    }

    @Test
    void syscallHandsOverWithReturnAddressAndFlags() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.platform.onSyscall(cpu -> cpu.setReg(RAX, cpu.reg(RAX) * 2));
            m.code("b82a0000000f054883c001f4"); // mov eax,42; syscall; add rax,1; hlt
            assertEquals("halt", m.run());
            assertEquals(85, m.reg(RAX));
            assertEquals(X86TestMachine.CODE + 7, m.reg(RCX));
            assertEquals(m.platform.events.get(0).rip(), X86TestMachine.CODE + 7);
            assertTrue((m.reg(R11) & 2) != 0, "R11 holds RFLAGS");
        }
    }

    @Test
    void faultsArePreciseInTheMiddleOfABlock() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("b801000000488b1eb802000000f4"); // mov eax,1; mov rbx,[rsi]; mov eax,2; hlt
            m.cpu.setReg(RSI, 0x0090_0000L);
            m.cpu.setReg(RBX, 77);
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.PF, fault.vector());
            assertEquals(X86TestMachine.CODE + 5, m.cpu.rip());
            assertEquals(1, m.reg(RAX), "the instruction before the fault retired");
            assertEquals(77, m.reg(RBX), "the faulting load changed nothing");
        }
    }

    @Test
    void softwareInterruptsPrivilegedAndUndefinedInstructions() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("cd80f4");
            X86Fault fault = (X86Fault) m.run();
            assertTrue(fault.isSoftwareInterrupt());
            assertEquals(0x80, fault.vector());
            assertEquals(X86TestMachine.CODE + 2, m.cpu.rip(), "traps report the next instruction");
        }
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("ecf4"); // in al, dx: privileged at CPL 3
            X86Fault fault = (X86Fault) m.run();
            assertEquals(X86Fault.GP, fault.vector());
            assertEquals(X86TestMachine.CODE, m.cpu.rip());
        }
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("6690f3f4"); // xchg ax,ax; rep hlt: #GP(0) at the hlt, prefixes included
            assertEquals("halt", m.run());
            assertEquals(X86TestMachine.CODE + 2, m.cpu.rip());
        }
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("0f0bf4"); // ud2
            assertEquals(X86Fault.UD, ((X86Fault) m.run()).vector());
        }
    }

    @Test
    void requestExitFromAnotherThreadStopsAnEndlessLoop() throws Exception {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("ebfe"); // jmp $
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                m.cpu.requestAttention();
                m.cpu.requestExit("stop");
            });
            stopper.start();
            assertEquals("stop", m.run());
            stopper.join();
            assertEquals(X86TestMachine.CODE, m.cpu.rip());
        }
    }

    @Test
    void tracingRecordsRecentInstructions() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.code("b801000000488b1eb802000000f4");
            m.cpu.setReg(RSI, X86TestMachine.DATA);
            m.run();
            long[] rips = m.cpu.recentRips();
            long c = X86TestMachine.CODE;
            assertArrayEquals(new long[] {c, c + 5, c + 8, c + 13}, java.util.Arrays.copyOfRange(rips, rips.length - 4, rips.length));
            m.cpu.setReg(RDI, 0);
        }
    }
}
