package dev.trufflexen.xen.pv;

import static dev.trufflexen.xen.abi.VcpuGuestContext.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.x86.cpu.X86Reg;
import dev.trufflexen.x86.cpu.X86Rflags;
import dev.trufflexen.x86.cpu.X86Segment;
import dev.trufflexen.xen.abi.CallbackOp;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * VCPUOP_initialise for a 64-bit PV vCPU, as Xen's default_initialise_vcpu and
 * arch_set_info_guest: the whole {@code vcpu_guest_context} is read (-EFAULT), a vCPU that
 * already has a context is -EEXIST, and the context is checked before anything changes:
 *
 * <ul>
 * <li>-EINVAL: DR6/DR7 with upper bits, a DR0-3 address in Xen's range, a non-canonical RIP,
 * RSP, kernel_sp, FS/GS base, callback or trap handler, an LDT base in Xen's range, unaligned or
 * with more than 8192 entries, more GDT frames than 16, user mode without a user L4
 * (ctrlreg[1]).
 * <li>Selectors (CS, SS, kernel_ss, the trap gates' CS) get the guest kernel's RPL 3 where theirs
 * is lower, as Xen's fixup_guest_*_selector.
 * <li>The GDT frames are claimed as descriptor pages (-EINVAL when one cannot be, as set_gdt).
 * <li>ctrlreg[3] must name an L4 of the domain: one general and one L4-type reference is taken,
 * validating the table if it is not yet pinned or in use (-EINVAL for a frame the domain does
 * not own, the validation's error otherwise); ctrlreg[1] the same for the user L4.
 * </ul>
 *
 * Then the registers (RFLAGS with IF forced on and IOPL virtualised), the virtual IDT, the
 * callbacks (VGCF_*_disables_events), kernel stack, CR0.TS, CR2, CR4, FS/GS bases, debug
 * registers and FPU state (VGCF_i387_valid, else reset) are loaded into the offline vCPU, which
 * becomes initialised. The LDT is per domain here, so a context's LDT replaces the domain's
 * when it names one.
 */
public final class VcpuContext {
    private static final int TRAP_INFO_SIZE = 16;
    private static final int VECTORS = 256;
    private static final int MAX_LDT_ENTRIES = 8192;
    private static final int GDT_ENTRIES_PER_FRAME = 512;
    private static final int GUEST_KERNEL_RPL = 3;
    private static final int PAGE_SHIFT = 12;

    private VcpuContext() {
    }

    /** VCPUOP_initialise of {@code target} with the context at guest address {@code arg}; 0 or throws the Xen error. */
    public static long initialise(HypercallContext context, Vcpu target, long arg) {
        Domain domain = context.domain();
        if (!target.hasVcpuInfo()) {
            throw new XenError(XenErrno.EINVAL, "vCPU " + target.id() + " has no vcpu_info");
        }
        byte[] raw = new byte[SIZE];
        context.copyFromGuest(arg, raw, 0, SIZE);
        ByteBuffer c = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        synchronized (target) {
            if (target.isInitialised()) {
                throw new XenError(XenErrno.EEXIST, "vCPU " + target.id() + " is already initialised");
            }
            check(c);
            long[] gdtFrames = claimGdt(domain, c);
            PvVcpu pv = PvEntry.of(target).pvVcpu();
            int rc = takeBaseTables(domain, pv, c);
            if (rc != 0) {
                for (long frame : gdtFrames) {
                    DescriptorPages.release(domain, frame);
                }
                throw new XenError(-rc, "vCPU " + target.id() + ": ctrlreg[3]/ctrlreg[1] is not a usable L4");
            }
            pv.descriptorTables().setGdt(gdtFrames, (int) c.getLong(OFF_GDT_ENTS));
            load(target, pv, c);
            target.markInitialised();
        }
        if ((c.getLong(OFF_FLAGS) & VGCF_online) != 0) {
            target.up();
        }
        return 0;
    }

    /** Every -EINVAL check of arch_set_info_guest, before anything changes. */
    private static void check(ByteBuffer c) {
        long dr6 = c.getLong(OFF_DEBUGREG + 6 * 8);
        long dr7 = c.getLong(OFF_DEBUGREG + 7 * 8);
        require(dr6 == (dr6 & 0xFFFF_FFFFL) && dr7 == (dr7 & 0xFFFF_FFFFL), "DR6/DR7 upper bits set");
        for (int i = 0; i < 4; i++) {
            require(HypercallContext.accessOk(c.getLong(OFF_DEBUGREG + i * 8)), "DR" + i + " in Xen's range");
        }
        long ldtEntries = c.getLong(OFF_LDT_ENTS);
        long ldtBase = c.getLong(OFF_LDT_BASE);
        require(canonical(c, OFF_USER_REGS + REGS_RIP) && canonical(c, OFF_USER_REGS + REGS_RSP)
                && canonical(c, OFF_KERNEL_SP) && (ldtEntries == 0 || canonical(c, OFF_LDT_BASE))
                && canonical(c, OFF_FS_BASE) && canonical(c, OFF_GS_BASE_KERNEL) && canonical(c, OFF_GS_BASE_USER)
                && canonical(c, OFF_EVENT_CALLBACK_EIP) && canonical(c, OFF_SYSCALL_CALLBACK_EIP)
                && canonical(c, OFF_FAILSAFE_CALLBACK_EIP), "non-canonical address");
        for (int v = 0; v < VECTORS; v++) {
            require(canonical(c, OFF_TRAP_CTXT + v * TRAP_INFO_SIZE + 8), "trap " + v + " handler non-canonical");
        }
        require(HypercallContext.accessOk(ldtBase), "LDT base in Xen's range");
        require((ldtBase & 0xFFF) == 0 && Long.compareUnsigned(ldtEntries, MAX_LDT_ENTRIES) <= 0, "bad LDT");
        long gdtEntries = c.getLong(OFF_GDT_ENTS);
        require(Long.compareUnsigned(gdtEntries, (long) GDT_FRAMES * GDT_ENTRIES_PER_FRAME) <= 0, "more than 16 GDT frames");
        require((c.getLong(OFF_FLAGS) & VGCF_in_kernel) != 0 || c.getLong(OFF_CTRLREG + 8) != 0,
                "user mode without a user L4");
        require(gdtEntries <= SegmentDescriptors.FIRST_RESERVED_GDT_ENTRY, "GDT entries reach Xen's reserved entries");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new XenError(XenErrno.EINVAL, "vcpu_guest_context: " + what);
        }
    }

    private static boolean canonical(ByteBuffer c, int offset) {
        return PvVcpu.isCanonical(c.getLong(offset));
    }

    /** pv_set_gdt's claim of every GDT frame as a descriptor page; -EINVAL (nothing kept) when one fails. */
    private static long[] claimGdt(Domain domain, ByteBuffer c) {
        long[] frames = new long[DescriptorTables.framesFor((int) c.getLong(OFF_GDT_ENTS))];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = c.getLong(OFF_GDT_FRAMES + i * 8);
            if (!DescriptorPages.claim(domain, frames[i])) {
                for (int j = 0; j < i; j++) {
                    DescriptorPages.release(domain, frames[j]);
                }
                throw new XenError(XenErrno.EINVAL, String.format("GDT frame %#x is not a descriptor page of the domain",
                        frames[i]));
            }
        }
        return frames;
    }

    /** The kernel L4 (ctrlreg[3]) and the user L4 (ctrlreg[1], when given): 0 or -errno, nothing kept on failure. */
    private static int takeBaseTables(Domain domain, PvVcpu pv, ByteBuffer c) {
        PvMmu mmu = PvMmu.of(domain);
        long kernel = c.getLong(OFF_CTRLREG + 3 * 8) >>> PAGE_SHIFT;
        long user = c.getLong(OFF_CTRLREG + 8) >>> PAGE_SHIFT;
        synchronized (mmu.lock()) {
            int rc = mmu.takeBaseTable(kernel);
            if (rc != 0) {
                return rc;
            }
            if (user != 0) {
                rc = mmu.newUserBasePointer(pv, user);
                if (rc != 0) {
                    mmu.dropBaseTable(kernel);
                    return rc;
                }
            }
            pv.setKernelTableMfn(kernel);
        }
        return 0;
    }

    /** Loads the checked context into the offline vCPU's CPU and PV state. */
    private static void load(Vcpu target, PvVcpu pv, ByteBuffer c) {
        X86Cpu cpu = target.cpu();
        long flags = c.getLong(OFF_FLAGS);
        boolean kernel = (flags & VGCF_in_kernel) != 0;
        if ((flags & VGCF_i387_valid) != 0) {
            byte[] image = new byte[FPU_CTXT_SIZE];
            c.get(OFF_FPU_CTXT, image);
            cpu.fpu().loadFxsave(image, 0);
        } else {
            cpu.fpu().reset();
        }
        int regs = OFF_USER_REGS;
        int[][] gprs = {{X86Reg.R15, REGS_R15}, {X86Reg.R14, REGS_R14}, {X86Reg.R13, REGS_R13}, {X86Reg.R12, REGS_R12},
            {X86Reg.RBP, REGS_RBP}, {X86Reg.RBX, REGS_RBX}, {X86Reg.R11, REGS_R11}, {X86Reg.R10, REGS_R10},
            {X86Reg.R9, REGS_R9}, {X86Reg.R8, REGS_R8}, {X86Reg.RAX, REGS_RAX}, {X86Reg.RCX, REGS_RCX},
            {X86Reg.RDX, REGS_RDX}, {X86Reg.RSI, REGS_RSI}, {X86Reg.RDI, REGS_RDI}, {X86Reg.RSP, REGS_RSP}};
        for (int[] reg : gprs) {
            cpu.setReg(reg[0], c.getLong(regs + reg[1]));
        }
        cpu.setRip(c.getLong(regs + REGS_RIP));
        long rflags = (c.getLong(regs + REGS_RFLAGS) & X86Rflags.DEFINED & ~X86Rflags.VM) | X86Rflags.RESERVED_ONE;
        pv.setIopl((int) ((rflags & X86Rflags.IOPL) >>> 12));
        cpu.setRflags((rflags & ~X86Rflags.IOPL) | X86Rflags.IF);
        cpu.setSegment(X86Segment.CS, withKernelRpl(c.getShort(regs + REGS_CS)));
        cpu.setSegment(X86Segment.SS, withKernelRpl(c.getShort(regs + REGS_SS)));
        cpu.setSegment(X86Segment.ES, c.getShort(regs + REGS_ES) & 0xFFFF);
        cpu.setSegment(X86Segment.DS, c.getShort(regs + REGS_DS) & 0xFFFF);
        cpu.setSegment(X86Segment.FS, c.getShort(regs + REGS_FS) & 0xFFFF);
        cpu.setSegment(X86Segment.GS, c.getShort(regs + REGS_GS) & 0xFFFF);
        pv.clearTraps();
        for (int v = 0; v < VECTORS; v++) {
            int at = OFF_TRAP_CTXT + v * TRAP_INFO_SIZE;
            pv.setTrap(v, c.get(at + 1) & 0xFF, withKernelRpl(c.getShort(at + 2)), c.getLong(at + 8));
        }
        pv.setKernelStack(withKernelRpl((short) c.getLong(OFF_KERNEL_SS)), c.getLong(OFF_KERNEL_SP));
        pv.setCallback(CallbackOp.CALLBACKTYPE_event, c.getLong(OFF_EVENT_CALLBACK_EIP), false);
        pv.setCallback(CallbackOp.CALLBACKTYPE_failsafe, c.getLong(OFF_FAILSAFE_CALLBACK_EIP),
                (flags & VGCF_failsafe_disables_events) != 0);
        pv.setCallback(CallbackOp.CALLBACKTYPE_syscall, c.getLong(OFF_SYSCALL_CALLBACK_EIP),
                (flags & VGCF_syscall_disables_events) != 0);
        long[] ctrl = new long[8];
        for (int i = 0; i < ctrl.length; i++) {
            ctrl[i] = c.getLong(OFF_CTRLREG + i * 8);
        }
        cpu.setTaskSwitched((ctrl[0] & PvControlRegisters.CR0_TS) != 0);
        pv.setCr2(ctrl[2]);
        pv.setCr4(PvControlRegisters.fixupCr4(ctrl[4]));
        cpu.setFsBase(c.getLong(OFF_FS_BASE));
        long gsKernel = c.getLong(OFF_GS_BASE_KERNEL);
        long gsUser = c.getLong(OFF_GS_BASE_USER);
        long kernelCr3 = pv.kernelTableMfn() << PAGE_SHIFT;
        target.setKernelMode(kernel);
        if (kernel) {
            cpu.setGsBase(gsKernel);
            pv.setGsBaseUser(gsUser);
            cpu.setCr3(kernelCr3);
        } else {
            cpu.setGsBase(gsUser);
            pv.setGsBaseKernel(gsKernel);
            pv.setKernelCr3(kernelCr3);
            cpu.setCr3(pv.userTableMfn() << PAGE_SHIFT);
        }
        for (int i : new int[] {0, 1, 2, 3, 6, 7}) {
            // Xen ignores set_debugreg's result here: a value it refuses leaves the register at its default.
            pv.debugRegisters().set(cpu, i, c.getLong(OFF_DEBUGREG + i * 8), pv.cr4());
        }
        long ldtEntries = c.getLong(OFF_LDT_ENTS);
        if (ldtEntries != 0) {
            PvMmu.of(target.domain()).setLdt(cpu, c.getLong(OFF_LDT_BASE), ldtEntries);
        }
    }

    /** Xen's __fixup_guest_selector for a 64-bit PV guest: an RPL below 3 becomes 3. */
    private static int withKernelRpl(short selector) {
        int sel = selector & 0xFFFF;
        return (sel & 3) >= GUEST_KERNEL_RPL ? sel : (sel & ~3) | GUEST_KERNEL_RPL;
    }
}
