/*
 * TruffleXen guest SDK: console sinks (console_io and the PV console ring).
 *
 * Finding the ring: start_info.console.domU.mfn is a machine frame. The
 * domain builder maps the console page inside the boot mapping, where PFN p
 * lives at SDK_VIRT_BASE + p * 4096, so we invert the P2M (a linear search
 * of start_info.mfn_list) and check the result lies below the end of the
 * boot page tables, which the boot mapping always covers.
 *
 * Writing the ring: copy bytes into out[] at out_prod, sfence, publish the
 * new out_prod, then kick the backend through the console event channel.
 * While the ring is full we yield so the backend can drain it; if it makes
 * no progress for a long time we stop using the ring (console_io still
 * carries the output) rather than hang the guest.
 */
#include <sdk/kernel.h>

/* Consecutive yields without backend progress before the ring is dropped. */
#define RING_STALL_LIMIT 100000

static struct xencons_interface *ring;
static evtchn_port_t ring_evtchn;
static unsigned int sinks = CONSOLE_SINK_HYPERVISOR;

void console_init(const start_info_t *si)
{
    unsigned long pfn;
    unsigned long va;
    unsigned long mapped_end;

    ring = NULL;
    ring_evtchn = 0;
    sinks = CONSOLE_SINK_HYPERVISOR;
    if (si == NULL || (si->flags & SIF_INITDOMAIN) != 0 || si->mfn_list == 0) {
        return;
    }
    pfn = p2m_find_pfn(si->console.domU.mfn);
    if (pfn == -1UL) {
        return;
    }
    va = (unsigned long)pfn_to_virt(pfn);
    mapped_end = si->pt_base + si->nr_pt_frames * SDK_PAGE_SIZE;
    if (va < SDK_VIRT_BASE || va + SDK_PAGE_SIZE > mapped_end) {
        return;
    }
    ring = (struct xencons_interface *)va;
    ring_evtchn = si->console.domU.evtchn;
    sinks = CONSOLE_SINK_HYPERVISOR | CONSOLE_SINK_RING;
}

struct xencons_interface *console_ring(void)
{
    return ring;
}

unsigned int console_sinks(void)
{
    return sinks;
}

void console_set_sinks(unsigned int wanted)
{
    if (ring == NULL) {
        wanted &= ~CONSOLE_SINK_RING;
    }
    sinks = wanted;
}

void early_console_write(const char *s, size_t n)
{
    while (n > 0) {
        int chunk = n > 1024 ? 1024 : (int)n;

        HYPERVISOR_console_io(CONSOLEIO_write, chunk, (char *)s);
        s += chunk;
        n -= chunk;
    }
}

static void ring_notify(void)
{
    struct evtchn_send send = { .port = ring_evtchn };

    /* Port 0 is never a valid event channel. */
    if (ring_evtchn != 0) {
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    }
}

/* Give up on a backend that never drains: keep the guest running. */
static void ring_abandon(void)
{
    ring = NULL;
    sinks &= ~CONSOLE_SINK_RING;
    sinks |= CONSOLE_SINK_HYPERVISOR;
}

void console_ring_write(const char *s, size_t n)
{
    unsigned int stalls = 0;

    while (n > 0 && ring != NULL) {
        XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons);
        XENCONS_RING_IDX prod = ring->out_prod;
        XENCONS_RING_IDX used;

        mb(); /* read out_cons before reusing the slots it freed */
        used = prod - cons;
        if (used > sizeof(ring->out)) {
            ring_abandon(); /* the indices make no sense: never trust them again */
            return;
        }
        if (used == sizeof(ring->out)) {
            ring_notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            if (++stalls >= RING_STALL_LIMIT) {
                ring_abandon();
                return;
            }
            continue;
        }
        stalls = 0;
        while (n > 0 && used < sizeof(ring->out)) {
            ring->out[MASK_XENCONS_IDX(prod, ring->out)] = *s++;
            prod++;
            used++;
            n--;
        }
        wmb(); /* the bytes before the index that publishes them */
        WRITE_ONCE(ring->out_prod, prod);
    }
    ring_notify();
}

void console_flush(void)
{
    unsigned int stalls = 0;

    while (ring != NULL && (sinks & CONSOLE_SINK_RING) != 0) {
        XENCONS_RING_IDX cons = READ_ONCE(ring->out_cons);

        if (cons == READ_ONCE(ring->out_prod)) {
            return;
        }
        ring_notify();
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        if (READ_ONCE(ring->out_cons) == cons && ++stalls >= RING_STALL_LIMIT) {
            return;
        }
    }
}

void console_write(const char *s, size_t n)
{
    if ((sinks & CONSOLE_SINK_HYPERVISOR) != 0) {
        early_console_write(s, n);
    }
    if ((sinks & CONSOLE_SINK_RING) != 0) {
        console_ring_write(s, n);
    }
}
