package dev.trufflexen.xen.hypercall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.trufflexen.xen.core.XenVcpu;

/**
 * copy_from_guest / copy_to_guest for hypercall arguments: guest-virtual addresses checked with
 * the guest's own page tables and permissions. A failed copy is the guest's fault and becomes
 * -EFAULT; Xen's reserved virtual range is never reachable because the guest cannot map it
 * writable or at all outside the read-only M2P.
 */
final class GuestMemory {
    private GuestMemory() {
    }

    /** Copies {@code length} bytes from the guest; null when any of them is not readable. */
    static ByteBuffer read(XenVcpu vcpu, long address, int length) {
        byte[] bytes = new byte[length];
        if (!vcpu.cpu().copyFromGuest(address, bytes, 0, length)) {
            return null;
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static boolean read(XenVcpu vcpu, long address, byte[] into, int length) {
        return vcpu.cpu().copyFromGuest(address, into, 0, length);
    }

    static boolean write(XenVcpu vcpu, long address, byte[] bytes) {
        return vcpu.cpu().copyToGuest(address, bytes, 0, bytes.length);
    }

    /** A zero-padded copy of {@code text} of exactly {@code size} bytes, NUL-terminated if it fits. */
    static byte[] fixedString(String text, int size) {
        byte[] out = new byte[size];
        byte[] in = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(in, 0, out, 0, Math.min(in.length, size - 1));
        return out;
    }
}
