/*
 * The SMP guest: a 4-vCPU PV kernel. vCPU 0 checks VCPUOP's errors on
 * offline vCPUs and hostile contexts (bad vCPU ids, initialise twice, bad
 * CR3, selectors, LDT, GDT, debug registers), brings vCPUs 1-3 up with
 * VCPUOP_initialise and VCPUOP_up, then drives them through phases:
 *
 *   atomics  every vCPU runs the LOCK-prefixed workload of atomics.c at once;
 *   timers   each secondary arms its own single-shot timer and blocks: its
 *            VIRQ_TIMER port (bound on it) must wake it, on it;
 *   ipis     vCPU 0 sends an IPI to each secondary, each secondary one to
 *            vCPU 0 in turn, and a loopback interdomain port moved with bind_vcpu
 *            must raise its upcall on vCPU 2;
 *   tlb      secondaries read a page whose mapping vCPU 0 switches between
 *            two frames with UVMF_ALL, MMUEXT_TLB_FLUSH_MULTI, INVLPG_MULTI,
 *            a UVMF vCPU mask and INVLPG_ALL: once vCPU 0's hypercall
 *            returns, no secondary may read the old frame;
 *   down/up  vCPU 3 is taken down (it stops making progress, is_up is 0, its
 *            runstate is offline) and brought up again (it resumes).
 *
 * Each vCPU finds its own data through its kernel GS base (the context's
 * gs_base_kernel; set_segment_base for vCPU 0), and takes only the ports it
 * owns from the 2-level bitmaps. At the end the secondaries take themselves
 * down and vCPU 0, the last one up, takes itself down: the domain powers
 * off, as Xen does. With "hold" on the command line vCPU 0 prints "# held"
 * once all are up and every vCPU spins: the host destroys the domain.
 */
#include "smp.h"
#include <sdk/events.h>
#include <sdk/ktest.h>
#include <sdk/string.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>

#define STACK_SIZE      16384
#define ATOMIC_ROUNDS   20000
#define TIMEOUT_NS      20000000000UL
#define PTE_PRESENT_RW  0x3UL
#define PTE_NX          (1UL << 63)
#define TLB_READS       2000

struct percpu {
    struct percpu *self;              /* %gs:0 */
    unsigned int id;
    struct vcpu_info *vi;
    volatile unsigned long my_ports;  /* ports 1-63 this vCPU takes */
    volatile unsigned long upcalls;
    volatile unsigned long timer_hits;
    volatile unsigned long ipi_hits;
    volatile unsigned long moved_hits;
    volatile unsigned long progress;
    volatile unsigned long phase_done;
    volatile unsigned long tlb_stale;
    volatile unsigned long tlb_reads;
    volatile unsigned int cs;
    evtchn_port_t timer_port, ipi_port;
};

enum phase { PHASE_WAIT, PHASE_ATOMICS, PHASE_TIMER, PHASE_IPI, PHASE_TLB, PHASE_SPIN, PHASE_DOWN, PHASE_NMI };

static struct percpu percpu[SMP_VCPUS];
static char stacks[SMP_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t ctxt;
static struct vcpu_info vcpu3_info __attribute__((aligned(64)));
static volatile int phase;
static volatile unsigned long tlb_sequence;
static unsigned long tlb_expected[8];
static char tlb_a[4096] __attribute__((aligned(4096)));
static char tlb_b[4096] __attribute__((aligned(4096)));
static char tlb_window[4096] __attribute__((aligned(4096)));
static evtchn_port_t ipi_to_vcpu0;
static evtchn_port_t moved_port, moved_peer;

extern char smp_secondary_entry[];
extern char sdk_event_entry[];
void smp_secondary_main(unsigned int id);
/* NMIs vCPU 1's callback (smp_entry.S) has taken; armed once it is registered and about to block. */
volatile unsigned long smp_nmi_hits;
static volatile unsigned long nmi_armed;
extern char smp_nmi_entry[];

static struct percpu *this_cpu(void)
{
    struct percpu *me;
    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(me));
    return me;
}

