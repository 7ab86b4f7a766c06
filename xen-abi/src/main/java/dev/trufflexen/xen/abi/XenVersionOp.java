package dev.trufflexen.xen.abi;

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

    public static final AbiStruct COMPILE_INFO_LAYOUT = new AbiStruct("struct xen_compile_info", COMPILE_INFO_SIZE)
            .field("compiler", COMPILE_OFF_COMPILER)
            .field("compile_by", COMPILE_OFF_COMPILE_BY)
            .field("compile_domain", COMPILE_OFF_COMPILE_DOMAIN)
            .field("compile_date", COMPILE_OFF_COMPILE_DATE);
    public static final AbiStruct PLATFORM_PARAMETERS_LAYOUT =
            new AbiStruct("struct xen_platform_parameters", PLATFORM_PARAMETERS_SIZE).field("virt_start", 0);
    public static final AbiStruct FEATURE_INFO_LAYOUT = new AbiStruct("struct xen_feature_info", FEATURE_INFO_SIZE)
            .field("submap_idx", 0)
            .field("submap", FEATURE_OFF_SUBMAP);

    private XenVersionOp() {
    }
}
