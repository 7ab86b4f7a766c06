package dev.trufflexen.xen.abi;

/**
 * The hypercall page a 64-bit PV kernel calls through: {@link Hypercalls#HYPERCALL_PAGE_STUBS}
 * stubs of {@link Hypercalls#HYPERCALL_STUB_SIZE} bytes, stub {@code n} making hypercall {@code n}
 * with SYSCALL from ring 3 (rcx and r11 saved around it), filled with int3 between stubs. The stub
 * of iret pushes rax too and does not return. The domain builder writes it where the kernel's
 * HYPERCALL_PAGE note points; a write to MSR 0x40000000 writes it into the frame it names.
 */
public final class HypercallPage {
    private static final int HYPERCALL_PAGE_BYTES = Hypercalls.HYPERCALL_PAGE_STUBS * Hypercalls.HYPERCALL_STUB_SIZE;

    private HypercallPage() {
    }

    /** The page's 4096 bytes. */
    public static byte[] contents() {
        byte[] page = new byte[HYPERCALL_PAGE_BYTES];
        java.util.Arrays.fill(page, (byte) 0xCC);
        for (int n = 0; n < Hypercalls.HYPERCALL_PAGE_STUBS; n++) {
            int p = n * Hypercalls.HYPERCALL_STUB_SIZE;
            if (n == Hypercalls.__HYPERVISOR_iret) {
                // push %rcx; push %r11; push %rax; mov $n,%eax; syscall  (does not return)
                put(page, p, 0x51, 0x41, 0x53, 0x50, 0xB8, n, 0, 0, 0, 0x0F, 0x05);
            } else {
                // push %rcx; push %r11; mov $n,%eax; syscall; pop %r11; pop %rcx; ret
                put(page, p, 0x51, 0x41, 0x53, 0xB8, n, 0, 0, 0, 0x0F, 0x05, 0x41, 0x5B, 0x59, 0xC3);
            }
        }
        return page;
    }

    private static void put(byte[] page, int at, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            page[at + i] = (byte) bytes[i];
        }
    }
}
