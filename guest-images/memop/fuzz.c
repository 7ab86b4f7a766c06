/*
 * memop: "fuzz=<seed>" runs random memory_op sequences (reservations, populate, exchange, with
 * frames of its own, of the boot image, of other domains and of nobody, and orders, counts and
 * start extents at and past every limit); the host then checks the accounting and that every
 * frame comes back when the domain goes.
 */
#include "memop.h"

#define OPS   3000
#define SLOTS 64

static unsigned long state;
static unsigned long done_extents[3], exchanges;
static unsigned long frames[SLOTS];

static unsigned long next(void)
{
    state = state * 6364136223846793005UL + 1442695040888963407UL;
    return state >> 17;
}

/* A frame number a hostile guest might name. */
static unsigned long some_frame(void)
{
    switch (next() % 6) {
    case 0:
    case 1:
        return frames[next() % SLOTS];
    case 2:
        return pfn_to_mfn(next() % si->nr_pages);
    case 3:
        return next() % (max_ram_page + 16);
    case 4:
        return next() % 8 == 0 ? si->shared_info >> 12 : frames[next() % SLOTS] + 1;
    default:
        return next();
    }
}

static unsigned int some_order(void)
{
    static const unsigned int orders[] = { 0, 0, 0, 1, 2, 3, 9, 10, 63, 0xffffffffu };

    return orders[next() % ARRAY_SIZE(orders)];
}

static unsigned long some_count(void)
{
    static const unsigned long counts[] = { 0, 1, 1, 2, 3, 8, 100, 0x3ffffff, 0x4000000, ~0UL };

    return counts[next() % ARRAY_SIZE(counts)];
}

static unsigned long *some_list(unsigned long *list)
{
    switch (next() % 10) {
    case 0:
        return NULL;
    case 1:
        return (unsigned long *)UNMAPPED_VA;
    case 2:
        return (unsigned long *)HYPERVISOR_VA;
    case 3:
        return (unsigned long *)NON_CANONICAL_VA;
    default:
        return list;
    }
}

static unsigned short some_domid(void)
{
    static const unsigned short ids[] = { DOMID_SELF, DOMID_SELF, DOMID_SELF, 0, 1, 2, NO_SUCH_DOMAIN, DOMID_INVALID };
    unsigned short id = ids[next() % ARRAY_SIZE(ids)];

    return id == 2 ? other_domid : id;
}

static void remember(const unsigned long *list, unsigned long n)
{
    for (unsigned long i = 0; i < n && i < 8; i++) {
        frames[next() % SLOTS] = list[i];
    }
}

static void one_op(void)
{
    static unsigned long list[8], out[8];
    unsigned long cmd, start = next() % 4 == 0 ? next() % 4 : 0;
    unsigned long n = some_count();
    unsigned long nr = si->nr_pages;
    long rc;

    for (int i = 0; i < 8; i++) {
        list[i] = next() % 2 ? some_frame() : nr + next() % 4096;
        out[i] = nr + next() % 4096;
    }
    unsigned long *where = some_list(list);

    if (where == list && n > 8) {
        n = 8;
    }
    switch (next() % 5) {
    case 0:
        cmd = XENMEM_increase_reservation | start << EXTENT_SHIFT;
        rc = reservation(cmd, where, n, some_order(), next() % 4 == 0 ? (unsigned int)next() : 0, some_domid());
        break;
    case 1:
        cmd = XENMEM_decrease_reservation | start << EXTENT_SHIFT;
        rc = reservation(cmd, where, n, some_order(), 0, some_domid());
        break;
    case 2:
        cmd = XENMEM_populate_physmap | start << EXTENT_SHIFT;
        rc = reservation(cmd, where, n, some_order(), next() % 4 == 0 ? (unsigned int)next() : 0, some_domid());
        break;
    case 3: {
        unsigned int order = some_order();
        struct xen_memory_exchange e = {
            .in = { .extent_start = where, .nr_extents = n > 8 ? 8 : n, .extent_order = next() % 2 ? 0 : order,
                    .domid = some_domid() },
            .out = { .extent_start = some_list(out), .nr_extents = next() % 8, .extent_order = next() % 2 ? 0 : some_order(),
                     .mem_flags = next() % 4 == 0 ? (unsigned int)next() : 0, .domid = DOMID_SELF },
            .nr_exchanged = next() % 4 == 0 ? next() % 8 : 0,
        };
        if (next() % 2) {
            e.out.domid = e.in.domid;
        }
        if (next() % 2) {
            /* A well-formed one, of frames it may well own. */
            list[0] = frames[next() % SLOTS];
            e.in = (struct xen_memory_reservation){ .extent_start = list, .nr_extents = 1, .domid = DOMID_SELF };
            e.out = (struct xen_memory_reservation){ .extent_start = out, .nr_extents = 1, .domid = DOMID_SELF };
            e.nr_exchanged = 0;
        }
        rc = memory_op(XENMEM_exchange | (next() % 8 == 0 ? 1UL << EXTENT_SHIFT : 0), &e);
        if (rc == 0 && e.nr_exchanged > 0) {
            exchanges++;
            remember(out, 8);
        }
        return;
    }
    default: {
        struct xen_memory_domain d = { .domid = some_domid() };
        rc = memory_op(next() % 3 + XENMEM_maximum_ram_page, &d);
        return;
    }
    }
    if (rc > (long)start && rc < 0x4000000) {
        done_extents[cmd & 3] += (unsigned long)rc - start;
    }
    if (rc > 0 && where == list && cmd != (XENMEM_decrease_reservation | start << EXTENT_SHIFT)) {
        remember(list, (unsigned long)rc);
    }
}

void fuzz(unsigned long seed)
{
    long max = (long)si->nr_pages + 256;
    long cur;

    state = seed;
    max_ram_page = (unsigned long)memory_op(XENMEM_maximum_ram_page, NULL);
    for (int i = 0; i < SLOTS; i++) {
        frames[i] = pfn_to_mfn(next() % si->nr_pages);
    }
    for (int i = 0; i < OPS; i++) {
        one_op();
    }
    cur = current_reservation(DOMID_SELF);
    printf("fuzz: %d operations (extents: %lu increased, %lu decreased, %lu populated; %lu exchanges), "
           "reservation %ld of %ld\n", OPS, done_extents[0], done_extents[1], done_extents[2], exchanges, cur, max);
    printf("# fuzz_reservation=%#lx\n", (unsigned long)cur);
}