/* The upcall on any vCPU (sdk_event_handler): takes the ports this vCPU owns that are pending and not masked. */
static void smp_event_dispatch(void)
{
    struct percpu *me = this_cpu();
    struct vcpu_info *vi = me->vi;
    struct shared_info *s = sdk_shared_info;

    me->upcalls++;
    vi->evtchn_upcall_pending = 0;
    barrier();
    unsigned long sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (!(sel & 1)) {
        return;
    }
    unsigned long ready = s->evtchn_pending[0] & ~s->evtchn_mask[0] & me->my_ports;
    for (; ready; ready &= ready - 1) {
        unsigned int port = __builtin_ctzl(ready);
        __atomic_fetch_and(&s->evtchn_pending[0], ~(1UL << port), __ATOMIC_SEQ_CST);
        if (port == me->timer_port) {
            me->timer_hits++;
        } else if (port == me->ipi_port) {
            me->ipi_hits++;
        } else if (port == moved_port) {
            me->moved_hits++;
        }
    }
}

static unsigned long l4_mfn(void)
{
    return pfn_to_mfn(virt_to_pfn((void *)sdk_start_info->pt_base));
}

static unsigned long mfn_of(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

/* A context that starts vCPU `id` at smp_secondary_entry on its own stack, in kernel mode. */
static vcpu_guest_context_t *context_for(unsigned int id)
{
    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel;
    ctxt.user_regs.rip = (unsigned long)smp_secondary_entry;
    ctxt.user_regs.rsp = (unsigned long)&stacks[id][STACK_SIZE];
    ctxt.user_regs.rdi = id;
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.user_regs.rflags = 0x200;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = (unsigned long)&stacks[id][STACK_SIZE];
    ctxt.ctrlreg[3] = xen_pfn_to_cr3(l4_mfn());
    ctxt.event_callback_eip = (unsigned long)sdk_event_entry;
    ctxt.gs_base_kernel = (unsigned long)&percpu[id];
    return &ctxt;
}

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static long initialise(unsigned int id, vcpu_guest_context_t *c)
{
    return vcpu_op(VCPUOP_initialise, id, c);
}

/* Spins until *word >= want or the timeout passes; 1 when reached. */
static int wait_for(volatile unsigned long *word, unsigned long want)
{
    uint64_t deadline = sdk_system_time() + TIMEOUT_NS;
    while (*word < want) {
        if (sdk_system_time() > deadline) {
            return 0;
        }
        __asm__ __volatile__("pause");
    }
    return 1;
}

/* Starts `next` on every secondary and waits until each has finished it. */
static int run_phase(int next)
{
    unsigned long before[SMP_VCPUS];
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        before[id] = percpu[id].phase_done;
    }
    __atomic_store_n(&phase, next, __ATOMIC_SEQ_CST);
    int all = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        all &= wait_for(&percpu[id].phase_done, before[id] + 1);
    }
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
    return all;
}

static void block_until(volatile unsigned long *word, unsigned long want)
{
    while (*word < want) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
}

