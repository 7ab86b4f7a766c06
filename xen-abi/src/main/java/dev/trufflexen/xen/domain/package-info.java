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
 * <h2>vCPUs and their threads</h2>
 * A domain has its spec's {@code vcpus} vCPUs (Xen's max_vcpus). vCPU 0 starts initialised and
 * up; the others start offline until the guest gives them a context and brings them up
 * (VCPUOP_initialise, VCPUOP_up). {@link dev.trufflexen.xen.domain.Vcpu#runGuest} is the one step
 * that runs a vCPU's guest code until its CPU leaves it; {@link dev.trufflexen.xen.domain.Domain#run}
 * loops over it for vCPU 0 on the caller's thread and gives every other vCPU a host thread of
 * its own the first time it comes up. A vCPU taken down leaves guest code at its next exit point
 * and its thread parks until it is brought up again. Shutting the domain down stops every vCPU;
 * {@code run} returns once all their threads have ended.
 *
 * <h2>Blocking</h2>
 * A {@link dev.trufflexen.xen.domain.Vcpu} blocks by parking its thread
 * ({@code LockSupport.park}) and is woken by {@code unpark}: whoever marks an event pending, or
 * shuts the domain down, wakes it. The wake condition is checked before parking and after every
 * return from park, so a wake that races with the block is never lost and a blocked vCPU costs no
 * CPU at all.
 *
 * <h2>Pausing</h2>
 * As in Xen, pauses are counted: {@code Vcpu.pause} asks the CPU to leave guest code and the
 * vCPU's thread parks between runs until every pause is undone ({@code parkWhilePaused});
 * {@code Domain.pause} pauses every vCPU and waits until none runs guest code. The toolstack's
 * own pauses ({@code pauseByController}, xl pause) are counted apart, at most 255, and an
 * unpause without one is -EINVAL. A dying domain is never held by a pause.
 */
package dev.trufflexen.xen.domain;
