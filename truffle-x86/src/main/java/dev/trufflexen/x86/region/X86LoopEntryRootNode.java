package dev.trufflexen.x86.region;

import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;

import dev.trufflexen.x86.runtime.X86Language;

/**
 * An entry into a region at one of its hot loop headers, for a RIP where the guest reaches that
 * loop other than through the region's own entry: after a stop request left the loop at its back
 * edge, or from another region's edge into it. Without it the dispatcher would translate a second
 * region starting at the header, holding a second copy of the loop, whose own OSR compilation
 * would compete with the first for the compiler; a loop reached both ways then ran
 * interpreted in one copy while the other's compilation went unused.
 *
 * <p>It shares the region's frame layout and runs the loop's blocks from the header in the
 * interpreter (it is never compiled itself): the loop's first back edge re-enters the region's
 * OSR compilation of that loop, the same one the region's own entry uses, and the first block
 * outside the loop goes back to the dispatcher, so nothing else of the region runs interpreted.
 */
final class X86LoopEntryRootNode extends RootNode {
    private final X86RegionRootNode region;
    private final int block;

    X86LoopEntryRootNode(X86Language language, X86RegionRootNode region, int block) {
        super(language, region.getFrameDescriptor());
        this.region = region;
        this.block = block;
    }

    @Override
    public Object execute(VirtualFrame frame) {
        return region.enterLoop(frame, block);
    }

    /** The region this entry runs, for callers' inline caches. */
    X86RegionRootNode region() {
        return region;
    }

    @Override
    protected boolean prepareForCompilation(boolean rootCompilation, int compilationTier, boolean lastTier) {
        return false;
    }

    @Override
    public String getName() {
        return region.getName() + "+" + block;
    }

    @Override
    public String toString() {
        return getName();
    }
}