static void send(evtchn_port_t port)
{
    struct evtchn_send op = { .port = port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

/*
 * Reads the window while vCPU 0 remaps it. tlb_sequence is odd while a
 * remap and its flush are under way and 2g once generation g's flush has
 * returned: a read between two equal even values must see that generation's
 * frame.
 */
static void secondary_tlb_reads(struct percpu *me)
{
    unsigned long reads = 0;
    while (phase == PHASE_TLB) {
        unsigned long before = __atomic_load_n(&tlb_sequence, __ATOMIC_ACQUIRE);
        unsigned long seen = *(volatile unsigned long *)tlb_window;
        unsigned long after = __atomic_load_n(&tlb_sequence, __ATOMIC_ACQUIRE);
        if (before == after && before && !(before & 1) && seen != tlb_expected[before / 2]) {
            me->tlb_stale++;
        }
        me->tlb_reads = ++reads;
    }
}

void smp_secondary_main(unsigned int id)
{
    struct percpu *me = this_cpu();
    unsigned short cs;
    __asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
    me->cs = cs;
    me->vi->evtchn_upcall_mask = 0;
    for (;;) {
        int now = __atomic_load_n(&phase, __ATOMIC_ACQUIRE);
        unsigned long done = me->phase_done;
        switch (now) {
        case PHASE_ATOMICS:
            smp_atomics_run(id, ATOMIC_ROUNDS);
            break;
        case PHASE_TIMER: {
            struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = sdk_system_time() + 2000000, .flags = 0 };
            unsigned long hits = me->timer_hits;
            if (vcpu_op(VCPUOP_set_singleshot_timer, id, &t) == 0) {
                block_until(&me->timer_hits, hits + 1);
            }
            break;
        }
        case PHASE_IPI:
            block_until(&me->ipi_hits, 1);
            /* One at a time: sends on one port while it is still pending coalesce, as in Xen. */
            wait_for(&percpu[0].ipi_hits, id - 1);
            send(ipi_to_vcpu0);
            if (id == 2) {
                block_until(&me->moved_hits, 1);
            }
            break;
        case PHASE_TLB:
            secondary_tlb_reads(me);
            break;
        case PHASE_NMI:
            if (id == 1) {
                callback_register_t reg = { .type = CALLBACKTYPE_nmi, .address = (unsigned long)smp_nmi_entry };
                if (HYPERVISOR_callback_op(CALLBACKOP_register, &reg) == 0) {
                    nmi_armed = 1;
                    block_until(&smp_nmi_hits, 1);
                }
                callback_unregister_t unreg = { .type = CALLBACKTYPE_nmi };
                HYPERVISOR_callback_op(CALLBACKOP_unregister, &unreg);
            }
            break;
        case PHASE_SPIN:
            while (phase == PHASE_SPIN) {
                me->progress++;
            }
            break;
        case PHASE_DOWN:
            me->phase_done = done + 1;
            vcpu_op(VCPUOP_down, id, NULL);
            continue;
        default:
            me->progress++;
            continue;
        }
        me->phase_done = done + 1;
        while (phase == now) {
            __asm__ __volatile__("pause");
        }
    }
}

static void hostile_ids(void)
{
    kt_group("vcpu ids");
    static const unsigned int bad[] = {4, 5, 31, 32, 33, 127, 128, 129, 4096, 65535, 65536, 0x7fffffff,
                                       0x80000000, 0xfffffffe, 0xffffffff};
    vcpu_runstate_info_t rs;
    unsigned int wrong = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        wrong += initialise(bad[i], context_for(1)) != -XEN_ENOENT;
        wrong += vcpu_op(VCPUOP_up, bad[i], NULL) != -XEN_ENOENT;
        wrong += vcpu_op(VCPUOP_down, bad[i], NULL) != -XEN_ENOENT;
        wrong += vcpu_op(VCPUOP_is_up, bad[i], NULL) != -XEN_ENOENT;
        wrong += vcpu_op(VCPUOP_get_runstate_info, bad[i], &rs) != -XEN_ENOENT;
        wrong += vcpu_op(VCPUOP_stop_periodic_timer, bad[i], NULL) != -XEN_ENOENT;
    }
    for (unsigned long id = 4; id <= 0xffffffffUL; id = id * 3 + 1) {
        wrong += vcpu_op(VCPUOP_is_up, (unsigned int)id, NULL) != -XEN_ENOENT;
    }
    kt_eq(wrong, 0, "every op on vCPU ids 4..2^32-1 fails", "-ENOENT past max_vcpus (domain_vcpu)");
    kt_eq(vcpu_op(VCPUOP_is_up, 0, NULL), 1, "vCPU 0 is up", "VCPUOP_is_up");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_eq(vcpu_op(VCPUOP_is_up, id, NULL), 0, "secondary starts down", "_VPF_down until VCPUOP_up");
    }
    kt_eq(vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0, "runstate of an offline vCPU", "VCPUOP_get_runstate_info");
    kt_eq(rs.state, RUNSTATE_offline, "an offline vCPU's runstate", "RUNSTATE_offline");
    kt_eq(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL, "up before initialise", "-EINVAL: not is_initialised");
    kt_eq(initialise(0, context_for(0)), -XEN_EEXIST, "initialise vCPU 0", "-EEXIST: already initialised");
}

