package dev.trufflexen.xen.dom0;

import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * A guest's frames as a dom0 service maps them (Xen's libxenforeignmemory). A mapping names the
 * domain and one of its frames (for a PV guest, the machine frame the guest advertised, e.g.
 * start_info's console.domU.mfn); the frame must belong to that domain, as Xen checks when dom0
 * maps a foreign frame. Reads and writes are bounded by the page, and writes go through
 * {@link GuestFrames}, so translated guest code on the page is invalidated.
 */
public final class ForeignMemory {
    private ForeignMemory() {
    }

    /**
     * xenforeignmemory_map of one page.
     *
     * @throws IllegalArgumentException if {@code frame} does not belong to {@code domain}
     */
    public static Page map(Domain domain, long frame) {
        GuestFrames frames = domain.frames();
        if (frames.ownerOf(frame) != domain.id()) {
            throw new IllegalArgumentException(String.format("frame %#x does not belong to domain %d", frame, domain.id()));
        }
        return new Page(frames, frame);
    }

    /** One mapped guest page; offsets are bytes within it. */
    public static final class Page {
        private final GuestFrames frames;
        private final long frame;

        private Page(GuestFrames frames, long frame) {
            this.frames = frames;
            this.frame = frame;
        }

        public int read32(int offset) {
            return frames.read32(frame, offset);
        }

        public void write32(int offset, int value) {
            frames.write32(frame, offset, value);
        }

        public void copyOut(int offset, byte[] into, int intoOffset, int length) {
            frames.copyOut(frame, offset, into, intoOffset, length);
        }

        public void copyIn(int offset, byte[] from, int fromOffset, int length) {
            frames.copyIn(frame, offset, from, fromOffset, length);
        }
    }
}
