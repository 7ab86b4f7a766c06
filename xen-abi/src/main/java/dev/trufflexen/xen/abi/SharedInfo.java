package dev.trufflexen.xen.abi;

import static dev.trufflexen.xen.abi.AbiType.U8;
import static dev.trufflexen.xen.abi.AbiType.U32;
import static dev.trufflexen.xen.abi.AbiType.U64;
import static dev.trufflexen.xen.abi.AbiType.ULONG;
import static dev.trufflexen.xen.abi.AbiType.S8;
import static dev.trufflexen.xen.abi.AbiType.bytes;

/**
 * {@code struct shared_info}, {@code struct vcpu_info} and {@code struct vcpu_time_info} for
 * x86-64 ({@code xen.h}, {@code arch-x86/xen.h}): the page Xen shares with each domain for event
 * delivery and time.
 */
public final class SharedInfo {
    public static final int XEN_LEGACY_MAX_VCPUS = 32;
    public static final int MAX_VIRT_CPUS = XEN_LEGACY_MAX_VCPUS;
    /** vcpu_time_info.flags. */
    public static final int XEN_PVCLOCK_TSC_STABLE_BIT = 1 << 0;
    public static final int XEN_PVCLOCK_GUEST_STOPPED = 1 << 1;
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

    public static final AbiStruct LAYOUT = new AbiStruct("struct shared_info", SIZE);
    public static final AbiField VCPU_INFO = LAYOUT.inOut(bytes(VCPU_INFO_SIZE * XEN_LEGACY_MAX_VCPUS), "vcpu_info", OFF_VCPU_INFO);
    public static final AbiField EVTCHN_PENDING = LAYOUT.inOut(bytes(512), "evtchn_pending", OFF_EVTCHN_PENDING);
    public static final AbiField EVTCHN_MASK = LAYOUT.in(bytes(512), "evtchn_mask", OFF_EVTCHN_MASK);
    public static final AbiField WC_VERSION = LAYOUT.out(U32, "wc_version", OFF_WC_VERSION);
    public static final AbiField WC_SEC = LAYOUT.out(U32, "wc_sec", OFF_WC_SEC);
    public static final AbiField WC_NSEC = LAYOUT.out(U32, "wc_nsec", OFF_WC_NSEC);
    public static final AbiField WC_SEC_HI = LAYOUT.out(U32, "wc_sec_hi", OFF_WC_SEC_HI);
    public static final AbiField ARCH_MAX_PFN = LAYOUT.in(ULONG, "arch.max_pfn", OFF_ARCH_MAX_PFN);
    public static final AbiField ARCH_PFN_TO_MFN_FRAME_LIST_LIST =
            LAYOUT.in(ULONG, "arch.pfn_to_mfn_frame_list_list", OFF_ARCH_PFN_TO_MFN_FRAME_LIST_LIST);
    public static final AbiField ARCH_NMI_REASON = LAYOUT.out(ULONG, "arch.nmi_reason", OFF_ARCH_NMI_REASON);
    public static final AbiField ARCH_P2M_CR3 = LAYOUT.in(ULONG, "arch.p2m_cr3", OFF_ARCH_P2M_CR3);
    public static final AbiField ARCH_P2M_VADDR = LAYOUT.in(ULONG, "arch.p2m_vaddr", OFF_ARCH_P2M_VADDR);
    public static final AbiField ARCH_P2M_GENERATION = LAYOUT.in(ULONG, "arch.p2m_generation", OFF_ARCH_P2M_GENERATION);

    public static final AbiStruct VCPU_INFO_LAYOUT = new AbiStruct("struct vcpu_info", VCPU_INFO_SIZE);
    public static final AbiField EVTCHN_UPCALL_PENDING =
            VCPU_INFO_LAYOUT.inOut(U8, "evtchn_upcall_pending", VCPU_OFF_EVTCHN_UPCALL_PENDING);
    public static final AbiField EVTCHN_UPCALL_MASK = VCPU_INFO_LAYOUT.inOut(U8, "evtchn_upcall_mask", VCPU_OFF_EVTCHN_UPCALL_MASK);
    public static final AbiField EVTCHN_PENDING_SEL = VCPU_INFO_LAYOUT.inOut(ULONG, "evtchn_pending_sel", VCPU_OFF_EVTCHN_PENDING_SEL);
    public static final AbiField ARCH_CR2 = VCPU_INFO_LAYOUT.out(ULONG, "arch.cr2", VCPU_OFF_ARCH_CR2);
    public static final AbiField TIME = VCPU_INFO_LAYOUT.out(bytes(TIME_INFO_SIZE), "time", VCPU_OFF_TIME);

    public static final AbiStruct TIME_INFO_LAYOUT = new AbiStruct("struct vcpu_time_info", TIME_INFO_SIZE);
    public static final AbiField TIME_VERSION = TIME_INFO_LAYOUT.out(U32, "version", TIME_OFF_VERSION);
    public static final AbiField TIME_TSC_TIMESTAMP = TIME_INFO_LAYOUT.out(U64, "tsc_timestamp", TIME_OFF_TSC_TIMESTAMP);
    public static final AbiField TIME_SYSTEM_TIME = TIME_INFO_LAYOUT.out(U64, "system_time", TIME_OFF_SYSTEM_TIME);
    public static final AbiField TIME_TSC_TO_SYSTEM_MUL = TIME_INFO_LAYOUT.out(U32, "tsc_to_system_mul", TIME_OFF_TSC_TO_SYSTEM_MUL);
    public static final AbiField TIME_TSC_SHIFT = TIME_INFO_LAYOUT.out(S8, "tsc_shift", TIME_OFF_TSC_SHIFT);
    public static final AbiField TIME_FLAGS = TIME_INFO_LAYOUT.out(U8, "flags", TIME_OFF_FLAGS);

    /** struct arch_vcpu_info: the x86 part of vcpu_info. */
    public static final AbiStruct ARCH_VCPU_INFO_LAYOUT = new AbiStruct("struct arch_vcpu_info", 16);
    public static final AbiField ARCH_VCPU_INFO_CR2 = ARCH_VCPU_INFO_LAYOUT.out(ULONG, "cr2", 0);

    /** struct arch_shared_info: the x86 part of shared_info. */
    public static final AbiStruct ARCH_SHARED_INFO_LAYOUT = new AbiStruct("struct arch_shared_info", 48);
    public static final AbiField ARCH_SHARED_MAX_PFN = ARCH_SHARED_INFO_LAYOUT.in(ULONG, "max_pfn", 0);
    public static final AbiField ARCH_SHARED_FRAME_LIST_LIST =
            ARCH_SHARED_INFO_LAYOUT.in(ULONG, "pfn_to_mfn_frame_list_list", 8);
    public static final AbiField ARCH_SHARED_NMI_REASON = ARCH_SHARED_INFO_LAYOUT.out(ULONG, "nmi_reason", 16);
    public static final AbiField ARCH_SHARED_P2M_CR3 = ARCH_SHARED_INFO_LAYOUT.in(ULONG, "p2m_cr3", 24);
    public static final AbiField ARCH_SHARED_P2M_VADDR = ARCH_SHARED_INFO_LAYOUT.in(ULONG, "p2m_vaddr", 32);
    public static final AbiField ARCH_SHARED_P2M_GENERATION = ARCH_SHARED_INFO_LAYOUT.in(ULONG, "p2m_generation", 40);

    private SharedInfo() {
    }

    /** Offset of vcpu_info[vcpu] within shared_info. */
    public static int vcpuInfo(int vcpu) {
        return OFF_VCPU_INFO + vcpu * VCPU_INFO_SIZE;
    }
}