static void hostile_contexts(void)
{
    kt_group("initialise");
    kt_eq(initialise(1, NULL), -XEN_EFAULT, "context at 0", "-EFAULT: copy_from_guest");
    kt_eq(initialise(1, (void *)0xffff800000000000UL), -XEN_EFAULT, "context in Xen's range", "-EFAULT");
    kt_eq(initialise(1, (void *)0x1000), -XEN_EFAULT, "context at an unmapped address", "-EFAULT");

    vcpu_guest_context_t *c;
    c = context_for(1); c->user_regs.rip = 0x0000800000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical RIP", "-EINVAL: is_canonical_address");
    c = context_for(1); c->user_regs.rsp = 0x8000000000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical RSP", "-EINVAL");
    c = context_for(1); c->kernel_sp = 0x00ff000000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical kernel_sp", "-EINVAL");
    c = context_for(1); c->event_callback_eip = 0x0001000000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical event callback", "-EINVAL");
    c = context_for(1); c->gs_base_user = 0x0000900000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical GS base", "-EINVAL");
    c = context_for(1); c->trap_ctxt[14].address = 0x0000800000000000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "non-canonical trap handler", "-EINVAL");
    c = context_for(1); c->debugreg[7] = 1UL << 32;
    kt_eq(initialise(1, c), -XEN_EINVAL, "DR7 with upper bits", "-EINVAL");
    c = context_for(1); c->debugreg[0] = 0xffff800000001000UL;
    kt_eq(initialise(1, c), -XEN_EINVAL, "DR0 in Xen's range", "-EINVAL: breakpoint_addr_ok");
    c = context_for(1); c->ldt_base = (unsigned long)tlb_a + 8; c->ldt_ents = 1;
    kt_eq(initialise(1, c), -XEN_EINVAL, "unaligned LDT", "-EINVAL");
    c = context_for(1); c->ldt_base = (unsigned long)tlb_a; c->ldt_ents = 8193;
    kt_eq(initialise(1, c), -XEN_EINVAL, "LDT of 8193 entries", "-EINVAL");
    c = context_for(1); c->gdt_ents = 16 * 512 + 1;
    kt_eq(initialise(1, c), -XEN_EINVAL, "17 GDT frames", "-EINVAL");
    c = context_for(1); c->gdt_ents = 14 * 512 + 1;
    kt_eq(initialise(1, c), -XEN_EINVAL, "GDT into Xen's reserved entries", "-EINVAL: pv_set_gdt");
    c = context_for(1); c->gdt_ents = 1; c->gdt_frames[0] = mfn_of(tlb_a);
    kt_eq(initialise(1, c), -XEN_EINVAL, "GDT frame mapped writable", "-EINVAL: not a descriptor page");
    c = context_for(1); c->flags = 0;
    kt_eq(initialise(1, c), -XEN_EINVAL, "user mode without a user L4", "-EINVAL: ctrlreg[1] is 0");
    c = context_for(1); c->ctrlreg[3] = 0;
    kt_eq(initialise(1, c), -XEN_EINVAL, "CR3 of frame 0", "-EINVAL: get_page_from_mfn");
    c = context_for(1); c->ctrlreg[3] = xen_pfn_to_cr3(0xfffffffffUL);
    kt_eq(initialise(1, c), -XEN_EINVAL, "CR3 past machine memory", "-EINVAL");
    c = context_for(1); c->ctrlreg[3] = xen_pfn_to_cr3(mfn_of(tlb_a));
    kt_eq(initialise(1, c), -XEN_EINVAL, "CR3 of a writable data page", "-EINVAL: cannot be an L4");
    c = context_for(1); c->ctrlreg[1] = xen_pfn_to_cr3(mfn_of(tlb_b));
    kt_eq(initialise(1, c), -XEN_EINVAL, "user L4 of a writable data page", "-EINVAL");
    kt_eq(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "refused contexts leave the vCPU down", "no state kept");
    kt_eq(vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL, "refused contexts leave it uninitialised", "-EINVAL");
}

