package dev.trufflexen.xen.builder;

import java.util.List;

/**
 * A domain as the builder left it: its P2M, the frames the hypervisor must know (shared_info,
 * top-level page table, console and xenstore rings), the initial register values, and the
 * notices the hypervisor logs (the kernel's shape, where the ramdisk and P2M list went, required
 * features not provided yet).
 *
 * @param vmAssists the VM assists the domain starts with (bit {@code type} per assist), those of
 *        the features its kernel requires
 */
public record BootImage(long[] p2m, long sharedInfoMfn, long l4Mfn, long entry, long startInfoVirt, long stackTop,
        long consoleMfn, long xenstoreMfn, long virtBase, long mappedPages, long pageTableFrames,
        GuestParameters parameters, long vmAssists, List<String> notices) {
}
