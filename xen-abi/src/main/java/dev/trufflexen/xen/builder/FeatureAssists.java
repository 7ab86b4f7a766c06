package dev.trufflexen.xen.builder;

import java.util.BitSet;

import dev.trufflexen.xen.abi.VmAssist;
import dev.trufflexen.xen.abi.XenFeatures;

/**
 * The Xen features a 64-bit PV kernel gets through a VM assist rather than by default, and the
 * assist that gives each: writable_page_tables is the writable_pagetables assist (writes to the
 * kernel's read-only page-table pages are emulated), pae_pgdir_above_4gb is pae_extended_cr3. The
 * builder turns on, before the kernel's first instruction, the assist of every such feature the
 * kernel's FEATURES note requires, as the toolstack's builder does; a kernel may still turn them
 * on or off itself with vm_assist.
 */
final class FeatureAssists {
    private static final int[][] FEATURE_TO_ASSIST = {
        {XenFeatures.XENFEAT_writable_page_tables, VmAssist.VMASST_TYPE_writable_pagetables},
        {XenFeatures.XENFEAT_pae_pgdir_above_4gb, VmAssist.VMASST_TYPE_pae_extended_cr3},
    };

    private FeatureAssists() {
    }

    /** The assists to turn on for a kernel requiring {@code required}, bit {@code type} per assist. */
    static long assistsFor(BitSet required) {
        long assists = 0;
        for (int[] pair : FEATURE_TO_ASSIST) {
            if (required.get(pair[0])) {
                assists |= 1L << pair[1];
            }
        }
        return assists;
    }

    /** The features that {@code assists} give the kernel. */
    static BitSet featuresGivenBy(long assists) {
        BitSet features = new BitSet();
        for (int[] pair : FEATURE_TO_ASSIST) {
            if ((assists & 1L << pair[1]) != 0) {
                features.set(pair[0]);
            }
        }
        return features;
    }
}
