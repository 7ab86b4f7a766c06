package dev.trufflexen.xen.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.TestHypervisor;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.builder.BootImage;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * Frames are scrubbed when they are freed, not when they are handed out: a domain's frames, full
 * of its data, are given back to the host when the domain is released, and the next domain built
 * on them finds zeroes everywhere its builder did not write.
 */
class ScrubBetweenDomainsTest {
    private static final long SECRET = 0x5EC2_E75E_C2E7_5EC2L;

    @RegisterExtension
    final TestHypervisor hypervisor = new TestHypervisor(64);

    @Test
    void aFrameFreedWithDataInItReadsAsZeroInTheNextDomain() {
        XenHypervisor xen = hypervisor.get();
        GuestFrames frames = xen.guestFrames();
        Domain first = hello(xen, "first");
        assertEquals(ShutdownReason.POWEROFF, first.run(), GuestImages.transcript(xen, first));
        long[] firstFrames = xen.framePool().framesOwnedBy(first.id());
        long withGuestData = Arrays.stream(firstFrames).filter(mfn -> !isZero(frames, mfn)).count();
        assertTrue(withGuestData > 16, "the guest and its builder left data in " + withGuestData + " frames");
        FrameTable table = xen.framePool().frameTable();
        for (long mfn : firstFrames) {
            int type = table.type(mfn);
            if (type != FrameTable.TYPE_NONE && type != FrameTable.TYPE_WRITABLE) {
                continue; // page tables and descriptor pages: released by reading them, and full of entries already
            }
            for (int offset = 0; offset < MachineMemory.PAGE_SIZE; offset += 8) {
                frames.write64(mfn, offset, SECRET ^ mfn);
            }
        }

        first.release();
        assertEquals(List.of(), xen.auditReleased(first.id()));
        for (long mfn : firstFrames) {
            assertTrue(isZero(frames, mfn), "freed frame " + mfn + " reads as zero");
        }

        Domain second = hello(xen, "second");
        BootImage boot = xen.bootImage(second);
        long reused = Arrays.stream(boot.p2m()).filter(mfn -> Arrays.binarySearch(firstFrames, mfn) >= 0).count();
        assertEquals(boot.p2m().length, reused, "the second domain is built on the first one's frames");
        for (long pfn = boot.mappedPages(); pfn < boot.p2m().length; pfn++) {
            long mfn = boot.p2m()[(int) pfn];
            if (mfn != boot.consoleMfn() && mfn != boot.xenstoreMfn()) {
                assertTrue(isZero(frames, mfn), "pfn " + pfn + " (frame " + mfn + ") of the next domain reads as zero");
            }
        }
        assertEquals(ShutdownReason.POWEROFF, second.run(), GuestImages.transcript(xen, second));
        assertEquals(List.of(), xen.auditMmu(second));
    }

    private static Domain hello(XenHypervisor xen, String name) {
        return xen.createDomain(DomainSpec.of(name, GuestImages.kernel("hello"), 16, ""));
    }

    private static boolean isZero(GuestFrames frames, long mfn) {
        for (int offset = 0; offset < MachineMemory.PAGE_SIZE; offset += 8) {
            if (frames.read64(mfn, offset) != 0) {
                return false;
            }
        }
        return true;
    }
}
