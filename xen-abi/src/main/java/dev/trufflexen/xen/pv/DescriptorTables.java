package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.domain.Domain;

/**
 * The descriptor tables a 64-bit PV vCPU's segment selectors name, as the hardware sees them
 * under Xen.
 * <ul>
 * <li>The GDT is Xen's per-vCPU table at {@link #GDT_VIRT_START}: the first 14 pages are the guest's
 * ({@code set_gdt} frames; the rest of those 14 pages read as zero), page 14 is Xen's reserved
 * page (selectors 0xe000-0xefff: the hypervisor's ring-0 segments, the flat ring-3 segments
 * FLAT_RING3_CS32 0xe023, FLAT_RING3_DS32/SS 0xe02b and FLAT_RING3_CS64 0xe033, the TSS, the LDT
 * descriptor and the per-CPU entry), and the limit is the end of that page (0xefff).
 * <li>The LDT exists once the guest sets one (MMUEXT_SET_LDT, kept by {@link PvMmu}): that many
 * entries at a guest virtual address; without one every LDT selector is invalid.
 * </ul>
 * Every descriptor read from a guest frame is checked with Xen's {@code check_descriptor} and
 * fixed up as Xen would have fixed it when the page was typed; one it refuses reads as empty.
 * GDT frames are descriptor pages ({@link DescriptorPages}), so they change only through
 * {@code update_descriptor}; the LDT is read through the guest's mappings.
 */
public final class DescriptorTables {
    /** Xen's GDT_VIRT_START(v) for vCPU 0 (per-domain slot, L4 slot 260); each vCPU is 128 KiB further. */
    static final long GDT_VIRT_START = 0xFFFF_8200_0000_0000L;
    static final int GDT_LDT_VCPU_VA_SHIFT = 17;
    /** LAST_RESERVED_GDT_BYTE: the GDT limit a PV vCPU runs with. */
    static final int GDT_LIMIT = 15 * 4096 - 1;
    static final int MAX_GDT_FRAMES = 14;
    static final int TSS_SELECTOR = 0xe040;
    static final int LDT_SELECTOR = 0xe050;
    static final int PER_CPU_SELECTOR = 0xe060;

    private final long[] gdtFrames = new long[MAX_GDT_FRAMES];
    private Domain domain;
    private int gdtEntries;

    /** The domain whose frames hold the guest's tables; set once, when the vCPU's PV state is made. */
    void attach(Domain owner) {
        this.domain = owner;
    }

    /** The guest GDT's entry count (set_gdt), 0 before the first. */
    public int gdtEntries() {
        return gdtEntries;
    }

    /** The frames the guest GDT holds as descriptor pages. */
    public long[] gdtFrames() {
        return java.util.Arrays.copyOf(gdtFrames, framesFor(gdtEntries));
    }

    static int framesFor(int entries) {
        return (entries + DescriptorPages.DESCRIPTORS_PER_FRAME - 1) / DescriptorPages.DESCRIPTORS_PER_FRAME;
    }

    void setGdt(long[] frames, int entries) {
        java.util.Arrays.fill(gdtFrames, 0);
        System.arraycopy(frames, 0, gdtFrames, 0, framesFor(entries));
        gdtEntries = entries;
    }

    /** The LDT's entry count (MMUEXT_SET_LDT), 0 when the guest has none. */
    int ldtEntries() {
        return PvMmu.of(domain).ldtEntries();
    }

    /** Drops the GDT's descriptor-page references (a new GDT, or the domain has stopped). */
    public void releaseGdt() {
        for (int i = 0; i < framesFor(gdtEntries); i++) {
            DescriptorPages.release(domain, gdtFrames[i]);
        }
        java.util.Arrays.fill(gdtFrames, 0);
        gdtEntries = 0;
    }

    /**
     * The descriptor {@code selector} names, as the hardware would read it; 0 for a selector
     * beyond the table's limit, an LDT selector without an LDT, or an empty or refused slot.
     */
    long descriptor(X86Cpu cpu, int selector) {
        int index = selector >>> 3;
        if ((selector & 4) != 0) {
            PvMmu mmu = PvMmu.of(domain);
            if (index >= mmu.ldtEntries()) {
                return 0;
            }
            byte[] raw = new byte[8];
            if (!cpu.copyFromGuest(mmu.ldtBase() + index * 8L, raw, 0, 8)) {
                return 0;
            }
            return checked(java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
        }
        if (index >= SegmentDescriptors.FIRST_RESERVED_GDT_ENTRY) {
            return reserved(selector & 0xFFF8);
        }
        int frame = index / DescriptorPages.DESCRIPTORS_PER_FRAME;
        if (frame >= framesFor(gdtEntries)) {
            return 0;
        }
        return checked(domain.frames().read64(gdtFrames[frame], index % DescriptorPages.DESCRIPTORS_PER_FRAME * 8));
    }

    private static long checked(long raw) {
        return SegmentDescriptors.isAcceptable(raw) ? SegmentDescriptors.fixUp(raw) : 0;
    }

    /** Xen's reserved GDT page, as its boot GDT and the per-CPU TSS/LDT/per-CPU entries fill it. */
    private long reserved(int selector) {
        return switch (selector) {
            case 0xe008 -> 0x00af9b000000ffffL;
            case 0xe010 -> 0x00cf93000000ffffL;
            case 0xe020 -> 0x00cffb000000ffffL;
            case 0xe028 -> 0x00cff3000000ffffL;
            case 0xe030 -> 0x00affb000000ffffL;
            case TSS_SELECTOR -> 0x00008b0000000067L;
            case LDT_SELECTOR -> ldtEntries() == 0 ? 0 : 0x0000820000000000L | (ldtEntries() * 8L - 1);
            case PER_CPU_SELECTOR -> 0x0000910000000000L;
            default -> 0;
        };
    }

    /** SGDT's base for vCPU {@code vcpuId}. */
    static long gdtBase(int vcpuId) {
        return GDT_VIRT_START + ((long) vcpuId << GDT_LDT_VCPU_VA_SHIFT);
    }

    /** What SLDT stores: Xen's LDT selector while the guest has an LDT, else null. */
    int ldtSelector() {
        return ldtEntries() == 0 ? 0 : LDT_SELECTOR;
    }
}
