/*
 * procs: a small process kernel on the validated PV MMU. Every process has
 * its own address space: an L4, L3, L2 and L1 built from the kernel's frames
 * (mmu_update writes into them while they are plain frames), pinned with
 * MMUEXT_PIN_L4_TABLE and loaded with MMUEXT_NEW_USER_BASEPTR whenever the
 * process runs. Its L4 holds two entries: its own memory (NPAGES pages at
 * USER_BASE, all demand-zero, filled in by the #PF handler with mmu_update)
 * and one shared, pinned, read-only mapping of the user programs' pages.
 * Processes enter the kernel by syscall (yield, exit, fork, wait, ...) or by
 * a #PF bounced onto the stack_switch stack; the kernel switches between them
 * by swapping the saved user registers and the user base pointer, and returns
 * with the iret hypercall. fork copies the parent's mappings read-only into a
 * new L4 (copy-on-write: the first write copies the frame with
 * MMUEXT_COPY_PAGE); exit switches away, unpins the L4 (which releases the
 * whole tree) and frees the frames.
 *
 * Without options it runs its ktest cases, yielding with AUDIT_MARK where the
 * hypervisor's MMU invariant checker should run. "bench=pf,<rounds>" and
 * "bench=fork,<forks>" run the perf/ benchmarks' loops and yield after every
 * batch with the number of operations done.
 */
#include <sdk/kernel.h>
#include <sdk/ktest.h>
#include <xen/callback.h>
#include "procs.h"

#define P   0x001UL
#define RW  0x002UL
#define US  0x004UL
#define ACC 0x020UL
#define TABLE (P | RW | US | ACC)
#define AUDIT_MARK 0x415544495400UL
#define MAX_PROCS 6
#define POOL_FRAMES 2048
#define MAX_FRAMES 8192
#define ERR_W 2UL

struct user_regs {
    unsigned long r15, r14, r13, r12, r10, r9, r8, rbp, rdi, rsi, rdx, rbx, rax, rcx, r11, rip, cs, rflags, rsp, ss;
};

enum state { FREE, RUNNABLE, WAITING, ZOMBIE };

struct proc {
    enum state state;
    int pid, parent, waiting_for;
    unsigned long l4, l3, l2, l1;     /* page-table pfns */
    unsigned long page[NPAGES];       /* pfn mapped at each page, 0 when none */
    unsigned long cow;                /* pages mapped read-only for copy-on-write */
    unsigned long status;
    struct user_regs regs;
};

extern char procs_syscall_entry[], procs_pf_entry[], user_text_start[], user_text_end[];
extern char u_worker[], u_probe[], u_forker[], u_toucher[];

static char kernel_stack[16384] __attribute__((aligned(16)));
static char shared_info_page[4096] __attribute__((aligned(4096)));
static struct proc procs[MAX_PROCS];
static struct proc *current;
static int next_pid = 1;
static unsigned long kernel_l4_mfn, user_text_l3;
static unsigned long next_pfn, pool_floor, free_pfns[POOL_FRAMES], nr_free, frames_in_use;
static unsigned char refs[MAX_FRAMES];

/* What the tests look at. */
static unsigned long switches, faults, zero_fills, cow_copies, cow_reuses, segvs, forks, audit_every;

static unsigned long mfn(unsigned long pfn)
{
    return pfn_to_mfn(pfn);
}

static long ext1(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
    mmuext_op_t op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void must(long rc, const char *what)
{
    if (rc != 0) {
        sdk_panic("procs: %s failed: %ld", what, rc);
    }
}

/* Entry idx of table pfn := val (mmu_update: a checked write, or a plain one while the frame is no table). */
static void set_entry(unsigned long table, unsigned int idx, unsigned long val)
{
    mmu_update_t req = { .ptr = (mfn(table) << 12) + idx * 8, .val = val };

    must(HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF), "mmu_update");
}

static void audit(void)
{
    _hypercall2(long, sched_op, SCHEDOP_yield, (void *)AUDIT_MARK);
}

