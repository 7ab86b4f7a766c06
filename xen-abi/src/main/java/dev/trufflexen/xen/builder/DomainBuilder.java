package dev.trufflexen.xen.builder;

import static dev.trufflexen.xen.abi.X86Pv._PAGE_ACCESSED;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_DIRTY;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_PRESENT;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_RW;
import static dev.trufflexen.xen.abi.X86Pv._PAGE_USER;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.abi.HypercallPage;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.StartInfo;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.builder.image.KernelImage;
import dev.trufflexen.xen.builder.image.KernelImages;
import dev.trufflexen.xen.domain.DomainBuildException;
import dev.trufflexen.xen.mm.FramePool;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.MachToPhys;
import dev.trufflexen.xen.version.XenVersion;

/**
 * Builds the start-of-day state of a 64-bit PV domain from a kernel image, as Xen's domain
 * builder does: loads the ELF by physical address, lays out P2M list, start_info, xenstore and
 * console pages, bootstrap page tables and stack (see {@link BootLayout}), fills the hypercall
 * page, zeroes shared_info with every upcall masked, and computes the initial registers.
 *
 * <p>All frames come from the host {@link FramePool} under the domain's id. If anything fails,
 * every frame already taken is given back before the error propagates: nothing is left built.
 */
public final class DomainBuilder {
    /** L1 entries of the boot mapping: what Xen's builder writes, with _PAGE_USER as Xen forces for 64-bit PV. */
    static final long L1_PROT = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_USER;
    /** L2-L4 entries of the boot mapping. */
    static final long TABLE_PROT = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER;

    private final FramePool pool;
    private final MachToPhys m2p;
    private final MachineMemory memory;

    public DomainBuilder(FramePool pool, MachToPhys m2p) {
        this.pool = pool;
        this.m2p = m2p;
        this.memory = pool.memory();
    }

