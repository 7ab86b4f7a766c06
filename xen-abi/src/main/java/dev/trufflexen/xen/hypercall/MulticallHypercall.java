package dev.trufflexen.xen.hypercall;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;

/**
 * {@code multicall(multicall_entry_t *calls, unsigned long nr_calls)}, as Xen's
 * {@code do_multicall}: each entry's hypercall runs in order with the entry's six arguments, and
 * its return value goes into the entry's {@code result}. A multicall inside a multicall is
 * -EINVAL (as that entry's result); an unknown number -ENOSYS. A list Xen's guest_handle_okay
 * refuses, or an entry that cannot be read or whose result cannot be written, ends the batch with
 * -EFAULT. After an {@code iret} entry the batch stops and returns that entry's result (Xen's
 * mc_exit). A long batch is continued over the remaining entries; an entry whose own call asks
 * to continue gets its updated arguments written back and the batch is continued from it.
 */
public final class MulticallHypercall implements Hypercall {
    private static final int ENTRY = Hypercalls.MULTICALL_ENTRY_LAYOUT.size();
    private static final int ARGS = 16;
    private volatile HypercallTable table;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_multicall;
    }

    /** The table the entries' hypercalls are found in; given once the table exists. */
    public void attach(HypercallTable hypercalls) {
        this.table = hypercalls;
    }

    @Override
    public long invoke(HypercallContext context) {
        if (context.nesting() > 0) {
            return -XenErrno.EINVAL;
        }
        long list = context.handleArg(0);
        long count = context.ulongArg(1);
        if (!HypercallContext.accessOk(list)) {
            return -XenErrno.EFAULT;
        }
        byte[] entry = new byte[ENTRY];
        long[] args = new long[6];
        for (long i = 0; i < count; i++) {
            long at = list + i * ENTRY;
            if (i > 0 && context.preemptionWanted(1)) {
                return context.createContinuation(at, count - i);
            }
            if (!copyIn(context, at, entry)) {
                return -XenErrno.EFAULT;
            }
            long op = word(entry, 0);
            for (int a = 0; a < args.length; a++) {
                args[a] = word(entry, ARGS + a * 8);
            }
            long[] saved = context.beginNested(args);
            long result;
            boolean continued;
            try {
                result = call(context, op);
                continued = context.isContinuation();
                context.nestedArguments(args);
            } finally {
                context.endNested(saved);
            }
            putWord(entry, 8, result);
            if (!copyOut(context, at + 8, entry, 8, 8)) {
                return -XenErrno.EFAULT;
            }
            if (op == Hypercalls.__HYPERVISOR_iret) {
                return result;
            }
            if (continued) {
                for (int a = 0; a < args.length; a++) {
                    putWord(entry, ARGS + a * 8, args[a]);
                }
                if (!copyOut(context, at, entry, 0, ENTRY)) {
                    return -XenErrno.EFAULT;
                }
                return context.createContinuation(at, count - i);
            }
        }
        return 0;
    }

    private long call(HypercallContext context, long op) {
        Hypercall handler = table.get(op);
        if (handler == null) {
            return -XenErrno.ENOSYS;
        }
        try {
            return handler.invoke(context);
        } catch (XenError e) {
            return -e.errno();
        }
    }

    private static boolean copyIn(HypercallContext context, long at, byte[] entry) {
        try {
            context.copyFromGuest(at, entry, 0, entry.length);
            return true;
        } catch (XenError e) {
            return false;
        }
    }

    private static boolean copyOut(HypercallContext context, long at, byte[] entry, int offset, int length) {
        try {
            context.copyToGuest(at, entry, offset, length);
            return true;
        } catch (XenError e) {
            return false;
        }
    }

    private static long word(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static void putWord(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
