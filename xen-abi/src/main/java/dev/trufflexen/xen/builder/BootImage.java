package dev.trufflexen.xen.builder;

/**
 * A domain as the builder left it: its P2M, the frames the hypervisor must know (shared_info,
 * top-level page table, console and xenstore rings) and the initial register values.
 */
public record BootImage(long[] p2m, long sharedInfoMfn, long l4Mfn, long entry, long startInfoVirt, long stackTop,
        long consoleMfn, long xenstoreMfn, long virtBase, long mappedPages, long pageTableFrames,
        GuestParameters parameters) {
}
