package dev.trufflexen.xen.console;

import java.util.Map;

import dev.trufflexen.xen.abi.ConsoleIo;
import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code console_io(int cmd, unsigned int count, XEN_GUEST_HANDLE(char) buffer)}: a guest writing
 * to (or reading from) the hypervisor's console.
 *
 * <p>Policy, following Xen's default XSM rules: CONSOLEIO_write is allowed for every domain, as
 * in Xen's debug builds, so that early output of small kernels is visible in the hypervisor log;
 * CONSOLEIO_read needs console privilege, which no guest domain has (-EPERM). Output is copied in
 * chunks of 127 bytes like Xen, and a fault anywhere in the buffer is -EFAULT after the chunks
 * before it were written. A long write is preempted between chunks and continued with the count
 * and buffer advanced, as Xen's {@code guest_console_write} does.
 */
public final class ConsoleIoHypercall implements Hypercall {
    private static final int CHUNK = 127;

    private final byte[] chunk = new byte[CHUNK];

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_console_io;
    }

    @Override
    public Map<Integer, String> subOps() {
        return Map.of(ConsoleIo.CONSOLEIO_write, HANDLED,
                ConsoleIo.CONSOLEIO_read, HANDLED);
    }

    @Override
    public long invoke(HypercallContext context) {
        return switch (context.intArg(0)) {
            case ConsoleIo.CONSOLEIO_write -> write(context, context.uintArg(1), context.handleArg(2));
            case ConsoleIo.CONSOLEIO_read -> throw new XenError(XenErrno.EPERM, "console read needs console privilege");
            default -> throw new XenError(XenErrno.ENOSYS, "unknown console_io command");
        };
    }

    private long write(HypercallContext context, long count, long buffer) {
        byte[] bytes = chunk;
        long done = 0;
        while (done < count) {
            if (done > 0 && context.preemptionWanted(1)) {
                return context.createContinuation(ConsoleIo.CONSOLEIO_write, count - done, buffer + done);
            }
            int length = (int) Math.min(CHUNK, count - done);
            context.copyFromGuest(buffer + done, bytes, 0, length);
            context.domain().consoleIoWriter().write(bytes, length);
            done += length;
        }
        return 0;
    }
}