static void bring_up(void)
{
    kt_group("bring-up");
    struct vcpu_register_vcpu_info info = { .mfn = mfn_of(&vcpu3_info),
                                            .offset = (unsigned long)&vcpu3_info & 4095 };
    kt_eq(vcpu_op(VCPUOP_register_vcpu_info, 3, &info), 0, "vcpu_info of vCPU 3 moved by vCPU 0",
          "VCPUOP_register_vcpu_info for another vCPU");
    percpu[3].vi = &vcpu3_info;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        vcpu_guest_context_t *c = context_for(id);
        if (id == 3) {
            c->user_regs.cs = FLAT_KERNEL_CS & ~3;
            c->user_regs.ss = FLAT_KERNEL_SS & ~3;
            c->kernel_ss = FLAT_KERNEL_SS & ~3;
        }
        kt_eq(initialise(id, c), 0, "initialise", "arch_set_info_guest");
    }
    kt_eq(initialise(1, context_for(1)), -XEN_EEXIST, "initialise twice", "-EEXIST");
    kt_eq(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "initialised but not up", "VGCF_online clear");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_eq(vcpu_op(VCPUOP_up, id, NULL), 0, "up", "VCPUOP_up");
    }
    kt_eq(vcpu_op(VCPUOP_up, 1, NULL), 0, "up twice", "0: already up");
    int running = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_eq(vcpu_op(VCPUOP_is_up, id, NULL), 1, "is up", "VCPUOP_is_up");
        running &= wait_for(&percpu[id].progress, 1);
    }
    kt_check(running, "secondaries run their entry on their stacks", "RIP/RSP/RDI of the context", "no progress");
    kt_eq(percpu[3].cs, FLAT_KERNEL_CS, "CS of RPL 0 runs with RPL 3", "fixup_guest_code_selector");
}

static void timers(void)
{
    kt_group("timers");
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = sdk_system_time() + 1000000, .flags = 0 };
    kt_eq(vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -XEN_EINVAL, "single-shot of another vCPU",
          "-EINVAL: v != current");
    kt_eq(vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL), -XEN_EINVAL, "stop single-shot of another vCPU",
          "-EINVAL");
    struct vcpu_set_periodic_timer p = { .period_ns = 50000000 };
    kt_eq(vcpu_op(VCPUOP_set_periodic_timer, 2, &p), 0, "periodic timer of another vCPU", "any vCPU");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_eq(vcpu_op(VCPUOP_stop_periodic_timer, id, NULL), 0, "stop periodic of another vCPU", "any vCPU");
    }
    kt_eq(sdk_bind_virq(VIRQ_TIMER, SMP_VCPUS), -XEN_ENOENT, "VIRQ_TIMER on vCPU 4", "-ENOENT");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        long port = sdk_bind_virq(VIRQ_TIMER, id);
        kt_check(port > 0 && port < 64, "VIRQ_TIMER bound per vCPU", "virq_to_evtchn per vCPU", "no port");
        percpu[id].timer_port = port;
        percpu[id].my_ports |= 1UL << port;
    }
    kt_check(run_phase(PHASE_TIMER), "every secondary woken by its own single-shot timer",
             "VIRQ_TIMER raised on the vCPU that armed it", "a secondary never woke");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_check(percpu[id].timer_hits >= 1, "timer upcall on its vCPU", "send_timer_event(v)", "none");
    }
    struct evtchn_bind_vcpu move = { .port = percpu[1].timer_port, .vcpu = 2 };
    kt_eq(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &move), -XEN_EINVAL, "move a per-vCPU VIRQ",
          "-EINVAL: VIRQ_TIMER stays on its vCPU");
}

