package dev.trufflexen.xen.pv;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code set_trap_table(const trap_info_t *traps)}, as Xen's {@code do_set_trap_table}: a null
 * handle clears the whole virtual IDT; otherwise entries are copied in one at a time and each
 * replaces the vector it names, until an entry whose address is 0. An unreadable entry is
 * -EFAULT and a non-canonical address -EINVAL, both keeping the entries already installed. The
 * code selector gets the guest kernel's RPL (3). Long tables are continued after every
 * {@link HypercallContext#WORK_BUDGET} entries.
 */
public final class SetTrapTableHypercall implements Hypercall {
    private static final int GUEST_KERNEL_RPL = 3;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_set_trap_table;
    }

    @Override
    public long invoke(HypercallContext context) {
        PvVcpu pv = PvEntry.pvVcpu(context.cpu());
        long handle = context.handleArg(0);
        if (handle == 0) {
            pv.clearTraps();
            return 0;
        }
        while (true) {
            GuestStruct entry = context.copyIn(handle, X86Pv.TRAP_INFO_LAYOUT);
            long address = entry.get(X86Pv.TRAP_INFO_ADDRESS);
            if (address == 0) {
                return 0;
            }
            if (!PvVcpu.isCanonical(address)) {
                throw new XenError(XenErrno.EINVAL, String.format("non-canonical handler %#x", address));
            }
            int cs = (int) entry.get(X86Pv.TRAP_INFO_CS);
            if ((cs & 3) < GUEST_KERNEL_RPL) {
                cs = cs & ~3 | GUEST_KERNEL_RPL;
            }
            pv.setTrap((int) entry.get(X86Pv.TRAP_INFO_VECTOR), (int) entry.get(X86Pv.TRAP_INFO_FLAGS), cs, address);
            handle += X86Pv.TRAP_INFO_LAYOUT.size();
            if (context.preemptionWanted(1)) {
                return context.createContinuation(handle);
            }
        }
    }
}