/* A zeroed frame (MMUEXT_CLEAR_PAGE) from the free list or above the boot mapping, with one reference. */
static unsigned long alloc_frame(void)
{
    unsigned long pfn;

    if (nr_free > 0) {
        pfn = free_pfns[--nr_free];
    } else if (next_pfn > pool_floor) {
        pfn = --next_pfn;
    } else {
        sdk_panic("procs: out of frames");
    }
    must(ext1(MMUEXT_CLEAR_PAGE, mfn(pfn), 0), "clear_page");
    refs[pfn] = 1;
    frames_in_use++;
    return pfn;
}

static void put_frame(unsigned long pfn)
{
    if (--refs[pfn] == 0) {
        free_pfns[nr_free++] = pfn;
        frames_in_use--;
    }
}

static unsigned long user_pte(unsigned long pfn, int writable)
{
    return mfn(pfn) << 12 | P | US | (writable ? RW : 0);
}

/* The user programs' pages, read-only at their kernel addresses: one L3/L2/L1 chain all processes share. */
static void map_user_text(void)
{
    unsigned long va = (unsigned long)user_text_start, l3 = alloc_frame(), l2 = alloc_frame(), l1 = alloc_frame();

    if ((va >> 39 & 511) != 511 || (((unsigned long)user_text_end - 1) >> 21) != va >> 21) {
        sdk_panic("procs: user text at %#lx does not fit one L1", va);
    }
    set_entry(l3, va >> 30 & 511, mfn(l2) << 12 | TABLE);
    set_entry(l2, va >> 21 & 511, mfn(l1) << 12 | TABLE);
    for (; va < (unsigned long)user_text_end; va += 4096) {
        set_entry(l1, va >> 12 & 511, mfn(virt_to_pfn((void *)va)) << 12 | P | US);
    }
    must(ext1(MMUEXT_PIN_L3_TABLE, mfn(l3), 0), "pin the user text L3");
    user_text_l3 = l3;
}

/* A new address space for p: its L4 -> L3 -> L2 -> L1 for USER_BASE, the shared user text, pinned. */
static void new_space(struct proc *p)
{
    p->l4 = alloc_frame();
    p->l3 = alloc_frame();
    p->l2 = alloc_frame();
    p->l1 = alloc_frame();
    set_entry(p->l4, USER_BASE >> 39 & 511, mfn(p->l3) << 12 | TABLE);
    set_entry(p->l4, 511, mfn(user_text_l3) << 12 | TABLE);
    set_entry(p->l3, 0, mfn(p->l2) << 12 | TABLE);
    set_entry(p->l2, 0, mfn(p->l1) << 12 | TABLE);
}

static void pin_space(struct proc *p)
{
    must(ext1(MMUEXT_PIN_L4_TABLE, mfn(p->l4), 0), "pin L4");
}

/* Unpins p's L4 (the hypervisor drops the whole tree's references) and frees its frames. */
static void free_space(struct proc *p)
{
    unsigned int i;

    must(ext1(MMUEXT_UNPIN_TABLE, mfn(p->l4), 0), "unpin L4");
    put_frame(p->l4);
    put_frame(p->l3);
    put_frame(p->l2);
    put_frame(p->l1);
    for (i = 0; i < NPAGES; i++) {
        if (p->page[i]) {
            put_frame(p->page[i]);
            p->page[i] = 0;
        }
    }
}

static void load_user_space(unsigned long l4_mfn)
{
    must(ext1(MMUEXT_NEW_USER_BASEPTR, l4_mfn, 0), "new_user_baseptr");
}

static struct proc *free_slot(void)
{
    for (unsigned int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state == FREE) {
            memset(&procs[i], 0, sizeof(procs[i]));
            procs[i].pid = next_pid++;
            return &procs[i];
        }
    }
    return NULL;
}

static struct proc *spawn(void *entry, unsigned long arg)
{
    struct proc *p = free_slot();

    new_space(p);
    pin_space(p);
    p->state = RUNNABLE;
    p->parent = 0;
    p->regs.rip = (unsigned long)entry;
    p->regs.cs = 0xe033;
    p->regs.rflags = 0x202;
    p->regs.rsp = USER_BASE + NPAGES * 4096UL;
    p->regs.ss = 0xe02b;
    p->regs.rdi = arg;
    return p;
}

