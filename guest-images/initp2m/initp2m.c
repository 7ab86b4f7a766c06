/*
 * initp2m: a guest that asks, as Linux does, for its P2M list at the
 * INIT_P2M address and for its ramdisk by frame number (MOD_START_PFN), and
 * checks from the inside what the domain builder gave it: start_info's
 * mfn_list, first_p2m_pfn and nr_p2m_frames; every P2M entry, read through
 * the list's own page tables, against the hypervisor's read-only M2P; that
 * the list is writable (it is the guest's); and where the ramdisk is. The
 * host's test computes the expected lines from the layout it built.
 */
#include <sdk/kernel.h>

void kernel_main(start_info_t *si)
{
    volatile unsigned long *p2m = (volatile unsigned long *)si->mfn_list;
    unsigned long agree = 0;

    printf("mfn_list=0x%lx first_p2m_pfn=0x%lx nr_p2m_frames=%lu\n", si->mfn_list, si->first_p2m_pfn,
           si->nr_p2m_frames);
    for (unsigned long pfn = 0; pfn < si->nr_pages; pfn++) {
        if (machine_to_phys_mapping[p2m[pfn]] == pfn) {
            agree++;
        }
    }
    printf("p2m and m2p agree on %lu of %lu pages\n", agree, si->nr_pages);
    p2m[si->nr_pages - 1] = p2m[si->nr_pages - 1];
    printf("p2m list writable\n");
    if (si->flags & SIF_MOD_START_PFN) {
        printf("ramdisk: pfn 0x%lx, %lu bytes\n", si->mod_start, si->mod_len);
    } else if (si->mod_len) {
        printf("ramdisk: at 0x%lx, %lu bytes\n", si->mod_start, si->mod_len);
    } else {
        printf("ramdisk: none\n");
    }
    printf("initp2m: done\n");
}
