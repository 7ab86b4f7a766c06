package dev.trufflexen.xen.pv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86CpuidPolicy;
import dev.trufflexen.x86.cpu.X86Fault;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.testing.X86TestMachine;
import dev.trufflexen.xen.time.DomainTimeStampCounter;

/** Xen's CPUID leaves for a PV domain, and the forced-emulation prefix that reaches them. */
class XenCpuidLeavesTest {
    private final X86CpuidPolicy policy = XenCpuidLeaves.forPvDomain(1L << 30);

    @Test
    void signatureVersionAndHypercallPage() {
        int[] leaf0 = policy.query(0x4000_0000, 0);
        assertEquals(0x4000_0005, leaf0[0]);
        assertArrayEquals(X86CpuidPolicy.registerString("XenVMMXenVMM"), new int[] {leaf0[1], leaf0[2], leaf0[3]});
        assertEquals((4 << 16) | 19, policy.query(0x4000_0001, 0)[0]);
        assertArrayEquals(new int[] {1, 0x4000_0000, 0, 0}, policy.query(0x4000_0002, 0));
        assertTrue(policy.query(1, 0)[2] < 0, "hypervisor-present bit");
        assertEquals(30, policy.query(0x4000_0005, 0)[1], "machine address width of 1 GiB");
    }

    @Test
    void timeLeafReportsTheDomainTscFrequency() {
        int[] features = policy.query(0x4000_0003, 0);
        assertEquals(7, features[0]);
        assertEquals(DomainTimeStampCounter.FREQUENCY_KHZ, features[2]);
        int[] scale = policy.query(0x4000_0003, 1);
        long tsc = 123_456_789L;
        long ns = ((tsc << scale[3]) * (scale[2] & 0xFFFF_FFFFL)) >>> 32;
        assertEquals(tsc, ns, "1 GHz: one tick per nanosecond");
        assertEquals(DomainTimeStampCounter.FREQUENCY_KHZ, policy.query(0x4000_0003, 2)[0]);
    }

    @Test
    void domainTscStartsNearZeroAndAdvances() throws InterruptedException {
        DomainTimeStampCounter tsc = new DomainTimeStampCounter();
        long first = tsc.read();
        Thread.sleep(2);
        long second = tsc.read();
        assertTrue(first >= 0 && first < 1_000_000_000L);
        assertTrue(second - first >= 1_000_000L, "2 ms at 1 GHz");
    }

    @Test
    void forcedEmulationPrefixRunsCpuidFromThePolicy() {
        try (X86TestMachine m = new X86TestMachine()) {
            // mov eax,0x40000000; ud2; .ascii "xen"; cpuid; hlt
            m.code("b8000000400f0b78656e0fa2f4");
            m.run();
            X86Fault ud = m.platform.lastFault();
            assertEquals(X86Fault.UD, ud.vector());
            assertEquals(X86TestMachine.CODE + 5, m.cpu.rip());
            assertTrue(XenForcedEmulation.isForcedCpuid(m.cpu, ud));
            XenForcedEmulation.emulate(m.cpu, policy);
            assertEquals(X86TestMachine.CODE + 12, m.cpu.rip());
            assertEquals(0x4000_0005L, m.reg(X86Reg.RAX));
            assertEquals(0x566e6558L, m.reg(X86Reg.RBX));
        }
    }
}