static struct proc *by_pid(int pid)
{
    for (unsigned int i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != FREE && procs[i].pid == pid) {
            return &procs[i];
        }
    }
    return NULL;
}

/* The next runnable process after current (current itself last), or NULL. */
static struct proc *pick_next(void)
{
    unsigned int start = current ? (unsigned int)(current - procs) : 0;

    for (unsigned int k = 1; k <= MAX_PROCS; k++) {
        struct proc *p = &procs[(start + k) % MAX_PROCS];

        if (p->state == RUNNABLE) {
            return p;
        }
    }
    return NULL;
}

/* Leaves the current process (its registers saved unless it is gone) for the next runnable one. */
static void schedule(struct user_regs *regs, int save)
{
    struct proc *next = pick_next();

    if (save) {
        current->regs = *regs;
    }
    if (next == NULL) {
        current = NULL;
        load_user_space(kernel_l4_mfn);
        sdk_user_exit(0);
    }
    if (next != current) {
        switches++;
        load_user_space(mfn(next->l4));
        if (audit_every && switches % audit_every == 0) {
            audit();
        }
    }
    current = next;
    *regs = next->regs;
}

static void sys_exit(struct user_regs *regs, unsigned long status)
{
    struct proc *p = current, *parent = by_pid(p->parent);

    p->status = status;
    p->state = ZOMBIE;
    if (parent && parent->state == WAITING && parent->waiting_for == p->pid) {
        parent->regs.rax = status;
        parent->state = RUNNABLE;
        p->state = FREE;
    } else if (!parent) {
        p->state = FREE;
    }
    /* Off its page tables before they go. */
    load_user_space(kernel_l4_mfn);
    free_space(p);
    schedule(regs, 0);
}

/* A child with a copy of the parent's memory: every page shared read-only, copied on the first write. */
static long sys_fork(struct user_regs *regs)
{
    struct proc *parent = current, *child = free_slot();
    mmu_update_t req[NPAGES];
    unsigned int i, n = 0;

    if (child == NULL) {
        return -XEN_EAGAIN;
    }
    new_space(child);
    for (i = 0; i < NPAGES; i++) {
        if (parent->page[i]) {
            req[n].ptr = (mfn(parent->l1) << 12) + i * 8;
            req[n++].val = user_pte(parent->page[i], 0);
            set_entry(child->l1, i, user_pte(parent->page[i], 0));
            child->page[i] = parent->page[i];
            refs[parent->page[i]]++;
        }
    }
    must(HYPERVISOR_mmu_update(req, n, NULL, DOMID_SELF), "mmu_update (write-protect the parent)");
    must(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), "tlb_flush_local");
    parent->cow = child->cow = (1UL << NPAGES) - 1;
    pin_space(child);
    child->regs = *regs;
    child->regs.rax = 0;
    child->parent = parent->pid;
    child->state = RUNNABLE;
    forks++;
    return child->pid;
}

static void sys_wait(struct user_regs *regs, int pid)
{
    struct proc *child = by_pid(pid);

    if (child == NULL || child->parent != current->pid) {
        regs->rax = (unsigned long)-XEN_ECHILD;
    } else if (child->state == ZOMBIE) {
        regs->rax = child->status;
        child->state = FREE;
    } else {
        current->state = WAITING;
        current->waiting_for = pid;
        schedule(regs, 1);
    }
}

/* Unmaps and frees all of the current process's pages (one mmu_update batch, one flush). */
static void sys_release(void)
{
    mmu_update_t req[NPAGES];
    unsigned int i, n = 0;

    for (i = 0; i < NPAGES; i++) {
        if (current->page[i]) {
            req[n].ptr = (mfn(current->l1) << 12) + i * 8;
            req[n++].val = 0;
        }
    }
    must(HYPERVISOR_mmu_update(req, n, NULL, DOMID_SELF), "mmu_update (release)");
    must(ext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), "tlb_flush_local");
    for (i = 0; i < NPAGES; i++) {
        if (current->page[i]) {
            put_frame(current->page[i]);
            current->page[i] = 0;
        }
    }
    current->cow = 0;
}

