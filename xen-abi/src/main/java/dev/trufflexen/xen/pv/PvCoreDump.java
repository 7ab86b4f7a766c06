package dev.trufflexen.xen.pv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.VcpuGuestContext;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.version.XenVersion;

/**
 * A PV domain's core file in the format of Xen's libxenguest ({@code xc_domain_dumpcore}, which
 * xl's {@code dump-core} and the coredump-* actions of xl.cfg write): an ELF64 {@code ET_CORE}
 * file for x86-64 with no program headers and these sections, in this order:
 * <ul>
 * <li>{@code .shstrtab}: the section names;</li>
 * <li>{@code .note.Xen}: notes named "Xen": DUMPCORE_NONE, DUMPCORE_HEADER (magic 0xF00FEBED for
 * a PV domain, vCPUs, pages, page size), DUMPCORE_XEN_VERSION (version, extraversion and page
 * size; the build strings left empty) and DUMPCORE_FORMAT_VERSION (0.1);</li>
 * <li>{@code .xen_prstatus}: one {@code vcpu_guest_context} (5168 bytes) per vCPU: its registers,
 * control registers, kernel stack, callbacks and segment bases;</li>
 * <li>{@code .xen_shared_info}: the shared-info page;</li>
 * <li>{@code .xen_p2m}: one {pfn, mfn} pair of 64-bit words per page the domain holds;</li>
 * <li>{@code .xen_pages}: those pages' contents in the same order, page-aligned in the file.</li>
 * </ul>
 * The domain must not run while it is dumped (it is paused or has stopped).
 */
public final class PvCoreDump {
    private static final int PAGE = 4096;
    private static final int EHDR = 64;
    private static final int SHDR = 64;
    private static final long XC_CORE_MAGIC = 0xF00FEBEDL;
    private static final int NOTE_NONE = 0x2000000;
    private static final int NOTE_HEADER = 0x2000001;
    private static final int NOTE_XEN_VERSION = 0x2000002;
    private static final int NOTE_FORMAT_VERSION = 0x2000003;
    /** struct xen_dumpcore_elfnote_xen_version_desc: 2 longs, extraversion[16], compile info[144], capabilities[1024], changeset[64], platform parameters, page size. */
    private static final int XEN_VERSION_DESC = 8 + 8 + 16 + 144 + 1024 + 64 + 8 + 8;
    private static final int SHT_PROGBITS = 1;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_NOTE = 7;
    private static final String[] NAMES = {"", ".shstrtab", ".note.Xen", ".xen_prstatus", ".xen_shared_info", ".xen_p2m",
        ".xen_pages"};

    private PvCoreDump() {
    }

