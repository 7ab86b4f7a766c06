package dev.trufflexen.x86.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.testing.X86TestMachine;

/** The CPUID policy advertises what the CPU implements, and CPUID/RDTSC/RDTSCP run at CPL 3. */
class X86CpuidPolicyTest {
    private static final X86CpuidPolicy POLICY = X86CpuidPolicy.standard();

    private static boolean has(int leaf, int subleaf, int register, int bit) {
        return (POLICY.query(leaf, subleaf)[register] & (1 << bit)) != 0;
    }

    private static final int EBX = 1;
    private static final int ECX = 2;
    private static final int EDX = 3;

    @Test
    void vendorAndMaximumLeaves() {
        int[] leaf0 = POLICY.query(0, 0);
        assertEquals(7, leaf0[0]);
        assertArrayEquals(X86CpuidPolicy.registerString("AuthenticAMD"), new int[] {leaf0[1], leaf0[3], leaf0[2]});
        assertEquals(0x8000_0008, POLICY.query(0x8000_0000, 0)[0]);
        assertArrayEquals(new int[4], POLICY.query(0x4000_0000, 0), "no hypervisor leaves without a platform");
        assertArrayEquals(new int[4], POLICY.query(0x20, 0), "above the maximum: zeros (AMD)");
    }

    @Test
    void implementedFeaturesAreAdvertised() {
        assertTrue(has(1, 0, EDX, 8), "CX8");
        assertTrue(has(1, 0, ECX, 13), "CMPXCHG16B");
        assertTrue(has(1, 0, ECX, 23), "POPCNT");
        assertTrue(has(1, 0, EDX, 15), "CMOV");
        assertTrue(has(1, 0, EDX, 4), "TSC");
        assertTrue(has(1, 0, EDX, 19), "CLFLUSH");
        assertTrue(has(0x8000_0001, 0, ECX, 0), "LAHF/SAHF in 64-bit mode");
        assertTrue(has(0x8000_0001, 0, ECX, 5), "LZCNT");
        assertTrue(has(0x8000_0001, 0, EDX, 11), "SYSCALL");
        assertTrue(has(0x8000_0001, 0, EDX, 20), "NX");
        assertTrue(has(0x8000_0001, 0, EDX, 27), "RDTSCP");
        assertTrue(has(0x8000_0001, 0, EDX, 29), "LM");
        assertTrue(has(7, 0, EBX, 23), "CLFLUSHOPT");
        assertTrue(has(7, 0, EBX, 24), "CLWB");
        assertTrue(has(1, 0, ECX, 22), "MOVBE");
        assertTrue(has(1, 0, EDX, 23), "MMX");
        assertTrue(has(0x8000_0001, 0, EDX, 23), "MMX (AMD's copy)");
    }

    @Test
    void unimplementedFeaturesAreNot() {
        int[][] absent = {
            {1, ECX, 3, 'M'}, // MONITOR
            {1, ECX, 5, 'V'}, // VMX
            {1, ECX, 12, 'F'}, // FMA
            {1, ECX, 17, 'P'}, // PCID
            {1, ECX, 21, 'X'}, // x2APIC
            {1, ECX, 24, 'T'}, // TSC-deadline
            {1, ECX, 25, 'A'}, // AES
            {1, ECX, 26, 'X'}, // XSAVE
            {1, ECX, 27, 'O'}, // OSXSAVE
            {1, ECX, 28, 'A'}, // AVX
            {1, ECX, 30, 'R'}, // RDRAND
            {1, ECX, 31, 'H'}, // hypervisor (the platform's business)
        };
        for (int[] a : absent) {
            assertTrue(!has(a[0], 0, a[1], a[2]), "leaf " + a[0] + " reg " + a[1] + " bit " + a[2]);
        }
        int[] leaf7 = POLICY.query(7, 0);
        int forbidden7 = 1 << 0 | 1 << 3 | 1 << 5 | 1 << 7 | 1 << 8 | 1 << 18 | 1 << 19 | 1 << 20 | 1 << 29; // FSGSBASE BMI1 AVX2 SMEP BMI2 RDSEED ADX SMAP SHA
        assertEquals(0, leaf7[EBX] & forbidden7);
        assertEquals(0, leaf7[ECX]);
        assertTrue(!has(0x8000_0001, 0, ECX, 2), "SVM");
    }

    @Test
    void platformLeavesAndSubleaves() {
        X86CpuidPolicy p = POLICY.with(0x4000_0000, 0, 0x4000_0001, 1, 2, 3).with(0x4000_0001, 1, 9, 8, 7, 6);
        assertArrayEquals(new int[] {0x4000_0001, 1, 2, 3}, p.query(0x4000_0000, 55), "no subleaves: ECX ignored");
        assertArrayEquals(new int[] {9, 8, 7, 6}, p.query(0x4000_0001, 1));
        assertArrayEquals(new int[4], p.query(0x4000_0001, 0));
        assertArrayEquals(new int[4], POLICY.query(0x4000_0000, 0), "the standard policy is unchanged");
    }

    @Test
    void cpuidExecutesAtCpl3FromThePlatformPolicy() {
        try (X86TestMachine m = new X86TestMachine()) {
            // mov eax,0x80000001; mov ecx,5; cpuid; hlt
            m.code("b801000080b9050000000fa2f4");
            m.cpu.setReg(X86Reg.RBX, -1L);
            assertEquals("halt", m.run());
            int[] expected = POLICY.query(0x8000_0001, 0);
            assertEquals(expected[0] & 0xFFFF_FFFFL, m.reg(X86Reg.RAX));
            assertEquals(expected[1] & 0xFFFF_FFFFL, m.reg(X86Reg.RBX));
            assertEquals(expected[2] & 0xFFFF_FFFFL, m.reg(X86Reg.RCX));
            assertEquals(expected[3] & 0xFFFF_FFFFL, m.reg(X86Reg.RDX));
            assertTrue(m.platform.faults.isEmpty());
        }
    }

    @Test
    void rdtscAndRdtscpReadThePlatformCounter() {
        try (X86TestMachine m = new X86TestMachine()) {
            m.platform.timeStampCounter = 0x1122_3344_5566_7788L;
            m.platform.timeStampAux = 3;
            // rdtsc; mov r8,rax; mov r9,rdx; mov rcx,-1; rdtscp; hlt
            m.code("0f314989c04989d148c7c1ffffffff0f01f9f4");
            m.cpu.setReg(X86Reg.RAX, -1L);
            m.cpu.setReg(X86Reg.RDX, -1L);
            assertEquals("halt", m.run());
            assertEquals(0x5566_7788L, m.reg(X86Reg.R8));
            assertEquals(0x1122_3344L, m.reg(X86Reg.R9));
            assertEquals(0x5566_7788L, m.reg(X86Reg.RAX));
            assertEquals(0x1122_3344L, m.reg(X86Reg.RDX));
            assertEquals(3L, m.reg(X86Reg.RCX));
        }
    }
}
