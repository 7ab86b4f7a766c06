package dev.trufflexen.xen.version;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import dev.trufflexen.xen.abi.Hypercalls;
import dev.trufflexen.xen.abi.X86Pv;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.abi.XenVersionOp;
import dev.trufflexen.xen.hypercall.GuestStruct;
import dev.trufflexen.xen.hypercall.Hypercall;
import dev.trufflexen.xen.hypercall.HypercallContext;
import dev.trufflexen.xen.hypercall.XenError;

/**
 * {@code xen_version(int cmd, XEN_GUEST_HANDLE(void) arg)}: what the hypervisor is. Sub-commands
 * and access rules follow Xen's {@code do_xen_version} with its default XSM policy: version,
 * platform parameters and features for everyone; extraversion, compile info, capabilities,
 * changeset, page size and guest handle for everyone; the command line is "&lt;denied&gt;" and
 * the build id -EPERM for unprivileged domains (every guest domain of TruffleXen).
 */
public final class XenVersionHypercall implements Hypercall {
    static final String CAPABILITIES = "xen-3.0-x86_64";
    static final String CHANGESET = "TruffleXen 0.1.0";

    @Override
    public int number() {
        return Hypercalls.__HYPERVISOR_xen_version;
    }

    @Override
    public Map<Integer, String> subOps() {
        Map<Integer, String> ops = new HashMap<>();
        for (int cmd = XenVersionOp.XENVER_version; cmd <= XenVersionOp.XENVER_build_id; cmd++) {
            ops.put(cmd, HANDLED);
        }
        return ops;
    }

    @Override
    public long invoke(HypercallContext context) {
        long arg = context.handleArg(1);
        return switch (context.intArg(0)) {
            case XenVersionOp.XENVER_version -> XenVersion.encoded();
            case XenVersionOp.XENVER_extraversion -> string(context, arg, XenVersion.XEN_EXTRAVERSION,
                    XenVersionOp.XEN_EXTRAVERSION_LEN);
            case XenVersionOp.XENVER_compile_info -> compileInfo(context, arg);
            case XenVersionOp.XENVER_capabilities -> string(context, arg, CAPABILITIES,
                    XenVersionOp.XEN_CAPABILITIES_INFO_LEN);
            case XenVersionOp.XENVER_changeset -> string(context, arg, CHANGESET, XenVersionOp.XEN_CHANGESET_INFO_LEN);
            case XenVersionOp.XENVER_platform_parameters -> {
                GuestStruct params = context.blank(XenVersionOp.PLATFORM_PARAMETERS_LAYOUT)
                        .set(XenVersionOp.VIRT_START, X86Pv.HYPERVISOR_VIRT_START);
                context.copyOut(arg, params);
                yield 0;
            }
            case XenVersionOp.XENVER_get_features -> getFeatures(context, arg);
            case XenVersionOp.XENVER_pagesize -> {
                if (arg != 0) {
                    throw new XenError(XenErrno.EINVAL, "XENVER_pagesize takes no argument");
                }
                yield 4096;
            }
            case XenVersionOp.XENVER_guest_handle -> {
                byte[] handle = context.domain().handle();
                context.copyToGuest(arg, handle, 0, handle.length);
                yield 0;
            }
            case XenVersionOp.XENVER_commandline -> string(context, arg, XenVersionOp.XEN_DENY,
                    XenVersionOp.XEN_DENY.length() + 1);
            case XenVersionOp.XENVER_build_id -> throw new XenError(XenErrno.EPERM, "build id needs privilege");
            default -> throw new XenError(XenErrno.ENOSYS, "unknown xen_version command");
        };
    }

    /** A zero-padded, NUL-terminated copy of {@code text} of exactly {@code size} bytes. */
    private static long string(HypercallContext context, long arg, String text, int size) {
        byte[] out = new byte[size];
        byte[] in = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(in, 0, out, 0, Math.min(in.length, size - 1));
        context.copyToGuest(arg, out, 0, size);
        return 0;
    }

    private static long compileInfo(HypercallContext context, long arg) {
        GuestStruct info = context.blank(XenVersionOp.COMPILE_INFO_LAYOUT)
                .setString(XenVersionOp.COMPILER, ascii("Java " + Runtime.version().feature()))
                .setString(XenVersionOp.COMPILE_BY, ascii("trufflexen"))
                .setString(XenVersionOp.COMPILE_DOMAIN, ascii("trufflexen.dev"))
                .setString(XenVersionOp.COMPILE_DATE, ascii("TruffleXen 0.1.0"));
        context.copyOut(arg, info);
        return 0;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static long getFeatures(HypercallContext context, long arg) {
        GuestStruct info = context.copyIn(arg, XenVersionOp.FEATURE_INFO_LAYOUT);
        if (info.get(XenVersionOp.SUBMAP_IDX) != 0) {
            throw new XenError(XenErrno.EINVAL, "feature submap " + info.get(XenVersionOp.SUBMAP_IDX) + " does not exist");
        }
        long[] words = XenVersion.pvFeatures(context.domain().vmAssists()).toLongArray();
        info.set(XenVersionOp.SUBMAP, words.length == 0 ? 0 : words[0]);
        context.copyOut(arg, info);
        return 0;
    }
}
