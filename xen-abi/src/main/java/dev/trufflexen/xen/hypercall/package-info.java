/**
 * The hypercall machinery: how a guest's {@code syscall} becomes a handler call and back. The
 * handlers themselves live beside the subsystems they drive ({@code event}, {@code sched},
 * {@code console}, {@code version}, {@code pv}).
 *
 * <h2>One handler</h2>
 * A {@link dev.trufflexen.xen.hypercall.Hypercall} declares its number (and, if it is
 * multiplexed, every sub-operation as handled or why it is -ENOSYS). The
 * {@link dev.trufflexen.xen.hypercall.HypercallTable} is built once from the handlers and never
 * changes. A handler reads its arguments from the vCPU's reused
 * {@link dev.trufflexen.xen.hypercall.HypercallContext} through accessors that truncate to the C
 * type Xen declares ({@code intArg}, {@code uintArg}, {@code handleArg}), copies a structure in
 * once as a zeroed {@link dev.trufflexen.xen.hypercall.GuestStruct}, calls its subsystem with
 * Java values, and copies back only the OUT fields. It fails by throwing
 * {@link dev.trufflexen.xen.hypercall.XenError} with Xen's errno and a reason for the log; a bad
 * guest pointer is {@code XenError(EFAULT)}.
 *
 * <h2>One place for failures and pending work</h2>
 * {@link dev.trufflexen.xen.hypercall.HypercallDispatcher} is the only catcher: a
 * {@code XenError} becomes {@code -errno} in RAX and one rate-limited line naming domain, vCPU,
 * hypercall and sub-operation, RIP and reason; any other exception crashes that domain (and only
 * it) with a report. After every hypercall, and every piece of a continued one, each
 * {@link dev.trufflexen.xen.hypercall.PendingWork} runs: today a dying domain's vCPU leaves guest
 * code there; event upcalls and preemption will hook in at the same place.
 *
 * <h2>Continuations</h2>
 * A hypercall that may run long (a big console write today; memory_op, mmuext_op and
 * grant_table_op batches later) checks {@code preemptionWanted} as it goes. When it must stop it
 * returns {@code createContinuation(updated arguments)}: the dispatcher puts the hypercall number
 * back in RAX, the updated arguments in their registers, and RIP back on the {@code syscall}, as
 * Xen's {@code hypercall_create_continuation} does. The pending work runs, and the guest, when it
 * next runs, simply re-issues the rest of the hypercall: no hypervisor state is kept between the
 * pieces.
 *
 * <h2>Multicall</h2>
 * {@code MulticallHypercall} runs each entry's hypercall on the same context as a nested call
 * ({@code beginNested}/{@code endNested} swap the arguments): a handler cannot tell it apart from
 * a direct call. An entry that asks to continue has its updated arguments written back into the
 * guest's entry and the whole multicall is continued from it, as Xen does.
 */
package dev.trufflexen.xen.hypercall;