static void ipis(void)
{
    kt_group("ipis");
    kt_eq(sdk_bind_ipi(SMP_VCPUS), -XEN_ENOENT, "IPI to vCPU 4", "-ENOENT");
    long port = sdk_bind_ipi(0);
    ipi_to_vcpu0 = port;
    percpu[0].ipi_port = port;
    percpu[0].my_ports |= 1UL << port;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        port = sdk_bind_ipi(id);
        kt_check(port > 0 && port < 64, "bind_ipi to a secondary", "EVTCHNOP_bind_ipi", "no port");
        percpu[id].ipi_port = port;
        percpu[id].my_ports |= 1UL << port;
    }
    struct evtchn_bind_vcpu move = { .port = percpu[1].ipi_port, .vcpu = 2 };
    kt_eq(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &move), -XEN_EINVAL, "move an IPI port", "-EINVAL");
    long unbound = sdk_alloc_unbound(DOMID_SELF);
    long peer = sdk_bind_interdomain(DOMID_SELF, unbound);
    kt_check(unbound > 0 && peer > 0 && unbound < 64 && peer < 64, "loopback channel", "alloc_unbound + bind_interdomain",
             "no ports");
    moved_port = unbound;
    moved_peer = peer;
    percpu[0].my_ports |= 1UL << peer;
    move.port = moved_port;
    move.vcpu = SMP_VCPUS;
    kt_eq(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &move), -XEN_ENOENT, "bind_vcpu to vCPU 4", "-ENOENT");
    move.vcpu = 2;
    kt_eq(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &move), 0, "bind_vcpu of an interdomain port", "notify_vcpu_id");
    percpu[2].my_ports |= 1UL << moved_port;
    unsigned long before[SMP_VCPUS];
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        before[id] = percpu[id].phase_done;
    }
    __atomic_store_n(&phase, PHASE_IPI, __ATOMIC_SEQ_CST);
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        send(percpu[id].ipi_port);
    }
    send(moved_peer);
    int all = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        all &= wait_for(&percpu[id].phase_done, before[id] + 1);
    }
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
    kt_check(all, "every secondary woke on its IPI", "upcall on the target vCPU", "timed out");
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        kt_eq(percpu[id].ipi_hits, 1, "IPI handled on its target", "notify_vcpu_id of the IPI port");
    }
    kt_check(wait_for(&percpu[0].ipi_hits, SMP_VCPUS - 1), "IPIs from each secondary to vCPU 0",
             "any vCPU may send on an IPI port", "missing");
    kt_eq(percpu[2].moved_hits, 1, "moved port raised on vCPU 2", "EVTCHNOP_bind_vcpu");
    kt_eq(percpu[1].moved_hits + percpu[3].moved_hits, 0, "moved port not on the others", "one notify vCPU");
}

/* An NMI sent to a blocked vCPU wakes it, as Xen's vcpu_kick does, and its handler runs. */
static void nmis(void)
{
    kt_group("nmi");
    unsigned long before[SMP_VCPUS];
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        before[id] = percpu[id].phase_done;
    }
    __atomic_store_n(&phase, PHASE_NMI, __ATOMIC_SEQ_CST);
    struct vcpu_runstate_info runstate = { 0 };
    uint64_t deadline = sdk_system_time() + TIMEOUT_NS;
    int blocked = 0;
    while (!blocked && sdk_system_time() < deadline) {
        blocked = nmi_armed && vcpu_op(VCPUOP_get_runstate_info, 1, &runstate) == 0
                  && runstate.state == RUNSTATE_blocked;
    }
    kt_check(blocked, "vCPU 1 blocks with its NMI callback registered", "SCHEDOP_block", "never blocked");
    kt_eq(smp_nmi_hits, 0, "no NMI before one is sent", "nmi_pending clear");
    kt_eq(vcpu_op(VCPUOP_send_nmi, 1, NULL), 0, "send_nmi to the blocked vCPU 1", "VCPUOP_send_nmi: 0");
    kt_check(wait_for(&percpu[1].phase_done, before[1] + 1), "the NMI woke vCPU 1", "vcpu_kick on nmi_pending",
             "vCPU 1 still blocked");
    kt_eq(smp_nmi_hits, 1, "its NMI callback ran once", "TRAP_nmi on the target vCPU");
    for (unsigned int id = 2; id < SMP_VCPUS; id++) {
        wait_for(&percpu[id].phase_done, before[id] + 1);
    }
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
}

static unsigned long pte_of(const void *frame)
{
    return mfn_of(frame) << 12 | PTE_PRESENT_RW | PTE_NX;
}

static long map_window(const void *frame, unsigned long flags)
{
    return HYPERVISOR_update_va_mapping((unsigned long)tlb_window, pte_of(frame), flags);
}

static long mmuext(unsigned int cmd, unsigned long linear, void *mask)
{
    struct mmuext_op op = { .cmd = cmd };
    if (cmd == MMUEXT_INVLPG_MULTI || cmd == MMUEXT_INVLPG_ALL) {
        op.arg1.linear_addr = linear;
    }
    op.arg2.vcpumask = mask;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Waits until every secondary has read the window TLB_READS more times. */
static int reads_settle(void)
{
    int all = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        all &= wait_for(&percpu[id].tlb_reads, percpu[id].tlb_reads + TLB_READS);
    }
    return all;
}

/* Generation g's remap is about to start. */
static void begin_generation(unsigned long generation)
{
    __atomic_store_n(&tlb_sequence, 2 * generation - 1, __ATOMIC_SEQ_CST);
}

