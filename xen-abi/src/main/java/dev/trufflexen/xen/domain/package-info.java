/**
 * Domains and vCPUs, the state every subsystem shares.
 *
 * <h2>A record of parts</h2>
 * Xen's {@code struct domain} embeds each subsystem's state (event channels, grant table, page
 * types) and the subsystem's code takes a {@code struct domain *}. Here a subsystem declares a
 * {@link dev.trufflexen.xen.domain.DomainPart key} and the hypervisor attaches that subsystem's
 * state to each {@link dev.trufflexen.xen.domain.Domain} when it builds it. So the state lives
 * with the domain, the subsystem's package holds both its state and its operations (which take a
 * {@code Domain}), and this package imports no subsystem: dependencies point down only.
 *
 * <h2>No root object</h2>
 * A domain never sees the hypervisor that built it. It gets narrow services
 * ({@link dev.trufflexen.xen.domain.Domain.Services}): the console log, the one host path into
 * guest frames, a registry to look up other domains, and a callback for its release.
 *
 * <h2>vCPUs</h2>
 * A domain has its spec's {@code vcpus} vCPUs (Xen's max_vcpus). vCPU 0 starts initialised and
 * up; the others start offline until the guest gives them a context and brings them up
 * (VCPUOP_initialise, VCPUOP_up). {@link dev.trufflexen.xen.domain.Vcpu#runGuest} is the one step
 * that runs a vCPU's guest code until its CPU leaves it. A vCPU taken down leaves guest code at
 * its next exit point and stays off the run queue until it is brought up again.
 *
 * <h2>Running and blocking</h2>
 * A domain runs on the host's scheduler (a {@link dev.trufflexen.xen.domain.DomainScheduler}
 * service): {@code Domain.run} hands its vCPUs over and waits for them to stop. A scheduled
 * {@link dev.trufflexen.xen.domain.Vcpu} blocks by being descheduled and is woken through
 * {@code Vcpu.wake}: whoever marks an event pending, or shuts the domain down, wakes it. A vCPU
 * on a thread of its own blocks by parking that thread ({@code LockSupport.park}) and is woken
 * by {@code unpark}. Either way the wake condition is checked before sleeping and on every wake,
 * so a wake that races with the block is never lost and a blocked vCPU costs no CPU at all.
 *
 * <h2>Pausing</h2>
 * As in Xen, pauses are counted: {@code Vcpu.pause} asks the CPU to leave guest code and the
 * scheduler keeps the vCPU off its run queue until every pause is undone;
 * {@code Domain.pause} pauses every vCPU and waits until none runs guest code. The toolstack's
 * own pauses ({@code pauseByController}, xl pause) are counted apart, at most 255, and an
 * unpause without one is -EINVAL. A dying domain is never held by a pause.
 */
package dev.trufflexen.xen.domain;
