/*
 * events: an interdomain ping-pong between two domains of one hypervisor.
 *
 *   "pingpong=a peer=<domid> rounds=<n>"            allocates an unbound port for the peer and
 *                                                   prints it ("# pingpong_port=0x...");
 *   "pingpong=b peer=<domid> port=<p> rounds=<n>"   binds to it and says hello with one send.
 *
 * Then A leads n round trips (send, wait for the answer) and B answers each, A hands over the
 * lead with one more send, then B leads n and A answers. Each side counts what arrives on the channel and checks it got exactly one event
 * per wait, the right total, and that the pending bit was clear when done. "wait=spin" waits by
 * spinning (the upcall arrives at an instruction boundary), "wait=retspin" by spinning in a loop
 * whose only way back is a RET (as hostile code may loop), otherwise by SCHEDOP_block. The
 * leader's round trips are timed with the pvclock and printed as "# ..._ns=0x..." lines.
 * "batch=<n>" (for benchmarks) replaces the two halves with endless batches: A leads n round
 * trips and yields with how many came back, B answers.
 */
#include "events.h"

#define MAX_TIMED 1000

static evtchn_port_t channel;
static volatile unsigned long arrived;
static unsigned long consumed;
static int spin;
static int spin_by_returns;
static uint64_t round_ns[MAX_TIMED];

static void count_port(evtchn_port_t port)
{
    if (port == channel) {
        arrived++;
    }
}

/*
 * Spins until an event arrives in a loop that goes back by RET alone: it pushes its own head
 * and falls into a return. The hypervisor must still see to the peer this vCPU's send woke.
 */
static void spin_until_arrived_by_returns(void)
{
    __asm__ volatile("call 2f\n"
                     "1: lea 1b(%%rip), %%rax\n"
                     "push %%rax\n"
                     "jmp 2f\n"
                     "2: mov arrived(%%rip), %%rax\n"
                     "cmp consumed(%%rip), %%rax\n"
                     "jne 3f\n"
                     "ret\n"
                     "3: add $8, %%rsp\n"
                     :
                     :
                     : "rax", "memory", "cc");
}

/* Waits for the next event on the channel not yet consumed; 1 when no further one came with it. */
static int wait_one(void)
{
    if (spin_by_returns) {
        spin_until_arrived_by_returns();
    } else if (spin) {
        while (arrived == consumed) {
        }
    } else {
        /* Check with upcalls masked: block re-enables them and returns at once if one is pending. */
        for (sdk_events_disable(); arrived == consumed; sdk_events_disable()) {
            sdk_block();
        }
        sdk_events_enable();
    }
    consumed++;
    return arrived == consumed;
}

/* rounds round trips led by this side; returns how many came back one for one. */
static unsigned long lead(unsigned long rounds)
{
    unsigned long good = 0;
    for (unsigned long i = 0; i < rounds; i++) {
        uint64_t start = sdk_system_time();
        sdk_evtchn_send(channel);
        good += wait_one();
        if (i < MAX_TIMED) {
            round_ns[i] = sdk_system_time() - start;
        }
    }
    return good;
}

static unsigned long answer(unsigned long rounds)
{
    unsigned long good = 0;
    for (unsigned long i = 0; i < rounds; i++) {
        good += wait_one();
        sdk_evtchn_send(channel);
    }
    return good;
}

static void report(const char *side, unsigned long rounds)
{
    unsigned long n = rounds < MAX_TIMED ? rounds : MAX_TIMED;
    uint64_t total = 0;
    sdk_sort_u64(round_ns, n);
    for (unsigned long i = 0; i < n; i++) {
        total += round_ns[i];
    }
    printf("# %s_round_trip_median_ns=%#lx\n# %s_round_trip_mean_ns=%#lx\n# %s_round_trip_min_ns=%#lx\n", side,
           round_ns[n / 2], side, total / n, side, round_ns[0]);
}

void run_pingpong(start_info_t *si, const char *role)
{
    const char *cmdline = (const char *)si->cmd_line;
    domid_t peer = (domid_t)sdk_cmdline_ulong(cmdline, "peer", 0);
    unsigned long rounds = sdk_cmdline_ulong(cmdline, "rounds", 100);
    int leader_first = role[0] == 'a';
    const char *side = leader_first ? "a" : "b";

    spin = sdk_cmdline_option("wait=spin") != NULL;
    spin_by_returns = sdk_cmdline_option("wait=retspin") != NULL;
    if (spin_by_returns) {
        /* No periodic tick either: nothing of this domain's own wakes a worker while it spins. */
        HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    }
    kt_group("interdomain ping-pong");
    kt_eq(sdk_events_init(), 0, "events and shared_info", "");
    sdk_port_hook = count_port;
    sdk_events_enable();
    long port;
    if (leader_first) {
        port = sdk_alloc_unbound(peer);
        kt_check(port > 0, "alloc_unbound for the peer", "evtchn_alloc_unbound", "");
        printf("# pingpong_port=%#lx\n", port);
        channel = (evtchn_port_t)port;
        kt_eq(wait_one(), 1, "the peer's hello arrives", "bind_interdomain, then send");
    } else {
        /* Binding raises the local port (notifications lost before the bind): take it once known. */
        sdk_events_disable();
        port = sdk_bind_interdomain(peer, (evtchn_port_t)sdk_cmdline_ulong(cmdline, "port", 0));
        kt_check(port > 0, "bind_interdomain to the peer's port", "evtchn_bind_interdomain", "");
        channel = (evtchn_port_t)port;
        sdk_events_enable();
        kt_eq(wait_one(), 1, "the bind raised the local port", "evtchn_bind_interdomain sets it pending");
        kt_eq(sdk_evtchn_send(channel), 0, "hello", "evtchn_send to the peer");
    }
    unsigned long batch = sdk_cmdline_ulong(cmdline, "batch", 0);
    if (batch) {
        /* Benchmark batches: A leads batch round trips and yields with how many came back, forever; B answers. */
        for (;;) {
            if (leader_first) {
                HYPERVISOR_sched_op(SCHEDOP_yield, (void *)lead(batch));
            } else {
                answer(batch);
            }
        }
    }
    unsigned long base = consumed;
    unsigned long first = leader_first ? lead(rounds) : answer(rounds);
    /*
     * Hand over the lead with one more event: sends coalesce into one pending bit, so B must not
     * send its first ping before A has taken B's last answer.
     */
    if (leader_first) {
        report(side, rounds);
        sdk_evtchn_send(channel);
    } else {
        kt_eq(wait_one(), 1, "the lead is handed over", "");
    }
    unsigned long second = leader_first ? answer(rounds) : lead(rounds);
    if (!leader_first) {
        report(side, rounds);
    }
    kt_eq(first, rounds, leader_first ? "every round trip led here came back" : "every ping answered",
          "one event per wait");
    kt_eq(second, rounds, leader_first ? "every ping answered" : "every round trip led here came back", "");
    kt_eq(arrived - base, 2 * rounds + !leader_first, "events arrived in all", "2 per round trip pair, B one more");
    kt_eq(sdk_evtchn_pending(channel), 0, "nothing left pending", "");
    printf("# pingpong_events=%#lx\n", arrived - base);
    kt_summary();
}