/* The address of the last #PF, from vcpu_info.arch.cr2. */
static unsigned long fault_address(void)
{
    return ((volatile shared_info_t *)shared_info_page)->vcpu_info[0].arch.cr2;
}

/* Demand-zero and copy-on-write; any other fault kills the process. */
static void page_fault(struct user_regs *regs, unsigned long error_code)
{
    unsigned long va = fault_address(), idx = (va - USER_BASE) >> 12, old, copy;
    struct proc *p = current;

    faults++;
    if (va < USER_BASE || idx >= NPAGES) {
        segvs++;
        sys_exit(regs, STATUS_SEGV);
        return;
    }
    if (!p->page[idx]) {
        p->page[idx] = alloc_frame();
        set_entry(p->l1, idx, user_pte(p->page[idx], 1));
        zero_fills++;
        return;
    }
    if (!(error_code & ERR_W) || !(p->cow >> idx & 1)) {
        segvs++;
        sys_exit(regs, STATUS_SEGV);
        return;
    }
    old = p->page[idx];
    if (refs[old] == 1) {
        cow_reuses++;
    } else {
        copy = alloc_frame();
        must(ext1(MMUEXT_COPY_PAGE, mfn(copy), mfn(old)), "copy_page");
        p->page[idx] = copy;
        put_frame(old);
        cow_copies++;
    }
    p->cow &= ~(1UL << idx);
    set_entry(p->l1, idx, user_pte(p->page[idx], 1));
    must(ext1(MMUEXT_INVLPG_LOCAL, va & ~0xfffUL, 0), "invlpg_local");
}

/* From entry.S: vector 0 is a system call, 14 a page fault; regs may become another process's. */
void trap_dispatch(struct user_regs *regs, unsigned long vector, unsigned long error_code)
{
    if (vector == 14) {
        page_fault(regs, error_code);
        return;
    }
    switch (regs->rax) {
    case SYS_YIELD:
        regs->rax = 0;
        schedule(regs, 1);
        break;
    case SYS_EXIT:
        sys_exit(regs, regs->rdi);
        break;
    case SYS_FORK:
        regs->rax = (unsigned long)sys_fork(regs);
        break;
    case SYS_WAIT:
        sys_wait(regs, (int)regs->rdi);
        break;
    case SYS_GETPID:
        regs->rax = (unsigned long)current->pid;
        break;
    case SYS_REPORT:
        _hypercall2(long, sched_op, SCHEDOP_yield, (void *)regs->rdi);
        regs->rax = 0;
        break;
    case SYS_RELEASE:
        sys_release();
        regs->rax = 0;
        break;
    default:
        regs->rax = (unsigned long)-XEN_ENOSYS;
    }
}

/* Runs the runnable processes, first one first, until none is left. */
static void run(struct proc *first)
{
    current = first;
    load_user_space(mfn(first->l4));
    sdk_user_enter((void *)first->regs.rip, first->regs.rsp, first->regs.rdi);
}

static void two_processes(void)
{
    unsigned long in_use = frames_in_use, f0 = faults, s0 = switches;
    struct proc *a = spawn(u_worker, 0xa000000000UL | 6), *b = spawn(u_worker, 0xb000000000UL | 4);

    kt_group("two processes");
    kt_check(a->l4 != b->l4 && a->l1 != b->l1, "each process has its own L4 and tables", "MMUEXT_PIN_L4_TABLE", "");
    audit_every = 4;
    run(a);
    audit_every = 0;
    kt_eq(a->status, 0, "process A kept its data across every switch", "its own pages and L4");
    kt_eq(b->status, 0, "process B kept its data and read zeroes where A wrote", "a separate address space");
    kt_check(switches - s0 >= 16, "the processes switched at every yield", "MMUEXT_NEW_USER_BASEPTR per switch", "");
    kt_eq(faults - f0, 14, "every first touch was a #PF the kernel handled", "demand-zero: 6 data pages and the stack each");
    kt_eq(frames_in_use, in_use, "every frame came back after both exited", "unpin releases the tree");
}