    /**
     * Reads a kernel image file, takes off its gzip or bzImage container (see
     * {@link dev.trufflexen.xen.builder.image}) and validates the ELF inside.
     *
     * @param bound the most bytes the decompressed kernel may have: the domain's memory
     */
    public static ElfImage readKernel(Path kernel, long bound) {
        String name = kernel.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(kernel)) {
                throw new DomainBuildException(name + ": kernel image not found (or not a regular file)");
            }
            long size = Files.size(kernel);
            if (size > Integer.MAX_VALUE - 16) {
                throw new DomainBuildException(name + ": kernel image of " + size + " bytes is too large");
            }
            bytes = Files.readAllBytes(kernel);
        } catch (IOException e) {
            throw new DomainBuildException(name + ": cannot read kernel image: " + e.getMessage());
        }
        KernelImage image = KernelImages.unwrap(name, bytes, bound);
        return ElfImage.parse(name, image.elf()).withShape(image.shape());
    }

    /**
     * Builds a domain's memory for {@code domid}.
     *
     * @param ramdisk the initial ramdisk, or {@link Ramdisk#NONE}
     */
    public BootImage build(int domid, ElfImage kernel, Ramdisk ramdisk, long memoryMiB, String cmdline,
            int storeEvtchn, int consoleEvtchn) {
        GuestParameters params = GuestParameters.from(kernel);
        List<String> notices = new ArrayList<>();
        long vmAssists = FeatureAssists.assistsFor(params.featuresRequired());
        BitSet notProvided = params.featuresRequired();
        notProvided.andNot(XenVersion.pvFeatures(vmAssists));
        notProvided.andNot(FeatureAssists.featuresGivenBy(vmAssists));
        for (int bit = notProvided.nextSetBit(0); bit >= 0; bit = notProvided.nextSetBit(bit + 1)) {
            notices.add(kernel.fileName() + ": kernel requires Xen feature '" + GuestParameters.featureName(bit)
                    + "', which TruffleXen does not provide yet; starting it anyway");
        }
        long nrPages = memoryMiB << 8;
        BootLayout layout = new BootLayout(params, nrPages, ramdisk.regionBytes(), kernel.fileName(), ramdisk.name());
        byte[] cmdlineBytes = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmdlineBytes.length >= StartInfo.MAX_GUEST_CMDLINE) {
            throw new DomainBuildException("cmdline of " + cmdlineBytes.length + " bytes exceeds Xen's limit of "
                    + (StartInfo.MAX_GUEST_CMDLINE - 1));
        }
        if (nrPages + 1 > pool.freeFrames()) {
            throw new DomainBuildException("not enough machine memory for " + memoryMiB + " MiB: "
                    + (pool.freeFrames() >> 8) + " MiB free");
        }
        long[] p2m = null;
        long sharedInfoMfn = -1;
        try {
            p2m = pool.allocate(domid, nrPages);
            sharedInfoMfn = pool.allocate(domid);
            GuestPhysicalWriter guest = new GuestPhysicalWriter(memory, p2m);
            for (long pfn = 0; pfn < nrPages; pfn++) {
                m2p.set(p2m[(int) pfn], pfn);
            }
            loadKernel(kernel, params, layout, guest);
            guest.write(layout.ramdiskPfn << BootLayout.PAGE_SHIFT, ramdisk.content());
            writeP2mList(layout, guest, p2m);
            if (params.hypercallPage() != GuestParameters.UNSET) {
                fillHypercallPage(guest, (params.hypercallPage() - layout.virtBase) >>> BootLayout.PAGE_SHIFT);
            }
            long l4Mfn = buildPageTables(layout, p2m);
            if (layout.p2mOutside) {
                mapP2mList(layout, p2m, l4Mfn);
            }
            pinBootTables(l4Mfn, domid);
            initSharedInfo(sharedInfoMfn);
            writeStartInfo(layout, guest, p2m, sharedInfoMfn, cmdlineBytes, storeEvtchn, consoleEvtchn);
            describeLayout(kernel, ramdisk, layout, notices);
            return new BootImage(p2m, sharedInfoMfn, l4Mfn, params.virtEntry(), layout.virtOf(layout.startInfoPfn),
                    layout.virtOf(layout.stackPfn + 1), p2m[(int) layout.consolePfn], p2m[(int) layout.xenstorePfn],
                    layout.virtBase, layout.mappedPages(), layout.pageTableFrames(), params, vmAssists, List.copyOf(notices));
        } catch (RuntimeException e) {
            if (p2m != null) {
                for (long mfn : p2m) {
                    m2p.invalidate(mfn);
                }
            }
            pool.freeAllOwnedBy(domid);
            throw e;
        }
    }

    private static void loadKernel(ElfImage kernel, GuestParameters params, BootLayout layout, GuestPhysicalWriter guest) {
        long virtOffset = params.virtBase() - params.paddrOffset();
        for (ElfImage.Segment segment : kernel.segments()) {
            long guestPhysical = segment.paddr() + virtOffset - layout.virtBase;
            byte[] data = new byte[(int) segment.fileSize()];
            kernel.copyFileBytes(segment.fileOffset(), data, 0, data.length);
            guest.write(guestPhysical, data);
            // The rest of p_memsz (.bss) stays zero: the pool hands out only scrubbed frames.
        }
    }

    private static void describeLayout(ElfImage kernel, Ramdisk ramdisk, BootLayout layout, List<String> notices) {
        notices.add(kernel.fileName() + ": " + kernel.shape() + ", notes from "
                + switch (kernel.noteSource()) {
                    case SEGMENTS -> "PT_NOTE segments";
                    case SECTIONS -> "SHT_NOTE sections";
                    case NONE -> "the __xen_guest section";
                });
        if (layout.p2mOutside) {
            notices.add(String.format("P2M list at INIT_P2M %#x: pfn %#x, %d frames with its page tables",
                    layout.p2mVirt, layout.p2mPfn, layout.p2mFrames()));
        }
        if (ramdisk.regionBytes() > 0) {
            notices.add(String.format("%s: ramdisk %s, %d bytes at pfn %#x (%s)", ramdisk.name(), ramdisk.shape(),
                    ramdisk.regionBytes(), layout.ramdiskPfn, layout.ramdiskMapped ? "mapped" : "unmapped, SIF_MOD_START_PFN"));
        }
    }

    private static void writeP2mList(BootLayout layout, GuestPhysicalWriter guest, long[] p2m) {
        long base = layout.p2mPfn << BootLayout.PAGE_SHIFT;
        for (int pfn = 0; pfn < p2m.length; pfn++) {
            guest.write64(base + pfn * 8L, p2m[pfn]);
        }
    }

    /** Xen's 64-bit PV hypercall page: int3 filler, then one 32-byte stub per hypercall. */
    private static void fillHypercallPage(GuestPhysicalWriter guest, long pfn) {
        guest.write(pfn << BootLayout.PAGE_SHIFT, HypercallPage.contents());
    }

    /**
     * Builds L4 -> L3 -> L2 -> L1 over [virt_base, virt_end) in the page-table pages of the layout
     * (L4 first, then the L3s, L2s and L1s), maps page-table frames read-only, and links the
     * read-only M2P into L4 slot 256. Returns the L4's machine frame.
     */
    private long buildPageTables(BootLayout layout, long[] p2m) {
        long next = layout.pageTablePfn;
        long l4 = p2m[(int) next++];
        long firstL3 = next;
        long firstL2 = firstL3 + layout.l3Count;
        long firstL1 = firstL2 + layout.l2Count;
        long start = layout.virtBase;
        memory.write64(entry(l4, X86Pv.XEN_FIRST_L4_SLOT), m2p.l4Entry());
        for (long pfn = 0; pfn < layout.mappedPages(); pfn++) {
            long va = layout.virtOf(pfn);
            long l3 = p2m[(int) (firstL3 + ((va >>> 39) - (start >>> 39)))];
            long l2 = p2m[(int) (firstL2 + ((va >>> 30) - (start >>> 30)))];
            long l1 = p2m[(int) (firstL1 + ((va >>> 21) - (start >>> 21)))];
            memory.write64(entry(l4, (int) ((va >>> 39) & 511)), (l3 << 12) | TABLE_PROT);
            memory.write64(entry(l3, (int) ((va >>> 30) & 511)), (l2 << 12) | TABLE_PROT);
            memory.write64(entry(l2, (int) ((va >>> 21) & 511)), (l1 << 12) | TABLE_PROT);
            long prot = layout.isPageTable(pfn) ? L1_PROT & ~_PAGE_RW : L1_PROT;
            memory.write64(entry(l1, (int) ((va >>> 12) & 511)), (p2m[(int) pfn] << 12) | prot);
        }
        return l4;
    }

    /**
     * Maps the INIT_P2M list at its own virtual address: walks L4 -> L1 for each of its pages,
     * taking a new table from the P2M segment (L3s, then L2s, then L1s, each in address order)
     * where no entry exists yet and reusing the boot mapping's tables where they cover it.
     */
    private void mapP2mList(BootLayout layout, long[] p2m, long l4Mfn) {
        long tables = layout.p2mPfn + layout.p2mPages;
        long[] nextTable = {tables, tables + layout.p2mL3Count, tables + layout.p2mL3Count + layout.p2mL2Count};
        long[] tableEnd = {nextTable[1], nextTable[2], nextTable[2] + layout.p2mL1Count};
        for (long i = 0; i < layout.p2mPages; i++) {
            long va = layout.p2mVirt + (i << BootLayout.PAGE_SHIFT);
            long table = l4Mfn;
            for (int level = 0; level < 3; level++) {
                long slot = entry(table, (int) ((va >>> (39 - 9 * level)) & 511));
                long pte = memory.read64(slot);
                if ((pte & _PAGE_PRESENT) == 0) {
                    if (nextTable[level] >= tableEnd[level]) {
                        throw new IllegalStateException("INIT_P2M page-table count is wrong at level " + (3 - level));
                    }
                    pte = (p2m[(int) nextTable[level]++] << 12) | TABLE_PROT;
                    memory.write64(slot, pte);
                }
                table = (pte & X86Pv.PADDR_MASK) >>> 12;
            }
            memory.write64(entry(table, (int) ((va >>> 12) & 511)), (p2m[(int) (layout.p2mPfn + i)] << 12) | L1_PROT);
        }
    }

    /**
     * Pins the boot L4 as Xen's toolstack does (MMUEXT_PIN_L4_TABLE): the whole tree is
     * validated, each L3, L2 and L1 typed by the reference of the entry that links it, each
     * mapped frame given its general (and, mapped writable, its writable-type) reference.
     */
    private void pinBootTables(long l4Mfn, int domid) {
        int rc = pool.frameTable().pin(l4Mfn, domid, FrameTable.TYPE_L4);
        if (rc != 0) {
            throw new IllegalStateException("the boot page tables fail validation: " + rc);
        }
    }

    private static long entry(long tableMfn, int index) {
        return (tableMfn << 12) + index * 8L;
    }

    private void initSharedInfo(long sharedInfoMfn) {
        long base = sharedInfoMfn << 12;
        for (int vcpu = 0; vcpu < SharedInfo.XEN_LEGACY_MAX_VCPUS; vcpu++) {
            memory.write8(base + SharedInfo.vcpuInfo(vcpu) + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_MASK, (byte) 1);
        }
    }

    private static void writeStartInfo(BootLayout layout, GuestPhysicalWriter guest, long[] p2m, long sharedInfoMfn,
            byte[] cmdline, int storeEvtchn, int consoleEvtchn) {
        long si = layout.startInfoPfn << BootLayout.PAGE_SHIFT;
        guest.write(si + StartInfo.OFF_MAGIC, StartInfo.MAGIC.getBytes(StandardCharsets.US_ASCII));
        guest.write64(si + StartInfo.OFF_NR_PAGES, layout.nrPages);
        guest.write64(si + StartInfo.OFF_SHARED_INFO, sharedInfoMfn << 12);
        int flags = StartInfo.SIF_VIRT_P2M_4TOOLS;
        if (layout.ramdiskPages > 0 && !layout.ramdiskMapped) {
            flags |= StartInfo.SIF_MOD_START_PFN;
        }
        guest.write32(si + StartInfo.OFF_FLAGS, flags);
        guest.write64(si + StartInfo.OFF_STORE_MFN, p2m[(int) layout.xenstorePfn]);
        guest.write32(si + StartInfo.OFF_STORE_EVTCHN, storeEvtchn);
        guest.write64(si + StartInfo.OFF_CONSOLE_MFN, p2m[(int) layout.consolePfn]);
        guest.write32(si + StartInfo.OFF_CONSOLE_EVTCHN, consoleEvtchn);
        guest.write64(si + StartInfo.OFF_PT_BASE, layout.virtOf(layout.pageTablePfn));
        guest.write64(si + StartInfo.OFF_NR_PT_FRAMES, layout.pageTableFrames());
        guest.write64(si + StartInfo.OFF_MFN_LIST, layout.p2mVirt);
        if (layout.p2mOutside) {
            guest.write64(si + StartInfo.OFF_FIRST_P2M_PFN, layout.p2mPfn);
            guest.write64(si + StartInfo.OFF_NR_P2M_FRAMES, layout.p2mFrames());
        }
        if (layout.ramdiskPages > 0) {
            guest.write64(si + StartInfo.OFF_MOD_START, layout.ramdiskMapped ? layout.virtOf(layout.ramdiskPfn) : layout.ramdiskPfn);
            guest.write64(si + StartInfo.OFF_MOD_LEN, layout.ramdiskPages << BootLayout.PAGE_SHIFT);
        }
        guest.write(si + StartInfo.OFF_CMD_LINE, cmdline);
    }
}
