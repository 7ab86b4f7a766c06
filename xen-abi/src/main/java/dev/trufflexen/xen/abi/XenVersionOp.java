package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.ULONG;
import static dev.trufflexen.xen.abi.AbiType.bytes;

/** xen_version sub-commands and their argument sizes ({@code version.h}). */
public final class XenVersionOp {
    public static final int XENVER_version = 0;
    public static final int XENVER_extraversion = 1;
    public static final int XENVER_compile_info = 2;
    public static final int XENVER_capabilities = 3;
    public static final int XENVER_changeset = 4;
    public static final int XENVER_platform_parameters = 5;
    public static final int XENVER_get_features = 6;
    public static final int XENVER_pagesize = 7;
    public static final int XENVER_guest_handle = 8;
    public static final int XENVER_commandline = 9;
    public static final int XENVER_build_id = 10;

    public static final int XEN_EXTRAVERSION_LEN = 16;
    public static final int COMPILE_INFO_SIZE = 64 + 16 + 32 + 32;
    public static final int COMPILE_OFF_COMPILER = 0;
    public static final int COMPILE_OFF_COMPILE_BY = 64;
    public static final int COMPILE_OFF_COMPILE_DOMAIN = 80;
    public static final int COMPILE_OFF_COMPILE_DATE = 112;
    public static final int XEN_CAPABILITIES_INFO_LEN = 1024;
    public static final int XEN_CHANGESET_INFO_LEN = 64;
    public static final int PLATFORM_PARAMETERS_SIZE = 8;
    public static final int FEATURE_INFO_SIZE = 8;
    public static final int FEATURE_OFF_SUBMAP = 4;
    public static final int XEN_DOMAIN_HANDLE_LEN = 16;
    public static final int XEN_COMMANDLINE_LEN = 1024;
    /** Xen's answer to sub-commands a domain may not see. */
    public static final String XEN_DENY = "<denied>";

    public static final AbiStruct COMPILE_INFO_LAYOUT = new AbiStruct("struct xen_compile_info", COMPILE_INFO_SIZE);
    public static final AbiField COMPILER = COMPILE_INFO_LAYOUT.out(bytes(64), "compiler", COMPILE_OFF_COMPILER);
    public static final AbiField COMPILE_BY = COMPILE_INFO_LAYOUT.out(bytes(16), "compile_by", COMPILE_OFF_COMPILE_BY);
    public static final AbiField COMPILE_DOMAIN = COMPILE_INFO_LAYOUT.out(bytes(32), "compile_domain", COMPILE_OFF_COMPILE_DOMAIN);
    public static final AbiField COMPILE_DATE = COMPILE_INFO_LAYOUT.out(bytes(32), "compile_date", COMPILE_OFF_COMPILE_DATE);
    public static final AbiStruct PLATFORM_PARAMETERS_LAYOUT =
            new AbiStruct("struct xen_platform_parameters", PLATFORM_PARAMETERS_SIZE);
    public static final AbiField VIRT_START = PLATFORM_PARAMETERS_LAYOUT.out(ULONG, "virt_start", 0);
    public static final AbiStruct FEATURE_INFO_LAYOUT = new AbiStruct("struct xen_feature_info", FEATURE_INFO_SIZE);
    public static final AbiField SUBMAP_IDX = FEATURE_INFO_LAYOUT.in(U32, "submap_idx", 0);
    public static final AbiField SUBMAP = FEATURE_INFO_LAYOUT.out(U32, "submap", FEATURE_OFF_SUBMAP);

    /** struct xen_build_id: len, then a flexible array of len bytes. */
    public static final AbiStruct BUILD_ID_LAYOUT = new AbiStruct("struct xen_build_id", 4);
    public static final AbiField BUILD_ID_LEN = BUILD_ID_LAYOUT.inOut(U32, "len", 0);

    private XenVersionOp() {
    }
}
