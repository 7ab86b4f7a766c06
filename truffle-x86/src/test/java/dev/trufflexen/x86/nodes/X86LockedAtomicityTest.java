package dev.trufflexen.x86.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86RecordingPlatform;
import dev.trufflexen.x86.testing.X86TestMachine;

/**
 * LOCK-prefixed read-modify-writes are atomic across host threads: two vCPUs on two threads
 * over one machine memory each add 1 to shared counters 100,000 times, with LOCK XADD, LOCK
 * CMPXCHG (retry loop), LOCK INC, XCHG-free LOCK ADD on a word and LOCK CMPXCHG16B; no update
 * may be lost. Split locks too: LOCK INC on a dword straddling two 8-byte words, and on one
 * straddling two pages.
 */
class X86LockedAtomicityTest {
    private static final int ITERATIONS = 100_000;

    /*
     *   mov ecx, 100000
     * loop:
     *   mov eax, 1
     *   lock xadd [rdi], eax
     * retry:
     *   mov rax, [rdi+8]
     *   lea rdx, [rax+1]
     *   lock cmpxchg [rdi+8], rdx
     *   jne retry
     *   lock inc dword [rdi+16]
     *   lock add word [rdi+22], 1
     * retry16:
     *   mov rax, [rdi+32]; mov rdx, [rdi+40]
     *   lea rbx, [rax+1]; lea r8, [rdx+2]; mov r9, rcx; mov rcx, r8
     *   lock cmpxchg16b [rdi+32]
     *   mov rcx, r9
     *   jne retry16
     *   dec ecx
     *   jnz loop
     *   hlt
     */
    private static final String PROGRAM = "b9a0860100b801000000f00fc107488b4708488d5001f0480fb1570875f0f0ff4710"
            + "66f083471601488b4720488b5728488d58014c8d42024989c94c89c1f0480fc74f204c89c975dfffc975b8f4";

    /*
     *   mov ecx, 100000
     * loop:
     *   lock inc dword [rdi+0x3e]    (bytes 0x3e-0x41: two 8-byte words)
     *   lock inc dword [rdi+0xffe]   (bytes 0xffe-0x1001: two pages)
     *   dec ecx
     *   jnz loop
     *   hlt
     */
    private static final String SPLIT_PROGRAM = "b9a0860100f0ff473ef0ff87fe0f0000ffc975f1f4";

    @Test
    void lockedUpdatesFromTwoThreadsAreNeverLost() throws Exception {
        try (X86TestMachine m = new X86TestMachine()) {
            runOnTwoThreads(m, PROGRAM);
            assertEquals(2L * ITERATIONS, m.read64(X86TestMachine.DATA) & 0xFFFF_FFFFL, "LOCK XADD");
            assertEquals(2L * ITERATIONS, m.read64(X86TestMachine.DATA + 8), "LOCK CMPXCHG");
            assertEquals(2L * ITERATIONS, m.read64(X86TestMachine.DATA + 16) & 0xFFFF_FFFFL, "LOCK INC");
            assertEquals((2L * ITERATIONS) & 0xFFFF, (m.read64(X86TestMachine.DATA + 16) >>> 48) & 0xFFFF, "LOCK ADD word");
            assertEquals(2L * ITERATIONS, m.read64(X86TestMachine.DATA + 32), "LOCK CMPXCHG16B low");
            assertEquals(4L * ITERATIONS, m.read64(X86TestMachine.DATA + 40), "LOCK CMPXCHG16B high");
        }
    }

    @Test
    void splitLockedUpdatesFromTwoThreadsAreNeverLost() throws Exception {
        try (X86TestMachine m = new X86TestMachine()) {
            runOnTwoThreads(m, SPLIT_PROGRAM);
            assertEquals(2L * ITERATIONS, dwordAcross(m, X86TestMachine.DATA + 0x38), "LOCK INC across two words");
            assertEquals(2L * ITERATIONS, dwordAcross(m, X86TestMachine.DATA + 0xff8), "LOCK INC across two pages");
        }
    }

    /** The dword at byte 6 of the 8-byte word at {@code word}: its last two bytes and the next word's first two. */
    private static long dwordAcross(X86TestMachine m, long word) {
        return (m.read64(word) >>> 48) | (m.read64(word + 8) & 0xFFFF) << 16;
    }

    /** Runs {@code program} on the machine's CPU and a second CPU over the same memory, on two threads, to HLT. */
    private static void runOnTwoThreads(X86TestMachine m, String program) throws Exception {
        m.code(program);
        X86Cpu second = new X86Cpu(m.engine(), m.memory, new X86RecordingPlatform());
        second.setCr3(m.cpu.cr3());
        for (X86Cpu cpu : new X86Cpu[] {m.cpu, second}) {
            cpu.setRip(X86TestMachine.CODE);
            cpu.setReg(X86Reg.RDI, X86TestMachine.DATA);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Object> a = threads.submit(m.cpu::run);
            Future<Object> b = threads.submit(second::run);
            assertEquals("halt", a.get(5, TimeUnit.MINUTES));
            assertEquals("halt", b.get(5, TimeUnit.MINUTES));
        } finally {
            threads.shutdownNow();
        }
    }
}
