package dev.trufflexen.xen.hypercall;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;

/**
 * {@code multicall(multicall_entry_t call_list[], unsigned long nr_calls)}, as Xen's
 * {@code do_multicall} (common/multicall.c) with the x86 PV dispositions.
 * <ul>
 * <li>A multicall inside a multicall is -EINVAL (for that entry; the outer one goes on).
 * <li>A list the guest may not name (its start outside what a guest pointer may hold, or
 * {@code nr_calls} * 64 overflowing) is -EFAULT before any call; an entry that cannot be read
 * stops the batch with -EFAULT.
 * <li>Each entry calls {@code op} with {@code args[0..4]} (a sixth argument is never passed) and
 * its result goes to the entry's {@code result} (an unwritable entry: -EFAULT); an unknown
 * {@code op} is -ENOSYS there. The multicall itself returns 0.
 * <li>{@code iret} ends the batch (XSA-213): it returns to the frame on the guest's stack as the
 * direct hypercall does, its result is the entry's, and the entries after it never run.
 * <li>Between entries the batch may be preempted; a sub-call that asks to continue writes its
 * updated {@code op} and arguments back into its entry. Either way the multicall continues
 * later from that entry, with the list and count advanced (Xen's "hi" continuation).
 * </ul>
 */
public final class MulticallHypercall implements Hypercall {
    private static final int ENTRY_SIZE = 64;
    private static final int RESULT_OFFSET = 8;
    private static final int ARGS_OFFSET = 16;
    /** Xen passes five of the six argument slots. */
    private static final int PASSED_ARGS = 5;

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_multicall;
    }

    @Override
    public long invoke(HypercallContext context) {
        if (context.enterMulticall()) {
            return -XenErrno.EINVAL;
        }
        try {
            return run(context, context.handleArg(0), context.ulongArg(1));
        } finally {
            context.leaveMulticall();
        }
    }

    private static long run(HypercallContext context, long list, long count) {
        if (Long.compareUnsigned(count, Long.divideUnsigned(-1L, ENTRY_SIZE)) >= 0 || !HypercallContext.accessOk(list)) {
            return -XenErrno.EFAULT;
        }
        byte[] entry = new byte[ENTRY_SIZE];
        byte[] result = new byte[8];
        long[] args = new long[6];
        boolean[] continued = new boolean[1];
        for (long i = 0; Long.compareUnsigned(i, count) < 0; i++) {
            if (i != 0 && context.preemptionWanted(1)) {
                return context.createContinuation(list, count - i);
            }
            try {
                context.copyFromGuest(list, entry, 0, ENTRY_SIZE);
            } catch (XenError e) {
                return -XenErrno.EFAULT;
            }
            long op = get(entry, 0);
            for (int a = 0; a < PASSED_ARGS; a++) {
                args[a] = get(entry, ARGS_OFFSET + 8 * a);
            }
            args[PASSED_ARGS] = 0;
            long value = context.dispatcher().invokeSubCall(context, op, args, continued);
            put(result, 0, value);
            boolean written = tryCopyOut(context, list + RESULT_OFFSET, result);
            if (op == Hypercalls.__HYPERVISOR_iret) {
                return value;
            }
            if (!written) {
                return -XenErrno.EFAULT;
            }
            if (continued[0]) {
                put(entry, 0, op);
                for (int a = 0; a < PASSED_ARGS; a++) {
                    put(entry, ARGS_OFFSET + 8 * a, args[a]);
                }
                if (!tryCopyOut(context, list, entry)) {
                    return -XenErrno.EFAULT;
                }
                return context.createContinuation(list, count - i);
            }
            list += ENTRY_SIZE;
        }
        return 0;
    }

    private static boolean tryCopyOut(HypercallContext context, long address, byte[] bytes) {
        try {
            context.copyToGuest(address, bytes, 0, bytes.length);
            return true;
        } catch (XenError e) {
            return false;
        }
    }

    private static long get(byte[] b, int offset) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | b[offset + i] & 0xFF;
        }
        return v;
    }

    private static void put(byte[] b, int offset, long v) {
        for (int i = 0; i < 8; i++) {
            b[offset + i] = (byte) (v >>> (8 * i));
        }
    }
}
