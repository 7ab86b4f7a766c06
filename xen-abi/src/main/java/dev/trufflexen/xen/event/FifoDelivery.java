package dev.trufflexen.xen.event;

import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_BUSY;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_LINKED;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_LINK_MASK;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_MASKED;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_MAX_QUEUES;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_PENDING;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_PRIORITY_DEFAULT;
import static dev.trufflexen.xen.abi.EventChannelOp.EVTCHN_FIFO_PRIORITY_MIN;

import dev.trufflexen.xen.abi.EventChannelOp;
import dev.trufflexen.xen.abi.SharedInfo;
import dev.trufflexen.xen.abi.XenErrno;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.Vcpu;
import dev.trufflexen.xen.mm.FrameTable;
import dev.trufflexen.xen.mm.GuestFrames;

/**
 * The FIFO ABI of one domain (Xen's {@code event_fifo.c}): an event word per port in guest
 * pages the guest hands over one at a time (EVTCHNOP_expand_array), and per vCPU a control block
 * (EVTCHNOP_init_control) with a ready bit and a queue head per priority.
 *
 * <h2>Raising a port</h2>
 * Set PENDING; if the port is not MASKED and was not LINKED, set LINKED and append it to the
 * queue of its vCPU and priority: link the old tail's word to it (only while that word is still
 * LINKED: the guest may unlink the tail at any moment, so the link is a compare-and-swap, with
 * the tail marked BUSY after a first failure so that the guest's unmask waits), or, when the
 * queue was empty, write the queue's head in the control block. A queue that was empty sets its
 * ready bit, and a newly set ready bit marks the upcall pending and kicks the vCPU. The guest
 * consumes from the heads and unlinks; the hypervisor only remembers each queue's tail. A port
 * whose word is not in the array yet keeps its pending state here and is raised when the page
 * comes.
 *
 * <p>Queue operations of the domain are serialised by this object's lock (Xen has a lock per
 * queue); the event words and control blocks are only changed with atomic operations. The pages
 * are held with a writable type reference until {@link #release}.
 */
final class FifoDelivery implements PortDelivery {
    /** Event words per page of the array. */
    static final int WORDS_PER_PAGE = 4096 / 4;
    /** The most pages the array can have (EVTCHN_FIFO_NR_CHANNELS ports). */
    static final int MAX_ARRAY_PAGES = EventChannelOp.EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE;
    /** How many times a link is retried with the tail marked BUSY. */
    private static final int LINK_TRIES = 4;

    /** One vCPU's control block and the tails of its queues. */
    private static final class ControlBlock {
        final long mfn;
        final int offset;
        final int[] tail = new int[EVTCHN_FIFO_MAX_QUEUES];

        ControlBlock(long mfn, int offset) {
            this.mfn = mfn;
            this.offset = offset;
        }

        int headOffset(int priority) {
            return offset + EventChannelOp.FIFO_CONTROL_OFF_HEAD + 4 * priority;
        }
    }

    private final ControlBlock[] blocks;
    private final long[] arrayPages = new long[MAX_ARRAY_PAGES];
    private volatile int arrayPortCount;
    private final byte[] priority;
    /** The vCPU and priority of the queue a port was last linked on (Xen's fifo_lastq). */
    private final int[] lastVcpu;
    private final byte[] lastPriority;
    /** Pending while the port's word was not in the array yet. */
    private final boolean[] pendingWithoutWord;

    FifoDelivery(int portCapacity, int vcpuCount) {
        blocks = new ControlBlock[vcpuCount];
        priority = new byte[portCapacity];
        lastVcpu = new int[portCapacity];
        lastPriority = new byte[portCapacity];
        pendingWithoutWord = new boolean[portCapacity];
        java.util.Arrays.fill(priority, (byte) EVTCHN_FIFO_PRIORITY_DEFAULT);
        java.util.Arrays.fill(lastPriority, (byte) EVTCHN_FIFO_PRIORITY_DEFAULT);
    }

    /**
     * Maps vCPU {@code vcpuId}'s control block at {@code offset} in frame {@code mfn}: -EINVAL
     * when the vCPU has one already or the frame is not the domain's or cannot be writable.
     * Returns 0 or -errno; the offset was checked by the caller.
     */
    synchronized int mapControlBlock(Domain domain, int vcpuId, long mfn, int offset) {
        if (blocks[vcpuId] != null) {
            return -XenErrno.EINVAL;
        }
        int rc = takeWritable(domain, mfn);
        if (rc != 0) {
            return rc;
        }
        blocks[vcpuId] = new ControlBlock(mfn, offset);
        return 0;
    }