/* Generation g's remap and flush returned `rc`: the secondaries must now read its frame. */
static void next_generation(unsigned long generation, const char *name, long rc)
{
    kt_eq(rc, 0, name, "the flush hypercall");
    __atomic_store_n(&tlb_sequence, 2 * generation, __ATOMIC_SEQ_CST);
    kt_check(reads_settle(), name, "secondaries keep reading", "stalled");
}

static void tlb(void)
{
    kt_group("tlb shootdown");
    *(volatile unsigned long *)tlb_a = 0xaaaaaaaaaaaaaaaaUL;
    *(volatile unsigned long *)tlb_b = 0xbbbbbbbbbbbbbbbbUL;
    for (int g = 1; g < 8; g++) {
        tlb_expected[g] = g & 1 ? 0xaaaaaaaaaaaaaaaaUL : 0xbbbbbbbbbbbbbbbbUL;
    }
    unsigned long all_vcpus = (1UL << SMP_VCPUS) - 1;
    unsigned long others = all_vcpus & ~1UL;
    __atomic_store_n(&phase, PHASE_TLB, __ATOMIC_SEQ_CST);
    begin_generation(1);
    next_generation(1, "UVMF_INVLPG|UVMF_ALL to frame A", map_window(tlb_a, UVMF_INVLPG | UVMF_ALL));
    begin_generation(2);
    next_generation(2, "UVMF_INVLPG|UVMF_ALL to frame B", map_window(tlb_b, UVMF_INVLPG | UVMF_ALL));
    begin_generation(3);
    long rc = map_window(tlb_a, UVMF_NONE);
    next_generation(3, "MMUEXT_TLB_FLUSH_MULTI to frame A", rc ? rc : mmuext(MMUEXT_TLB_FLUSH_MULTI, 0, &others));
    begin_generation(4);
    rc = map_window(tlb_b, UVMF_INVLPG | UVMF_LOCAL);
    next_generation(4, "MMUEXT_INVLPG_MULTI to frame B",
                    rc ? rc : mmuext(MMUEXT_INVLPG_MULTI, (unsigned long)tlb_window, &all_vcpus));
    begin_generation(5);
    next_generation(5, "UVMF_TLB_FLUSH with a vCPU mask to frame A",
                    map_window(tlb_a, UVMF_TLB_FLUSH | (unsigned long)&others));
    begin_generation(6);
    rc = map_window(tlb_b, UVMF_NONE);
    next_generation(6, "MMUEXT_INVLPG_ALL to frame B", rc ? rc : mmuext(MMUEXT_INVLPG_ALL, (unsigned long)tlb_window, NULL));
    begin_generation(7);
    rc = map_window(tlb_a, UVMF_NONE);
    next_generation(7, "MMUEXT_TLB_FLUSH_ALL to frame A", rc ? rc : mmuext(MMUEXT_TLB_FLUSH_ALL, 0, NULL));
    unsigned long before[SMP_VCPUS];
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        before[id] = percpu[id].phase_done;
    }
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        wait_for(&percpu[id].phase_done, before[id] + 1);
        kt_eq(percpu[id].tlb_stale, 0, "no read of the old frame after the flush returned", "flush_tlb_mask waits");
    }
    kt_eq(mmuext(MMUEXT_TLB_FLUSH_MULTI, 0, (void *)0xffff800000000000UL), -XEN_EINVAL, "vCPU mask in Xen's range",
          "-EINVAL: vcpumask_to_pcpumask");
    kt_eq(map_window(tlb_window, UVMF_INVLPG | 0xffff800000000000UL), -XEN_EFAULT, "UVMF vCPU mask in Xen's range",
          "-EFAULT");
    map_window(tlb_window, UVMF_INVLPG | UVMF_ALL);
}

