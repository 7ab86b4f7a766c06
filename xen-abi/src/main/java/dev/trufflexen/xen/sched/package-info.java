/**
 * The scheduler's side of a vCPU: blocking, polling, timers, runstate and the clocks a guest
 * reads from shared memory ({@code sched_op}, {@code vcpu_op}, {@code set_timer_op}).
 *
 * <h2>One host thread per vCPU, and one timer thread</h2>
 * Each vCPU runs on its own host thread, so "scheduling" is sleeping and waking. SCHEDOP_block
 * clears the upcall mask and parks the thread until an upcall is pending; SCHEDOP_poll parks it
 * until Xen would wake it (its one port, or any port for a poll of several, newly pending; or
 * the upcall flag newly set) or its absolute timeout passes ({@code Blocking}). A vCPU whose
 * last wait was short spins briefly before it parks, on hosts with the cores for it
 * ({@code ShortWaits}). Nothing
 * polls: whoever makes an event pending (another vCPU's send, a dom0 service's thread, the
 * timer thread) unparks the vCPU, and a running vCPU is asked for attention instead, so compiled
 * guest code leaves its region at the next exit or back edge and takes the upcall there.
 *
 * <h2>Timers</h2>
 * {@code VcpuTimers} keeps Xen's two timers per vCPU on the hypervisor's single timer thread:
 * the single-shot timer (set_timer_op, VCPUOP_set_singleshot_timer) and the periodic timer
 * (VCPUOP_set_periodic_timer; 10 ms when a PV vCPU starts). Both raise VIRQ_TIMER. As in Xen,
 * the periodic timer stops while the vCPU is blocked and, on waking, an expired period raises
 * its event at once; guests that idle in SCHEDOP_block therefore use the single-shot timer, and
 * a blocked domain costs no host CPU until it fires.
 *
 * <p>{@code DomainWatchdogs} (SCHEDOP_watchdog) puts a domain's two watchdog timers on the same
 * thread; one that expires shuts the domain down with SHUTDOWN_watchdog.
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
 * out, and a registered runstate area is rewritten on every block and wake, as Xen's
 * update_runstate_area does at each context switch.
 */
package dev.trufflexen.xen.sched;