/* One process touching address (read, or write when write is 1): returns its exit status. */
static unsigned long probe(unsigned long address, int write)
{
    struct proc *p = spawn(u_probe, address | (unsigned long)write);

    run(p);
    return p->status;
}

static void protection(void)
{
    unsigned long in_use = frames_in_use;

    kt_group("protection");
    kt_eq(probe((unsigned long)&next_pid & ~7UL, 0), STATUS_SEGV, "a process cannot read the kernel's data", "not in its L4");
    kt_eq(probe((unsigned long)kernel_stack, 1), STATUS_SEGV, "nor write the kernel's stack", "not in its L4");
    kt_eq(probe((unsigned long)u_probe, 1), STATUS_SEGV, "nor write the shared user text", "mapped read-only");
    kt_eq(probe(USER_BASE + NPAGES * 4096UL, 0), STATUS_SEGV, "nor touch memory beyond its own", "not mapped");
    kt_eq(probe(USER_BASE + 4096, 1), 0, "its own memory is demand-zero", "the #PF handler maps it");
    kt_eq(frames_in_use, in_use, "every frame came back", "free_space");
}

static void fork_and_exit(unsigned long n)
{
    unsigned long in_use = frames_in_use, f0 = forks, c0 = cow_copies, r0 = cow_reuses;
    struct proc *parent = spawn(u_forker, n);

    kt_group("fork and exit");
    run(parent);
    kt_eq(parent->status, 0, "every child saw the parent's memory, wrote its own copy, exited", "copy-on-write");
    kt_eq(forks - f0, n, "each fork made a child with a new pinned L4", "MMUEXT_PIN_L4_TABLE");
    kt_eq(cow_copies - c0, n, "each child's write copied the shared page", "MMUEXT_COPY_PAGE");
    kt_eq(cow_reuses - r0, 0, "the parent never wrote after forking", "no copy needed");
    kt_eq(frames_in_use, in_use, "every child's frames came back", "MMUEXT_UNPIN_TABLE and free");
}

static unsigned long option_count(const char *spec)
{
    while (*spec && *spec != ',') {
        spec++;
    }
    return *spec ? sdk_parse_ulong(spec + 1) : 100;
}

void kernel_main(start_info_t *si)
{
    const char *bench = sdk_cmdline_option("bench=");
    static trap_info_t traps[] = { { 14, 4, 0xe030, (unsigned long)procs_pf_entry }, { 0, 0, 0, 0 } };
    callback_register_t reg = { .type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
                                .address = (unsigned long)procs_syscall_entry };

    kernel_l4_mfn = mfn(virt_to_pfn((void *)si->pt_base));
    next_pfn = si->nr_pages;
    pool_floor = si->nr_pages - POOL_FRAMES;
    if (si->nr_pages > MAX_FRAMES) {
        sdk_panic("procs: more than %d frames", MAX_FRAMES);
    }
    must(HYPERVISOR_update_va_mapping((unsigned long)shared_info_page, si->shared_info | P | RW,
                                      UVMF_INVLPG | UVMF_LOCAL), "map shared_info");
    must(_hypercall1(long, set_trap_table, traps), "set_trap_table");
    must(_hypercall2(long, callback_op, CALLBACKOP_register, &reg), "callback_op");
    must(_hypercall2(long, stack_switch, 0xe02b, (unsigned long)kernel_stack + sizeof(kernel_stack)), "stack_switch");
    map_user_text();
    if (bench && strncmp(bench, "pf", 2) == 0) {
        run(spawn(u_toucher, option_count(bench)));
    } else if (bench && strncmp(bench, "fork", 4) == 0) {
        run(spawn(u_forker, option_count(bench) | 1UL << 32));
    } else if (bench) {
        sdk_panic("procs: unknown benchmark %s", bench);
    }
    printf("procs: start\n");
    audit();
    two_processes();
    audit();
    protection();
    audit();
    fork_and_exit(sdk_cmdline_ulong((const char *)si->cmd_line, "forks", 20));
    audit();
    kt_summary();
    printf("procs: done\n");
    sdk_shutdown(SHUTDOWN_poweroff);
}
