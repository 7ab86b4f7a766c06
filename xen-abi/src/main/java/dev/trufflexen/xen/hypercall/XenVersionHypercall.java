package dev.trufflexen.xen.hypercall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.abi.XenFeatures;
import dev.trufflexen.xen.abi.XenVersionOp;
import dev.trufflexen.xen.core.XenHypervisor;
import dev.trufflexen.xen.core.XenVcpu;

/**
 * xen_version(cmd, arg): what the hypervisor is. Sub-commands and access rules follow Xen's
 * {@code do_xen_version} with its default XSM policy: version, platform parameters and features
 * for everyone; extraversion, compile info, capabilities, changeset, page size and guest handle
 * for everyone; the command line is "&lt;denied&gt;" and the build id -EPERM for unprivileged
 * domains (every guest domain of TruffleXen).
 */
public final class XenVersionHypercall implements Hypercall {
    static final String CAPABILITIES = "xen-3.0-x86_64";
    static final String CHANGESET = "TruffleXen 0.1.0";

    /** XENVER_get_features submap 0 of a 64-bit PV domain, as Xen reports it. */
    public static BitSet pvFeatures() {
        BitSet bits = new BitSet();
        bits.set(XenFeatures.XENFEAT_memory_op_vnode_supported);
        bits.set(XenFeatures.XENFEAT_mmu_pt_update_preserve_ad);
        bits.set(XenFeatures.XENFEAT_highmem_assist);
        bits.set(XenFeatures.XENFEAT_gnttab_map_avail_bits);
        return bits;
    }

    @Override
    public long invoke(XenVcpu vcpu, long cmdArg, long arg, long unused3, long unused4, long unused5) {
        int cmd = (int) cmdArg;
        return switch (cmd) {
            case XenVersionOp.XENVER_version -> ((long) XenHypervisor.XEN_MAJOR << 16) | XenHypervisor.XEN_MINOR;
            case XenVersionOp.XENVER_extraversion -> copyOut(vcpu, arg,
                    GuestMemory.fixedString(XenHypervisor.XEN_EXTRAVERSION, XenVersionOp.XEN_EXTRAVERSION_LEN));
            case XenVersionOp.XENVER_compile_info -> copyOut(vcpu, arg, compileInfo());
            case XenVersionOp.XENVER_capabilities -> copyOut(vcpu, arg,
                    GuestMemory.fixedString(CAPABILITIES, XenVersionOp.XEN_CAPABILITIES_INFO_LEN));
            case XenVersionOp.XENVER_changeset -> copyOut(vcpu, arg,
                    GuestMemory.fixedString(CHANGESET, XenVersionOp.XEN_CHANGESET_INFO_LEN));
            case XenVersionOp.XENVER_platform_parameters -> copyOut(vcpu, arg,
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(X86Pv.HYPERVISOR_VIRT_START).array());
            case XenVersionOp.XENVER_get_features -> getFeatures(vcpu, arg);
            case XenVersionOp.XENVER_pagesize -> arg != 0 ? -XenErrno.EINVAL : 4096;
            case XenVersionOp.XENVER_guest_handle -> copyOut(vcpu, arg, vcpu.domain().handle());
            case XenVersionOp.XENVER_commandline -> {
                byte[] denied = GuestMemory.fixedString(XenVersionOp.XEN_DENY, XenVersionOp.XEN_DENY.length() + 1);
                yield copyOut(vcpu, arg, denied);
            }
            case XenVersionOp.XENVER_build_id -> -XenErrno.EPERM;
            default -> -XenErrno.ENOSYS;
        };
    }

    private static long copyOut(XenVcpu vcpu, long address, byte[] bytes) {
        return GuestMemory.write(vcpu, address, bytes) ? 0 : -XenErrno.EFAULT;
    }

    private static byte[] compileInfo() {
        byte[] info = new byte[XenVersionOp.COMPILE_INFO_SIZE];
        put(info, XenVersionOp.COMPILE_OFF_COMPILER, "Java " + Runtime.version().feature(), 64);
        put(info, XenVersionOp.COMPILE_OFF_COMPILE_BY, "trufflexen", 16);
        put(info, XenVersionOp.COMPILE_OFF_COMPILE_DOMAIN, "trufflexen.dev", 32);
        put(info, XenVersionOp.COMPILE_OFF_COMPILE_DATE, "TruffleXen 0.1.0", 32);
        return info;
    }

    private static void put(byte[] into, int offset, String text, int size) {
        byte[] field = GuestMemory.fixedString(text, size);
        System.arraycopy(field, 0, into, offset, size);
    }

    private static long getFeatures(XenVcpu vcpu, long arg) {
        ByteBuffer info = GuestMemory.read(vcpu, arg, XenVersionOp.FEATURE_INFO_SIZE);
        if (info == null) {
            return -XenErrno.EFAULT;
        }
        int submapIndex = info.getInt(0);
        if (submapIndex != 0) {
            return -XenErrno.EINVAL;
        }
        long[] words = pvFeatures().toLongArray();
        info.putInt(XenVersionOp.FEATURE_OFF_SUBMAP, words.length == 0 ? 0 : (int) words[0]);
        return copyOut(vcpu, arg, info.array());
    }
}