    /**
     * EVTCHNOP_expand_array: one more page of event words; -ENOSPC when the array is full,
     * -EINVAL when the frame cannot be used. Returns the first port of the new page, or -errno.
     */
    synchronized int addArrayPage(Domain domain, long mfn) {
        int slot = arrayPortCount / WORDS_PER_PAGE;
        if (slot >= MAX_ARRAY_PAGES) {
            return -XenErrno.ENOSPC;
        }
        int rc = takeWritable(domain, mfn);
        if (rc != 0) {
            return rc;
        }
        arrayPages[slot] = mfn;
        int first = arrayPortCount;
        arrayPortCount = first + WORDS_PER_PAGE;
        return first;
    }

    /** True (and forgotten) when {@code port} was raised before its word existed. */
    synchronized boolean takePendingWithoutWord(int port) {
        boolean pending = port < pendingWithoutWord.length && pendingWithoutWord[port];
        if (pending) {
            pendingWithoutWord[port] = false;
        }
        return pending;
    }

    /** A port pending under the 2-level ABI when the domain switched keeps its pending state. */
    synchronized void carryPending(int port) {
        pendingWithoutWord[port] = true;
    }

    /** The priority a newly bound port starts with (Xen's evtchn_fifo_init). */
    synchronized void initPort(int port) {
        priority[port] = EVTCHN_FIFO_PRIORITY_DEFAULT;
    }

    /** EVTCHNOP_set_priority: future events of the port go to this queue; -EINVAL past the lowest. */
    synchronized int setPriority(int port, long newPriority) {
        if (newPriority < 0 || newPriority > EVTCHN_FIFO_PRIORITY_MIN) {
            return -XenErrno.EINVAL;
        }
        priority[port] = (byte) newPriority;
        return 0;
    }

