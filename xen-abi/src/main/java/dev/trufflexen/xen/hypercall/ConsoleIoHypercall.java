package dev.trufflexen.xen.hypercall;

import dev.trufflexen.xen.abi.ConsoleIo;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.core.XenVcpu;

/**
 * console_io(cmd, count, buffer): a guest writing to (or reading from) the hypervisor's console.
 *
 * <p>Policy, following Xen's default XSM rules: CONSOLEIO_write is allowed for every domain, as
 * in Xen's debug builds, so that early output of small kernels is visible in the hypervisor log;
 * CONSOLEIO_read needs console privilege, which no guest domain has (-EPERM). Output is copied in
 * chunks of 127 bytes like Xen, and a fault anywhere in the buffer is -EFAULT after the chunks
 * before it were written.
 */
final class ConsoleIoHypercall implements Hypercall {
    private static final int CHUNK = 127;

    @Override
    public long invoke(XenVcpu vcpu, long cmd, long count, long buffer, long unused4, long unused5) {
        return switch ((int) cmd) {
            case ConsoleIo.CONSOLEIO_write -> write(vcpu, Integer.toUnsignedLong((int) count), buffer);
            case ConsoleIo.CONSOLEIO_read -> -XenErrno.EPERM;
            default -> -XenErrno.ENOSYS;
        };
    }

    private static long write(XenVcpu vcpu, long count, long buffer) {
        byte[] chunk = new byte[CHUNK];
        long done = 0;
        while (done < count) {
            int length = (int) Math.min(CHUNK, count - done);
            if (!GuestMemory.read(vcpu, buffer + done, chunk, length)) {
                return -XenErrno.EFAULT;
            }
            vcpu.domain().consoleIoWriter().write(chunk, length);
            done += length;
        }
        return 0;
    }
}
