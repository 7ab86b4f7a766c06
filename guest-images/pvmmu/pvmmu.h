/*
 * pvmmu: shared declarations of the PV MMU tests.
 *
 * The guest builds its own test address space at TEST_VA (L4 slot 64): an L3,
 * an L2 and an L1 taken from frames above the boot mapping, linked into the
 * boot L4 with mmu_update. Slots of that L1 are "windows": update_va_mapping
 * points one at any frame, read-only or writable, to look at or change it.
 */
#ifndef PVMMU_H
#define PVMMU_H

#include <sdk/kernel.h>
#include <sdk/ktest.h>

#define P   0x001UL
#define RW  0x002UL
#define US  0x004UL
#define PWT 0x008UL
#define PCD 0x010UL
#define ACC 0x020UL
#define DIRTY 0x040UL
#define PSE 0x080UL
#define GLB 0x100UL
#define GUEST_KERNEL (1UL << 52)
#define GNTTAB (1UL << 62)
#define NX  (1UL << 63)
#define ADDR_MASK 0x000ffffffffff000UL

#define TEST_SLOT 64
#define TEST_VA   ((unsigned long)TEST_SLOT << 39)
#define WINDOW(k) (TEST_VA + (unsigned long)(k) * 4096)
#define NON_CANONICAL_VA 0x0000800000000000UL
#define HYPERVISOR_VA    0xffff800000000000UL
#define UNMAPPED_VA      0x0000300000000000UL

/* Frames and tables the suite set up. */
extern unsigned long l4_mfn;      /* the boot L4 */
extern unsigned long t3, t2, t1;  /* the test region's L3, L2, L1 */
extern int self_domid;

/* A fresh frame of ours, outside the boot mapping, never mapped, zero. */
unsigned long alloc_mfn(void);
/* mmu_update of one entry (ptr = machine address | cmd). */
long mmu1(unsigned long ptr, unsigned long val);
long mmu1_dom(unsigned long ptr, unsigned long val, unsigned int foreigndom);
/* One mmuext_op. */
long ext1(unsigned int cmd, unsigned long arg1, unsigned long arg2);
long ext1_dom(unsigned int cmd, unsigned long arg1, unsigned long arg2, unsigned int foreigndom);
long uvm(unsigned long va, unsigned long val, unsigned long flags);
long uvm_other(unsigned long va, unsigned long val, unsigned long flags, unsigned int domid);
/* Window k onto frame mfn with flags (UVMF_INVLPG); 0 or -errno. */
long window(unsigned int k, unsigned long mfn, unsigned long flags);
void unwindow(unsigned int k);
/* Entry idx of table mfn, read through a read-only window. */
unsigned long entry_of(unsigned long mfn, unsigned int idx);
/* A yield whose (ignored) argument is AUDIT_MARK: the test harness runs the hypervisor's checker there. */
#define AUDIT_MARK 0x415544495400UL
void audit(void);

void setup_tests(void);
void uvm_tests(void);
void mmu_update_tests(void);
void mmuext_tests(void);
void table_tests(void);
void hostile_tests(void);
void ptwr_tests(void);
void run_bench(const char *spec);
void run_loop(const char *spec);

#endif
