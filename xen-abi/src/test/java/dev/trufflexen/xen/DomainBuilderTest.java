package dev.trufflexen.xen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.StartInfo;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;

/** The start-of-day state of a built domain, checked through the guest's own page tables. */
class DomainBuilderTest {
    private XenHypervisor xen;
    private Domain domain;
    private X86Cpu cpu;

    @BeforeEach
    void build() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 256));
        domain = xen.createDomain(DomainSpec.of("hello", GuestImages.kernel("hello"), 32, "console=hvc0 x=1"));
        cpu = domain.vcpu0().cpu();
    }

    @AfterEach
    void close() {
        xen.close();
    }

    private byte[] guestBytes(long va, int length) {
        byte[] bytes = new byte[length];
        assertTrue(cpu.copyFromGuest(va, bytes, 0, length), "guest VA " + Long.toHexString(va));
        return bytes;
    }

    private long guest64(long va) {
        return java.nio.ByteBuffer.wrap(guestBytes(va, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void initialRegistersAreXens() {
        BootImage boot = xen.bootImage(domain);
        assertEquals(boot.entry(), cpu.rip());
        assertEquals(boot.startInfoVirt(), cpu.reg(X86Reg.RSI));
        assertEquals(boot.stackTop(), cpu.reg(X86Reg.RSP));
        assertEquals(0x202, cpu.rflags());
        assertEquals(X86Pv.FLAT_RING3_CS64, cpu.segment(X86Segment.CS));
        assertEquals(X86Pv.FLAT_RING3_SS64, cpu.segment(X86Segment.SS));
        assertEquals(0, cpu.segment(X86Segment.DS));
        assertEquals(boot.l4Mfn() << 12, cpu.cr3());
    }

    @Test
    void startInfoDescribesTheDomain() {
        long si = xen.bootImage(domain).startInfoVirt();
        assertEquals("xen-3.0-x86_64", new String(guestBytes(si, 14), StandardCharsets.US_ASCII));
        assertEquals(32 * 256, guest64(si + StartInfo.OFF_NR_PAGES));
        assertEquals(xen.bootImage(domain).sharedInfoMfn() << 12, guest64(si + StartInfo.OFF_SHARED_INFO));
        assertEquals(domain.consoleMfn(), guest64(si + StartInfo.OFF_CONSOLE_MFN));
        assertEquals(domain.consolePort(), (int) guest64(si + StartInfo.OFF_CONSOLE_EVTCHN));
        assertEquals(domain.xenstoreMfn(), guest64(si + StartInfo.OFF_STORE_MFN));
        assertEquals(domain.xenstorePort(), (int) guest64(si + StartInfo.OFF_STORE_EVTCHN));
        assertEquals(xen.bootImage(domain).l4Mfn() << 12, cpu.translate(guest64(si + StartInfo.OFF_PT_BASE), false));
        assertEquals(xen.bootImage(domain).pageTableFrames(), guest64(si + StartInfo.OFF_NR_PT_FRAMES));
        assertEquals("console=hvc0 x=1\0", new String(guestBytes(si + StartInfo.OFF_CMD_LINE, 17), StandardCharsets.US_ASCII));
        assertEquals(StartInfo.SIF_VIRT_P2M_4TOOLS, guest64(si + StartInfo.OFF_FLAGS) & 0xFFFFFFFFL,
                "a domU is not privileged; libxenguest sets SIF_VIRT_P2M_4TOOLS");
    }

    @Test
    void p2mListAndM2pAgreeAndMfnIsNeverPfn() {
        long si = xen.bootImage(domain).startInfoVirt();
        long mfnList = guest64(si + StartInfo.OFF_MFN_LIST);
        long[] p2m = xen.bootImage(domain).p2m();
        for (int pfn = 0; pfn < p2m.length; pfn += 61) {
            assertEquals(p2m[pfn], guest64(mfnList + pfn * 8L));
            assertNotEquals(pfn, p2m[pfn]);
            assertEquals(pfn, guest64(X86Pv.MACH2PHYS_VIRT_START + p2m[pfn] * 8), "M2P readable at its fixed address");
            assertEquals(domain.id(), xen.framePool().ownerOf(p2m[pfn]));
        }
    }

    @Test
    void bootMappingIsOneToOneAndPageTablesAreReadOnly() {
        BootImage boot = xen.bootImage(domain);
        long[] p2m = boot.p2m();
        for (long pfn = 0; pfn < boot.mappedPages(); pfn++) {
            long va = boot.virtBase() + (pfn << 12);
            assertEquals(p2m[(int) pfn] << 12, cpu.translate(va, false), "pfn " + pfn);
        }
        long ptBase = guest64(boot.startInfoVirt() + StartInfo.OFF_PT_BASE);
        for (long i = 0; i < boot.pageTableFrames(); i++) {
            assertEquals(-1, cpu.translate(ptBase + (i << 12), true), "page-table frame " + i + " must not be writable");
        }
        assertEquals(-1, cpu.translate(X86Pv.MACH2PHYS_VIRT_START, true), "the M2P is read-only");
        assertEquals(-1, cpu.translate(boot.virtBase() + (boot.mappedPages() << 12), false), "nothing past the end");
        assertEquals(0, (boot.mappedPages() << 12) % (4 << 20), "ends on a 4 MiB boundary");
    }

    @Test
    void hypercallPageHoldsXensStubs() {
        long page = xen.bootImage(domain).parameters().hypercallPage();
        byte[] stub18 = guestBytes(page + 18 * 32, 32);
        byte[] expected = {0x51, 0x41, 0x53, (byte) 0xB8, 18, 0, 0, 0, 0x0F, 0x05, 0x41, 0x5B, 0x59, (byte) 0xC3};
        assertEquals(java.util.HexFormat.of().formatHex(expected),
                java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(stub18, 14)));
        assertEquals((byte) 0xCC, stub18[14], "int3 filler after each stub");
        byte[] iret = guestBytes(page + 23 * 32, 11);
        assertEquals("51415350b8170000000f05", java.util.HexFormat.of().formatHex(iret));
    }

    @Test
    void sharedInfoIsZeroWithEveryUpcallMasked() {
        long base = xen.bootImage(domain).sharedInfoMfn() << 12;
        for (int vcpu = 0; vcpu < SharedInfo.XEN_LEGACY_MAX_VCPUS; vcpu++) {
            assertEquals(1, xen.memory().read8(base + SharedInfo.vcpuInfo(vcpu) + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK));
            assertEquals(0, xen.memory().read8(base + SharedInfo.vcpuInfo(vcpu) + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING));
        }
        assertEquals(0, xen.memory().read64(base + SharedInfo.OFF_EVTCHN_PENDING));
    }
}