static void down_up(void)
{
    kt_group("down/up");
    __atomic_store_n(&phase, PHASE_SPIN, __ATOMIC_SEQ_CST);
    kt_check(wait_for(&percpu[3].progress, percpu[3].progress + 1000), "vCPU 3 spins", "running", "no progress");
    kt_eq(vcpu_op(VCPUOP_down, 3, NULL), 0, "down another vCPU", "VCPUOP_down");
    kt_eq(vcpu_op(VCPUOP_is_up, 3, NULL), 0, "is_up after down", "_VPF_down set");
    kt_eq(vcpu_op(VCPUOP_down, 3, NULL), 0, "down twice", "0");
    uint64_t settle = sdk_system_time() + 50000000;
    while (sdk_system_time() < settle) {
        __asm__ __volatile__("pause");
    }
    unsigned long stopped = percpu[3].progress;
    settle = sdk_system_time() + 50000000;
    while (sdk_system_time() < settle) {
        __asm__ __volatile__("pause");
    }
    kt_eq(percpu[3].progress, stopped, "a down vCPU runs no guest code", "vcpu_sleep_nosync");
    vcpu_runstate_info_t rs;
    kt_eq(vcpu_op(VCPUOP_get_runstate_info, 3, &rs), 0, "runstate of a down vCPU", "VCPUOP_get_runstate_info");
    kt_eq(rs.state, RUNSTATE_offline, "a down vCPU is offline", "RUNSTATE_offline");
    kt_check(rs.time[RUNSTATE_running] > 0, "it ran before", "time[running]", "0");
    kt_eq(vcpu_op(VCPUOP_get_runstate_info, 1, &rs), 0, "runstate of a spinning vCPU", "VCPUOP_get_runstate_info");
    kt_check(rs.state == RUNSTATE_running || rs.state == RUNSTATE_runnable, "a spinning vCPU runs", "running", "not");
    kt_eq(vcpu_op(VCPUOP_up, 3, NULL), 0, "up again", "VCPUOP_up");
    kt_check(wait_for(&percpu[3].progress, stopped + 1000), "it resumes where it stopped", "vcpu_wake", "no progress");
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
}

static void all_down(void)
{
    kt_group("down");
    __atomic_store_n(&phase, PHASE_DOWN, __ATOMIC_SEQ_CST);
    int down = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        uint64_t deadline = sdk_system_time() + TIMEOUT_NS;
        while (vcpu_op(VCPUOP_is_up, id, NULL) != 0 && sdk_system_time() < deadline) {
            __asm__ __volatile__("pause");
        }
        down &= vcpu_op(VCPUOP_is_up, id, NULL) == 0;
    }
    kt_check(down, "secondaries take themselves down", "VCPUOP_down on the calling vCPU", "still up");
}

void kernel_main(start_info_t *si)
{
    (void)si;
    printf("smp: %d vCPUs\n", SMP_VCPUS);
    for (unsigned int id = 0; id < SMP_VCPUS; id++) {
        percpu[id].self = &percpu[id];
        percpu[id].id = id;
    }
    long rc = sdk_events_init();
    if (rc) {
        sdk_panic("events init: %ld", rc);
    }
    percpu[0].vi = sdk_vcpu_info;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        percpu[id].vi = &sdk_shared_info->vcpu_info[id];
    }
    HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&percpu[0]);
    sdk_event_handler = smp_event_dispatch;
    sdk_events_enable();
    smp_atomics_init();

    hostile_ids();
    hostile_contexts();
    bring_up();
    if (sdk_cmdline_option("hold")) {
        __atomic_store_n(&phase, PHASE_SPIN, __ATOMIC_SEQ_CST);
        printf("# held\n");
        for (;;) {
            percpu[0].progress++;
        }
    }
    kt_group("atomics");
    __atomic_store_n(&phase, PHASE_ATOMICS, __ATOMIC_SEQ_CST);
    smp_atomics_run(0, ATOMIC_ROUNDS);
    int finished = 1;
    for (unsigned int id = 1; id < SMP_VCPUS; id++) {
        finished &= wait_for(&percpu[id].phase_done, 1);
    }
    __atomic_store_n(&phase, PHASE_WAIT, __ATOMIC_SEQ_CST);
    kt_check(finished, "every vCPU finished its rounds", "4 vCPUs at once", "timed out");
    smp_atomics_check(SMP_VCPUS, ATOMIC_ROUNDS);
    timers();
    ipis();
    nmis();
    tlb();
    down_up();
    all_down();
    kt_summary();
    printf("smp: vCPU 0 goes down last\n");
    vcpu_op(VCPUOP_down, 0, NULL);
    sdk_panic("vCPU 0 still runs after taking the last vCPU down");
}
