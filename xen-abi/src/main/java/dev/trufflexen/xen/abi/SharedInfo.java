package dev.trufflexen.xen.abi;

/**
 * {@code struct shared_info}, {@code struct vcpu_info} and {@code struct vcpu_time_info} for
 * x86-64 ({@code xen.h}, {@code arch-x86/xen.h}): the page Xen shares with each domain for event
 * delivery and time.
 */
public final class SharedInfo {
    public static final int XEN_LEGACY_MAX_VCPUS = 32;
    /** Event channel ports of a 64-bit guest with the 2-level ABI: 64 words of 64 bits. */
    public static final int EVTCHN_2L_NR_CHANNELS = 64 * 64;

    // struct vcpu_info (64 bytes)
    public static final int VCPU_INFO_SIZE = 64;
    public static final int VCPU_OFF_EVTCHN_UPCALL_PENDING = 0;
    public static final int VCPU_OFF_EVTCHN_UPCALL_MASK = 1;
    public static final int VCPU_OFF_EVTCHN_PENDING_SEL = 8;
    public static final int VCPU_OFF_ARCH_CR2 = 16;
    public static final int VCPU_OFF_TIME = 32;

    // struct vcpu_time_info (32 bytes)
    public static final int TIME_INFO_SIZE = 32;
    public static final int TIME_OFF_VERSION = 0;
    public static final int TIME_OFF_TSC_TIMESTAMP = 8;
    public static final int TIME_OFF_SYSTEM_TIME = 16;
    public static final int TIME_OFF_TSC_TO_SYSTEM_MUL = 24;
    public static final int TIME_OFF_TSC_SHIFT = 28;
    public static final int TIME_OFF_FLAGS = 29;

    // struct shared_info
    public static final int OFF_VCPU_INFO = 0;
    public static final int OFF_EVTCHN_PENDING = 2048;
    public static final int OFF_EVTCHN_MASK = 2560;
    public static final int OFF_WC_VERSION = 3072;
    public static final int OFF_WC_SEC = 3076;
    public static final int OFF_WC_NSEC = 3080;
    public static final int OFF_WC_SEC_HI = 3084;
    public static final int OFF_ARCH_MAX_PFN = 3088;
    public static final int OFF_ARCH_PFN_TO_MFN_FRAME_LIST_LIST = 3096;
    public static final int OFF_ARCH_NMI_REASON = 3104;
    public static final int OFF_ARCH_P2M_CR3 = 3112;
    public static final int OFF_ARCH_P2M_VADDR = 3120;
    public static final int OFF_ARCH_P2M_GENERATION = 3128;
    public static final int SIZE = 3136;

    public static final AbiStruct LAYOUT = new AbiStruct("struct shared_info", SIZE)
            .field("vcpu_info", OFF_VCPU_INFO)
            .field("evtchn_pending", OFF_EVTCHN_PENDING)
            .field("evtchn_mask", OFF_EVTCHN_MASK)
            .field("wc_version", OFF_WC_VERSION)
            .field("wc_sec", OFF_WC_SEC)
            .field("wc_nsec", OFF_WC_NSEC)
            .field("wc_sec_hi", OFF_WC_SEC_HI)
            .field("arch.max_pfn", OFF_ARCH_MAX_PFN)
            .field("arch.pfn_to_mfn_frame_list_list", OFF_ARCH_PFN_TO_MFN_FRAME_LIST_LIST)
            .field("arch.nmi_reason", OFF_ARCH_NMI_REASON)
            .field("arch.p2m_cr3", OFF_ARCH_P2M_CR3)
            .field("arch.p2m_vaddr", OFF_ARCH_P2M_VADDR)
            .field("arch.p2m_generation", OFF_ARCH_P2M_GENERATION);

    public static final AbiStruct VCPU_INFO_LAYOUT = new AbiStruct("struct vcpu_info", VCPU_INFO_SIZE)
            .field("evtchn_upcall_pending", VCPU_OFF_EVTCHN_UPCALL_PENDING)
            .field("evtchn_upcall_mask", VCPU_OFF_EVTCHN_UPCALL_MASK)
            .field("evtchn_pending_sel", VCPU_OFF_EVTCHN_PENDING_SEL)
            .field("arch.cr2", VCPU_OFF_ARCH_CR2)
            .field("time", VCPU_OFF_TIME);

    public static final AbiStruct TIME_INFO_LAYOUT = new AbiStruct("struct vcpu_time_info", TIME_INFO_SIZE)
            .field("version", TIME_OFF_VERSION)
            .field("tsc_timestamp", TIME_OFF_TSC_TIMESTAMP)
            .field("system_time", TIME_OFF_SYSTEM_TIME)
            .field("tsc_to_system_mul", TIME_OFF_TSC_TO_SYSTEM_MUL)
            .field("tsc_shift", TIME_OFF_TSC_SHIFT)
            .field("flags", TIME_OFF_FLAGS);

    private SharedInfo() {
    }

    /** Offset of vcpu_info[vcpu] within shared_info. */
    public static int vcpuInfo(int vcpu) {
        return OFF_VCPU_INFO + vcpu * VCPU_INFO_SIZE;
    }
}