    /** Drops the references to the control blocks and array pages (the domain went back to 2-level, or died). */
    synchronized void release(Domain domain) {
        FrameTable table = domain.frames().frameTable();
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] != null) {
                table.putPageAndType(blocks[i].mfn);
                blocks[i] = null;
            }
        }
        int pages = arrayPortCount / WORDS_PER_PAGE;
        arrayPortCount = 0;
        for (int i = 0; i < pages; i++) {
            table.putPageAndType(arrayPages[i]);
        }
    }

    private static int takeWritable(Domain domain, long mfn) {
        return domain.frames().frameTable().getPageAndType(mfn, domain.id(), FrameTable.TYPE_WRITABLE) != 0 ? -XenErrno.EINVAL : 0;
    }

    private long wordMfn(int port) {
        return arrayPages[port / WORDS_PER_PAGE];
    }

    private static int wordOffset(int port) {
        return port % WORDS_PER_PAGE * 4;
    }

    private boolean hasWord(int port) {
        return port < arrayPortCount;
    }

    @Override
    public boolean setPending(Domain domain, int port, int vcpuId) {
        GuestFrames frames = domain.frames();
        boolean newlyPending;
        boolean queueWasEmpty;
        int queuePriority;
        ControlBlock block;
        synchronized (this) {
            if (!hasWord(port)) {
                pendingWithoutWord[port] = true;
                return false;
            }
            block = blocks[vcpuId];
            if (block == null) {
                return false; // The guest may not unmask before its control block exists: the event is dropped.
            }
            long mfn = wordMfn(port);
            int offset = wordOffset(port);
            newlyPending = !GuestWords32.testAndSetBit(frames, mfn, offset, EVTCHN_FIFO_PENDING);
            queuePriority = priority[port];
            queueWasEmpty = false;
            if (!GuestWords32.testBit(frames, mfn, offset, EVTCHN_FIFO_MASKED)
                    && !GuestWords32.testAndSetBit(frames, mfn, offset, EVTCHN_FIFO_LINKED)) {
                queueWasEmpty = link(domain, block, vcpuId, port, queuePriority);
            }
        }
        if (queueWasEmpty && !GuestWords32.testAndSetBit(frames, block.mfn, block.offset + EventChannelOp.FIFO_CONTROL_OFF_READY,
                queuePriority)) {
            markEventsPending(EventChannels.vcpu(domain, vcpuId));
        }
        return newlyPending;
    }

    /** Appends a port just marked LINKED to its queue; true when the queue was empty (its head written). */
    private boolean link(Domain domain, ControlBlock block, int vcpuId, int port, int queuePriority) {
        ControlBlock oldBlock = blocks[lastVcpu[port]];
        int oldPriority = lastPriority[port];
        // The port was the tail of its last queue: that queue is now empty, and linking to it would corrupt the new one.
        if (oldBlock != null && oldBlock.tail[oldPriority] == port) {
            oldBlock.tail[oldPriority] = 0;
        }
        lastVcpu[port] = vcpuId;
        lastPriority[port] = (byte) queuePriority;
        int tail = block.tail[queuePriority];
        boolean linked = tail != 0 && setLink(domain.frames(), tail, port);
        if (!linked) {
            domain.frames().write32(block.mfn, block.headOffset(queuePriority), port);
        }
        block.tail[queuePriority] = port;
        return !linked;
    }

    /**
     * Points the tail's LINK at {@code port} while the tail is still LINKED (the guest may unlink
     * it concurrently); after one failed attempt the tail is marked BUSY so the guest's unmask
     * waits, bounding the retries. False when the tail was unlinked (the queue is empty).
     */
    private boolean setLink(GuestFrames frames, int tail, int port) {
        long mfn = wordMfn(tail);
        int offset = wordOffset(tail);
        int result = tryLink(frames, mfn, offset, port);
        if (result >= 0) {
            return result == 1;
        }
        GuestWords32.testAndSetBit(frames, mfn, offset, EVTCHN_FIFO_BUSY);
        for (int attempt = 0; attempt < LINK_TRIES; attempt++) {
            result = tryLink(frames, mfn, offset, port);
            if (result >= 0) {
                if (result == 0) {
                    GuestWords32.testAndClearBit(frames, mfn, offset, EVTCHN_FIFO_BUSY);
                }
                return result == 1;
            }
        }
        GuestWords32.testAndClearBit(frames, mfn, offset, EVTCHN_FIFO_BUSY);
        return true;
    }

    /** 1 linked, 0 the tail is not LINKED, -1 the word changed under us. */
    private static int tryLink(GuestFrames frames, long mfn, int offset, int port) {
        int old = GuestWords32.read(frames, mfn, offset);
        if ((old & 1 << EVTCHN_FIFO_LINKED) == 0) {
            return 0;
        }
        int updated = (old & ~(1 << EVTCHN_FIFO_BUSY | EVTCHN_FIFO_LINK_MASK)) | port;
        return GuestWords32.compareAndExchange(frames, mfn, offset, old, updated) == old ? 1 : -1;
    }

    /** Xen's vcpu_mark_events_pending: set the upcall flag and, when it was clear, kick the vCPU. */
    private static void markEventsPending(Vcpu vcpu) {
        GuestFrames frames = vcpu.domain().frames();
        Vcpu.VcpuInfoArea info = vcpu.vcpuInfoArea();
        if (info == null) {
            return;
        }
        int at = info.offset() + SharedInfo.VCPU_OFF_EVTCHN_UPCALL_PENDING;
        if (frames.read8(info.mfn(), at) == 0) {
            frames.write8(info.mfn(), at, (byte) 1);
            vcpu.wake();
        }
    }

    @Override
    public void clearPending(Domain domain, int port) {
        synchronized (this) {
            pendingWithoutWord[port] = false;
            if (!hasWord(port)) {
                return;
            }
        }
        GuestWords32.testAndClearBit(domain.frames(), wordMfn(port), wordOffset(port), EVTCHN_FIFO_PENDING);
    }

    @Override
    public void unmask(Domain domain, int port, int vcpuId) {
        if (!hasWord(port)) {
            return;
        }
        GuestFrames frames = domain.frames();
        GuestWords32.testAndClearBit(frames, wordMfn(port), wordOffset(port), EVTCHN_FIFO_MASKED);
        if (GuestWords32.testBit(frames, wordMfn(port), wordOffset(port), EVTCHN_FIFO_PENDING)) {
            setPending(domain, port, vcpuId);
        }
    }

    @Override
    public boolean isPending(Domain domain, int port) {
        return hasWord(port) && GuestWords32.testBit(domain.frames(), wordMfn(port), wordOffset(port), EVTCHN_FIFO_PENDING);
    }

    @Override
    public boolean isBusy(Domain domain, int port) {
        return hasWord(port) && GuestWords32.testBit(domain.frames(), wordMfn(port), wordOffset(port), EVTCHN_FIFO_LINKED);
    }

    @Override
    public int portLimit() {
        return EventChannelOp.EVTCHN_FIFO_NR_CHANNELS;
    }

    /** The pages of the event array so far, in ports. */
    int arrayPortCount() {
        return arrayPortCount;
    }
}
