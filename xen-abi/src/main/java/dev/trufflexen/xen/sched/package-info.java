/**
 * The scheduler: which vCPU runs on which host thread, and the scheduler's side of a vCPU
 * (blocking, polling, yielding, timers, runstate and the clocks a guest reads from shared
 * memory: {@code sched_op}, {@code vcpu_op}, {@code set_timer_op}).
 *
 * <h2>vCPUs multiplexed onto worker threads</h2>
 * As Xen multiplexes vCPUs onto physical CPUs, {@code HostScheduler} multiplexes every domain's
 * vCPUs onto a fixed pool of host worker threads, the host's pCPUs (one per host core unless
 * configured). {@code Domain.run} hands the domain's vCPUs over and waits for them to stop. A
 * worker takes the vCPU its policy picks, runs guest code until the vCPU is asked to leave it,
 * charges the CPU it used and picks again.
 *
 * <p>Leaving guest code is the CPU's exit request: the flag that compiled regions poll at every
 * exit and loop back edge, so a vCPU spinning in compiled code leaves it within a few
 * microseconds of being asked (the delay from request to the worker having it back is measured:
 * {@code preemptionDelays}). A vCPU is charged its worker's thread CPU time, read when it leaves
 * the worker; a run shorter than 100 us is charged its wall time instead, since reading a
 * thread's CPU clock cost 1.5 us on the 2-core host, and an event ping-pong switches vCPUs every
 * few microseconds (measured on that host: a blocking round trip between two domains, two
 * same-thread switches, went from 14.1 to 5.3 us of worker CPU). A worker that picks a vCPU
 * after waiting idle does not read its clock at all (3-5 us of an idle tick on that host): the
 * next charge that reads it is capped at the wall time since the last one, since the clock's
 * difference then also holds the idle wait. A tick every 10 ms on the timer thread charges running vCPUs,
 * accounts and preempts; it runs only while a vCPU waits for a worker, is parked by its cap or
 * runs under one (a toolstack change of the cap starts it), so an idle host, and a vCPU that
 * wakes, runs alone and blocks again, do nothing on the timer thread.
 *
 * <p>SCHEDOP_block and SCHEDOP_poll deschedule the vCPU: the hypercall returns, the vCPU leaves
 * guest code, and its worker runs another; a blocked vCPU holds no thread and costs no CPU.
 * Whoever makes an event pending (another vCPU's send, a dom0 service's thread, a worker
 * firing a timer) calls {@code Vcpu.wake}, which checks the blocked vCPU's wake condition and, when it
 * holds, queues the vCPU and wakes an idle worker or preempts a vCPU the woken one outranks; the
 * upcall is delivered when it next runs. A vCPU woken by the vCPU running on a worker while
 * another worker idles is left for the waker's worker for up to 20 µs: when the waker blocks or
 * yields right after its send, as a ping-pong partner does, its worker switches to the woken
 * vCPU on the same thread, as Xen switches vCPUs on one pCPU, and no host thread is woken;
 * otherwise the idle worker is woken then. With every worker busy, a woken vCPU that would
 * preempt its waker is left to the waker's worker the same way, and preempts it only if it runs
 * on past the 20 µs (on one pCPU the ping-pong cost a wake preemption, and its exit, per round
 * trip before). The window is checked at the waker's attention, asked for as a poll (served
 * after the send's hypercall without ending its region, and not stopping its compiled code at
 * the returns within a region on the way to its next hypercall, only at a loop's other back
 * edges and exits; the tick, started with the window, hands the woken vCPU on should the waker
 * loop by returns alone), its first three checks without
 * reading the clock (each is cheaper than a read); a wake, a switch-out and the switch-in right
 * after it share one clock reading, and a blocked vCPU's runstate changes when it is switched
 * out, as in Xen's context switch. A running vCPU is asked for attention instead, so
 * compiled guest code takes the upcall at its next exit or back edge. The wake condition is
 * checked when the vCPU is descheduled and on each wake, under the scheduler's lock, so a wake
 * racing with a block is never lost. SCHEDOP_poll wakes as Xen's pollers do (its one port, or
 * any port for a poll of several, newly pending; or the upcall flag newly set) or at its
 * absolute timeout ({@code Blocking}); a vCPU whose last wait was short spins briefly before
 * it is descheduled, on hosts with the cores for it ({@code ShortWaits}). SCHEDOP_yield gives the worker to a waiting vCPU, and
 * returns at once when none waits.
 *
 * <h2>Two schedulers</h2>
 * The policy is chosen per host. {@code CreditScheduler} (the default) is Xen's credit1: weights
 * and caps per domain, 30 ms slices, 10 ms ticks, accounting every 30 ms, BOOST for woken vCPUs,
 * UNDER before OVER, work-conserving. {@code BvtScheduler} is Borrowed Virtual Time, the first
 * Xen's scheduler: virtual time scaled by weight, warp for latency-sensitive domains, a
 * context-switch allowance. A domain's parameters are its {@code Domain.schedulingParameters}
 * (weight and cap; MCU advance and warp), which the toolstack changes while it runs; the
 * scheduler reads them at each accounting and wake-up. Its own accounting ({@code stats})
 * says what each vCPU got. A paused vCPU ({@code Vcpu.pause}) leaves guest code at its next
 * exit and is out of the run queue until unpaused, and so is a vCPU that is down (VCPUOP_down, or
 * a secondary vCPU not yet brought up); hard affinity ({@code xl vcpu-pin}) limits
 * the workers that may pick it. The thread that unpauses reads the vCPU's scheduling state
 * without the lock, so the worker that parks a paused vCPU writes the parked state first and
 * then looks at the pause again (the block/wake handshake's shape): looked at only before, an
 * unpause in between found the vCPU still running, did nothing, and left it paused for good.
 *
 * <p>Unlike Xen, there is one run queue for all workers (no per-pCPU queues to balance), and
 * slice ends are seen at tick granularity. A worker switches a vCPU out and picks the next one
 * in one hold of that lock. The lock it shares with the workers' bookkeeping
 * ({@code SchedulerLock}) counts the times a thread had to wait for it: measured on the 2-core
 * host, 0.0006 waits per blocking round trip between two domains and none while a victim ran
 * beside a hog on two pCPUs, so per-pCPU queues would not shorten either.
 *
 * <h2>Timers</h2>
 * {@code VcpuTimers} keeps Xen's two timers per vCPU: the single-shot timer (set_timer_op,
 * VCPUOP_set_singleshot_timer) and the periodic timer (VCPUOP_set_periodic_timer; 10 ms when a
 * PV vCPU starts). Both raise VIRQ_TIMER. They, and SCHEDOP_poll's timeouts, live on the
 * workers' own clock ({@code WorkerTimers}, a heap under the scheduler's lock; {@code TimerWatch},
 * under the same lock, decides which thread wakes for them): an idle worker,
 * the timekeeper, waits for the earliest deadline (a timed park) instead of indefinitely, and
 * fires what is due itself; a vCPU its timer wakes is then run by that same worker, so an idle
 * kernel's tick costs one host thread wake-up, not the timer thread's wake, its re-arm and a
 * worker's wake. A timer armed by a running vCPU stays in its worker's care for up to 200 us
 * (checked at the vCPU's exits and back edges): when the vCPU blocks meanwhile, as an idle
 * kernel does right after setting its next tick, its worker becomes the timekeeper and no other
 * thread is woken; otherwise another idle worker is set to watch, or, every worker being busy,
 * the timer thread watches for them. Measured on the 2-core host: one timed wait and no timer
 * thread switch per idle tick; its host CPU 87.6 us against 92.1 us with the timer thread
 * (within that host's noise), timer lateness unchanged. Most of it is the host's timed wake-up
 * itself: a bare Java thread's 4 ms timed wait cost 38 us of thread CPU on that host, against
 * 64 us per idle tick measured beside it. The threads that wait for deadlines (the workers and
 * the timer thread) run with 1 ns of the host's timer slack ({@code HostTimerSlack}): with Linux's
 * default of 50 us a timed wait may end that late, which put VIRQ_TIMER at 1 kHz a median 102 us
 * behind its deadline against 44 us with it. As in Xen,
 * the periodic timer stops while the vCPU is blocked and, on waking, an expired period raises
 * its event at once; guests that idle in SCHEDOP_block therefore use the single-shot timer, and
 * a blocked domain costs no host CPU until it fires.
 *
 * <p>The watch keeps one invariant: while a timer is armed, some thread will look at the heap by
 * its deadline (an idle worker waiting for that deadline or an earlier one, a worker woken or
 * awake between vCPUs, a busy worker with the timers in its care, or the backstop). A worker
 * checks it before every wait without a deadline and when it leaves idleness; a breach is
 * counted ({@code HostScheduler.unwatchedTimerWaits}, which the timer tests require to be 0) and
 * becomes a timed wait, so it could cost a late timer but never a vCPU blocked for good. A vCPU
 * timer's expiry that races a re-arm or a stop (it fell due, and the guest armed or stopped the
 * timer before its task ran) raises nothing: each arming is numbered and only the current one
 * fires, so a stop still cancels what replaced it and the periodic timer never runs as two
 * chains. Deadlines too far away to add to the clock (a poll timeout of centuries) mean never.
 *
 * <p>A vCPU blocked with nothing armed is the guest's to avoid, in Xen as here: a kernel that
 * checks for an event with events unmasked and then blocks loses an upcall taken between the
 * check and the block (its timer has fired, so nothing is left to wake it). Guests check with
 * events masked and let SCHEDOP_block unmask them (Linux's safe halt); the events guest's
 * {@code bench=race} mode fires 3000 timers on another worker just as its vCPU checks and blocks.
 *
 * <p>{@code DomainWatchdogs} (SCHEDOP_watchdog) puts a domain's two watchdog timers on the
 * hypervisor's timer thread; one that expires shuts the domain down with SHUTDOWN_watchdog.
 *
 * <h2>Time</h2>
 * A domain's system time and its TSC are one clock (nanoseconds since the domain was built,
 * read from {@code System.nanoTime}). {@code GuestClock} publishes {@code vcpu_time_info} with
 * the scale 2^31 / 2^32 after a shift of 1, which turns TSC ticks into nanoseconds exactly, so
 * a single publication stays right forever and the guest's pvclock arithmetic is monotonic; and
 * the wall clock (UTC at system time 0). Both use Xen's odd/even version protocol. A guest may
 * register a second copy of its time info at a virtual address
 * (VCPUOP_register_vcpu_time_memory_area, {@code VcpuTimeArea}); it is rewritten with every
 * publication, as Xen's update_secondary_system_time does.
 *
 * <h2>Runstate</h2>
 * {@code Vcpu.runstate()} accounts running and blocked time; VCPUOP_get_runstate_info copies it
 * out, and a registered runstate area is rewritten whenever a worker switches the vCPU in, as
 * Xen's update_runstate_area does at each context switch. A vCPU is running on a worker,
 * runnable in the run queue (or held back by its cap), or blocked. A switch changes two or
 * three runstates, so a runstate is a sequence-counted copy rather than a monitor: a writer
 * takes the count from even to odd with one compare-and-set (which also keeps writers apart)
 * and back with a release store; a reader retries while the count is odd or has moved.
 */
package dev.trufflexen.xen.sched;
