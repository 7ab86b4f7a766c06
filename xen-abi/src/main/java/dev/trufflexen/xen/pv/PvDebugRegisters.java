package dev.trufflexen.xen.pv;

import dev.trufflexen.x86.cpu.X86Cpu;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.hypercall.HypercallContext;

/**
 * A PV vCPU's debug registers as Xen keeps them ({@code v->arch.dr[]}, {@code dr6}, {@code dr7}
 * and {@code pv.dr7_emul}), written by {@code set_debugreg} and the emulated {@code mov DRn}
 * with Xen's validation ({@code set_debugreg} in misc-hypercalls.c), read by
 * {@code get_debugreg} and {@code mov DRn} ({@code x86emul_read_dr}).
 *
 * <ul>
 * <li>DR0-DR3 take any address a guest pointer may hold ({@code breakpoint_addr_ok}: below 2^47 or
 * above the hypervisor's range), else -EPERM.
 * <li>DR6 and DR7 must fit in 32 bits (-EINVAL); DR6's reserved bits read as Xen's
 * {@code x86_adj_dr6_rsvd} makes them (0xffff0ff0 forced to one, bit 12 to zero), DR7's as
 * {@code x86_adj_dr7_rsvd} (bits 11, 12, 14, 15 zero, bit 10 one). DR7.GD is -EPERM.
 * <li>DR4 and DR5 alias DR6 and DR7 while CR4.DE is clear, and are -ENODEV (a #UD for
 * {@code mov}) while it is set; any other number is -ENODEV.
 * <li>I/O breakpoints (R/W 10) need CR4.DE (-EPERM without). Their enable bits live apart in
 * {@code dr7_emul}, as Xen's do, because only the emulated IN/OUT can hit them; DR7 reads back
 * with them merged.
 * </ul>
 * After every change the CPU gets the breakpoints it must watch ({@link X86Cpu#setBreakpoints}):
 * the instruction and data breakpoints enabled in DR7; while none is enabled the CPU runs at
 * full speed.
 */
final class PvDebugRegisters {
    static final long DR6_DEFAULT = 0xFFFF_0FF0L;
    private static final long DR6_ZEROS = 0x1000L;
    /** DR7 bits forced to zero: Xen's X86_DR7_ZEROS plus RTM (bit 11), which the policy lacks. */
    private static final long DR7_ZEROS = 0xD800L;
    static final long DR7_DEFAULT = 0x400L;
    private static final long DR7_GENERAL_DETECT = 0x2000L;
    private static final int DR7_ACTIVE_MASK = 0xFF;
    private static final int DR_IO = 2;
    /** DR6 B0-B3: replaced, not accumulated, by each new debug exception. */
    private static final long DR6_BREAKPOINTS = 0xF;
    static final long DR6_BS = 0x4000L;

    private final long[] address = new long[4];
    private long dr6 = DR6_DEFAULT;
    private long dr7 = DR7_DEFAULT;
    private int dr7Emulated;

    /** Xen's set_debugreg: 0, or -EPERM, -EINVAL, -ENODEV. */
    long set(X86Cpu cpu, int reg, long value, long cr4) {
        boolean de = (cr4 & PvControlRegisters.CR4_DE) != 0;
        switch (reg) {
            case 0, 1, 2, 3 -> {
                if (!breakpointAddressOk(value)) {
                    return -XenErrno.EPERM;
                }
                address[reg] = value;
            }
            case 4, 6 -> {
                if (reg == 4 && de) {
                    return -XenErrno.ENODEV;
                }
                if (value != (value & 0xFFFF_FFFFL)) {
                    return -XenErrno.EINVAL;
                }
                dr6 = adjustDr6(value);
            }
            case 5, 7 -> {
                if (reg == 5 && de) {
                    return -XenErrno.ENODEV;
                }
                long rc = setDr7(value, de);
                if (rc == 0) {
                    loadInto(cpu);
                }
                return rc;
            }
            default -> {
                return -XenErrno.ENODEV;
            }
        }
        loadInto(cpu);
        return 0;
    }

    private long setDr7(long raw, boolean de) {
        if (raw != (raw & 0xFFFF_FFFFL)) {
            return -XenErrno.EINVAL;
        }
        long value = raw & ~DR7_ZEROS | DR7_DEFAULT;
        if ((value & DR7_GENERAL_DETECT) != 0) {
            return -XenErrno.EPERM;
        }
        int ioEnable = 0;
        if ((value & DR7_ACTIVE_MASK) != 0) {
            for (int i = 0; i < 4; i++) {
                if ((value >>> (16 + 4 * i) & 3) == DR_IO) {
                    if (!de) {
                        return -XenErrno.EPERM;
                    }
                    ioEnable |= (int) (value & (3L << (2 * i)));
                }
            }
        }
        dr7Emulated = ioEnable;
        dr7 = value & ~ioEnable;
        return 0;
    }

    /** After a successful set: the CPU watches the new breakpoints (DR7 without the I/O ones). */
    void loadInto(X86Cpu cpu) {
        cpu.setBreakpoints(address[0], address[1], address[2], address[3], (int) dr7);
    }

    /** x86emul_read_dr: false for a register that is #UD / -ENODEV (DR4/DR5 with CR4.DE, anything above 7). */
    boolean readable(int reg, long cr4) {
        return reg >= 0 && reg <= 7 && !((reg == 4 || reg == 5) && (cr4 & PvControlRegisters.CR4_DE) != 0);
    }

    /** The value of a {@link #readable} register. */
    long read(int reg) {
        return switch (reg) {
            case 0, 1, 2, 3 -> address[reg];
            case 4, 6 -> dr6;
            default -> dr7 | dr7Emulated;
        };
    }

    /** x86_merge_dr6: B0-B3 replaced by {@code newBits}' own, every other status bit accumulates. */
    void mergeDr6(long newBits) {
        long positive = dr6 ^ DR6_DEFAULT;
        positive = positive & ~DR6_BREAKPOINTS | newBits & 0xFFFF_FFFFL;
        dr6 = adjustDr6(positive ^ DR6_DEFAULT);
    }

    /** check_guest_io_breakpoint: the B bits of the I/O breakpoints an access of {@code length} bytes at {@code port} hits. */
    int ioBreakpointHits(int port, int length, long cr4) {
        if (dr7Emulated == 0 || (cr4 & PvControlRegisters.CR4_DE) == 0) {
            return 0;
        }
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            if ((dr7Emulated & (3 << (2 * i))) == 0) {
                continue;
            }
            long width = breakpointWidth(dr7, i);
            long start = address[i] & ~(width - 1);
            if (start < port + length && start + width > port) {
                hits |= 1 << i;
            }
        }
        return hits;
    }

    /** x86_bp_width: LEN 00, 01, 11, 10 are 1, 2, 4, 8 bytes. */
    static long breakpointWidth(long dr7, int i) {
        int raw = (int) (dr7 >>> (16 + 4 * i + 2)) & 3;
        if ((raw & 2) != 0) {
            raw ^= 1;
        }
        return 1L << raw;
    }

    private static long adjustDr6(long value) {
        return (value | DR6_DEFAULT) & ~DR6_ZEROS & 0xFFFF_FFFFL;
    }

    /** breakpoint_addr_ok: Xen's __addr_ok, below 2^47 or at or above HYPERVISOR_VIRT_END. */
    private static boolean breakpointAddressOk(long address) {
        return HypercallContext.accessOk(address);
    }
}
