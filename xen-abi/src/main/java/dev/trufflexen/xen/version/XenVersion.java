package dev.trufflexen.xen.version;

import java.util.BitSet;

import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.XenFeatures;

/**
 * What this hypervisor says it is: the Xen version it implements (XENVER_version, CPUID leaf
 * 0x40000001) and the features a 64-bit PV domain gets (XENVER_get_features, and what the domain
 * builder checks a kernel's required features against).
 */
public final class XenVersion {
    /** Xen's version as reported to guests by XENVER_version and XENVER_extraversion. */
    public static final int XEN_MAJOR = 4;
    public static final int XEN_MINOR = 19;
    public static final String XEN_EXTRAVERSION = ".0-trufflexen";

    private XenVersion() {
    }

    /** XENVER_version's answer: major in bits 31:16, minor in 15:0. */
    public static int encoded() {
        return (XEN_MAJOR << 16) | XEN_MINOR;
    }

    /**
     * XENVER_get_features submap 0 of a 64-bit PV domain with VM assists {@code vmAssists} (bit
     * {@code type} per assist), as Xen reports it: the fixed PV set, plus pae_pgdir_above_4gb while
     * the pae_extended_cr3 assist is on. writable_page_tables is never announced to a PV domain
     * (Xen announces it only to translated domains): a PV kernel keeps its page tables read-only
     * even when the writable_pagetables assist emulates its writes to them.
     */
    public static BitSet pvFeatures(long vmAssists) {
        BitSet bits = new BitSet();
        if ((vmAssists & 1L << VmAssist.VMASST_TYPE_pae_extended_cr3) != 0) {
            bits.set(XenFeatures.XENFEAT_pae_pgdir_above_4gb);
        }
        bits.set(XenFeatures.XENFEAT_memory_op_vnode_supported);
        bits.set(XenFeatures.XENFEAT_mmu_pt_update_preserve_ad);
        bits.set(XenFeatures.XENFEAT_highmem_assist);
        bits.set(XenFeatures.XENFEAT_gnttab_map_avail_bits);
        return bits;
    }
}