    /** Writes {@code domain}'s core to {@code file}, replacing it; returns the number of pages dumped. */
    public static long write(Domain domain, Path file) throws IOException {
        long[] p2m = domain.memory().p2m();
        List<long[]> pages = new ArrayList<>();
        for (int pfn = 0; pfn < p2m.length; pfn++) {
            long mfn = p2m[pfn];
            if (mfn >= 0 && domain.frames().ownerOf(mfn) == domain.id()) {
                pages.add(new long[] {pfn, mfn});
            }
        }
        List<Vcpu> vcpus = domain.vcpus();
        byte[] names = sectionNames();
        byte[] notes = notes(vcpus.size(), pages.size());
        byte[] prstatus = new byte[vcpus.size() * VcpuGuestContext.SIZE];
        for (int i = 0; i < vcpus.size(); i++) {
            vcpuContext(vcpus.get(i), prstatus, i * VcpuGuestContext.SIZE);
        }
        byte[] sharedInfo = new byte[PAGE];
        domain.frames().copyOut(domain.sharedInfoMfn(), 0, sharedInfo, 0, PAGE);
        ByteBuffer p2mTable = little(pages.size() * 16);
        for (long[] page : pages) {
            p2mTable.putLong(page[0]).putLong(page[1]);
        }

        long[] offsets = new long[NAMES.length];
        long[] sizes = {0, names.length, notes.length, prstatus.length, PAGE, p2mTable.capacity(), (long) pages.size() * PAGE};
        long at = EHDR + (long) SHDR * NAMES.length;
        for (int i = 1; i < NAMES.length; i++) {
            if (i == NAMES.length - 1 || i == 4) {
                at = (at + PAGE - 1) & -PAGE;
            } else {
                at = (at + 7) & -8;
            }
            offsets[i] = at;
            at += sizes[i];
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            CountingWriter w = new CountingWriter(out);
            w.write(elfHeader(EHDR, NAMES.length));
            w.write(sectionHeaders(names, offsets, sizes, vcpus.size()));
            byte[][] data = {null, names, notes, prstatus, sharedInfo, p2mTable.array()};
            for (int i = 1; i < data.length; i++) {
                w.padTo(offsets[i]);
                w.write(data[i]);
            }
            w.padTo(offsets[NAMES.length - 1]);
            byte[] page = new byte[PAGE];
            for (long[] p : pages) {
                domain.frames().copyOut(p[1], 0, page, 0, PAGE);
                w.write(page);
            }
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return pages.size();
    }

    private static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] sectionNames() {
        StringBuilder sb = new StringBuilder();
        for (String name : NAMES) {
            sb.append(name).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int nameOffset(int section) {
        int offset = 0;
        for (int i = 0; i < section; i++) {
            offset += NAMES[i].length() + 1;
        }
        return offset;
    }

    private static byte[] elfHeader(int shoff, int shnum) {
        ByteBuffer b = little(EHDR);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 4); // ET_CORE
        b.putShort((short) 62); // EM_X86_64
        b.putInt(1);
        b.putLong(0).putLong(0).putLong(shoff);
        b.putInt(0);
        b.putShort((short) EHDR).putShort((short) 56).putShort((short) 0);
        b.putShort((short) SHDR).putShort((short) shnum).putShort((short) 1);
        return b.array();
    }

    private static byte[] sectionHeaders(byte[] names, long[] offsets, long[] sizes, int vcpus) {
        int[] types = {0, SHT_STRTAB, SHT_NOTE, SHT_PROGBITS, SHT_PROGBITS, SHT_PROGBITS, SHT_PROGBITS};
        long[] entsize = {0, 0, 0, VcpuGuestContext.SIZE, 0, 16, PAGE};
        long[] align = {0, 1, 8, 8, PAGE, 8, PAGE};
        ByteBuffer b = little(SHDR * NAMES.length);
        for (int i = 0; i < NAMES.length; i++) {
            b.putInt(i == 0 ? 0 : nameOffset(i)).putInt(types[i]);
            b.putLong(0).putLong(0).putLong(offsets[i]).putLong(sizes[i]);
            b.putInt(0).putInt(0).putLong(align[i]).putLong(entsize[i]);
        }
        return b.array();
    }

    private static byte[] notes(int vcpus, long pages) {
        ByteBuffer version = little(XEN_VERSION_DESC);
        version.putLong(XenVersion.XEN_MAJOR).putLong(XenVersion.XEN_MINOR);
        byte[] extra = XenVersion.XEN_EXTRAVERSION.getBytes(StandardCharsets.US_ASCII);
        version.put(extra, 0, Math.min(15, extra.length));
        version.putLong(XEN_VERSION_DESC - 8, PAGE);
        ByteBuffer b = little(4 * 16 + 32 + XEN_VERSION_DESC + 8);
        note(b, NOTE_NONE, new byte[0]);
        note(b, NOTE_HEADER, little(32).putLong(XC_CORE_MAGIC).putLong(vcpus).putLong(pages).putLong(PAGE).array());
        note(b, NOTE_XEN_VERSION, version.array());
        note(b, NOTE_FORMAT_VERSION, little(8).putLong(1).array());
        return b.array();
    }

    private static void note(ByteBuffer b, int type, byte[] desc) {
        b.putInt(4).putInt(desc.length).putInt(type).put(new byte[] {'X', 'e', 'n', 0}).put(desc);
    }

    /** The vCPU's state as a vcpu_guest_context, as XEN_DOMCTL_getvcpucontext reports it. */
    private static void vcpuContext(Vcpu vcpu, byte[] into, int base) {
        ByteBuffer b = ByteBuffer.wrap(into).order(ByteOrder.LITTLE_ENDIAN);
        X86Cpu cpu = vcpu.cpu();
        long flags = VcpuGuestContext.VGCF_i387_valid;
        if (!vcpu.isDown()) {
            flags |= VcpuGuestContext.VGCF_online;
        }
        if (vcpu.inKernelMode()) {
            flags |= VcpuGuestContext.VGCF_in_kernel;
        }
        b.putLong(base + VcpuGuestContext.OFF_FLAGS, flags);
        if (cpu == null) {
            return;
        }
        int regs = base + VcpuGuestContext.OFF_USER_REGS;
        int[][] gprs = {{VcpuGuestContext.REGS_R15, X86Reg.R15}, {VcpuGuestContext.REGS_R14, X86Reg.R14},
            {VcpuGuestContext.REGS_R13, X86Reg.R13}, {VcpuGuestContext.REGS_R12, X86Reg.R12},
            {VcpuGuestContext.REGS_RBP, X86Reg.RBP}, {VcpuGuestContext.REGS_RBX, X86Reg.RBX},
            {VcpuGuestContext.REGS_R11, X86Reg.R11}, {VcpuGuestContext.REGS_R10, X86Reg.R10},
            {VcpuGuestContext.REGS_R9, X86Reg.R9}, {VcpuGuestContext.REGS_R8, X86Reg.R8},
            {VcpuGuestContext.REGS_RAX, X86Reg.RAX}, {VcpuGuestContext.REGS_RCX, X86Reg.RCX},
            {VcpuGuestContext.REGS_RDX, X86Reg.RDX}, {VcpuGuestContext.REGS_RSI, X86Reg.RSI},
            {VcpuGuestContext.REGS_RDI, X86Reg.RDI}, {VcpuGuestContext.REGS_RSP, X86Reg.RSP}};
        for (int[] gpr : gprs) {
            b.putLong(regs + gpr[0], cpu.reg(gpr[1]));
        }
        b.putLong(regs + VcpuGuestContext.REGS_RIP, cpu.rip());
        b.putLong(regs + VcpuGuestContext.REGS_RFLAGS, cpu.rflags());
        b.putShort(regs + VcpuGuestContext.REGS_CS, (short) cpu.segment(X86Segment.CS));
        b.putShort(regs + VcpuGuestContext.REGS_SS, (short) cpu.segment(X86Segment.SS));
        b.putShort(regs + VcpuGuestContext.REGS_ES, (short) cpu.segment(X86Segment.ES));
        b.putShort(regs + VcpuGuestContext.REGS_DS, (short) cpu.segment(X86Segment.DS));
        b.putShort(regs + VcpuGuestContext.REGS_FS, (short) cpu.segment(X86Segment.FS));
        b.putShort(regs + VcpuGuestContext.REGS_GS, (short) cpu.segment(X86Segment.GS));
        if (cpu.platform() instanceof PvEntry entry) {
            PvVcpu pv = entry.pvVcpu();
            int ctrl = base + VcpuGuestContext.OFF_CTRLREG;
            b.putLong(ctrl + 8, pv.userTableMfn() << 12);
            b.putLong(ctrl + 2 * 8, pv.cr2());
            b.putLong(ctrl + 3 * 8, cpu.cr3() & ~0xFFFL);
            b.putLong(ctrl + 4 * 8, pv.cr4());
            b.putLong(base + VcpuGuestContext.OFF_KERNEL_SS, pv.kernelSs());
            b.putLong(base + VcpuGuestContext.OFF_KERNEL_SP, pv.kernelSp());
            b.putLong(base + VcpuGuestContext.OFF_EVENT_CALLBACK_EIP, pv.callback(dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_event));
            b.putLong(base + VcpuGuestContext.OFF_FAILSAFE_CALLBACK_EIP, pv.callback(dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_failsafe));
            b.putLong(base + VcpuGuestContext.OFF_SYSCALL_CALLBACK_EIP, pv.callback(dev.trufflexen.xen.abi.CallbackOp.CALLBACKTYPE_syscall));
            b.putLong(base + VcpuGuestContext.OFF_FS_BASE, cpu.fsBase());
            b.putLong(base + VcpuGuestContext.OFF_GS_BASE_KERNEL, pv.gsBaseKernel());
            b.putLong(base + VcpuGuestContext.OFF_GS_BASE_USER, pv.gsBaseUser());
        }
    }

    /** An output stream that knows its position, to pad to each section's offset. */
    private static final class CountingWriter {
        private final OutputStream out;
        private long position;

        CountingWriter(OutputStream out) {
            this.out = out;
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            position += bytes.length;
        }

        void padTo(long offset) throws IOException {
            while (position < offset) {
                out.write(0);
                position++;
            }
        }
    }
}
