/**
 * The x86-64 PV part of the core (Xen's {@code arch/x86/pv/}): where a PV vCPU's guest code
 * enters the hypervisor ({@link dev.trufflexen.xen.pv.PvEntry}, the CPU's platform), the CPUID
 * a PV domain sees (Xen's leaves at 0x40000000), forced emulation, and the hypercalls that only
 * make sense for x86 PV ({@code fpu_taskswitch} today; trap tables, callbacks, iret, descriptor
 * tables, segment bases and the PV MMU next).
 *
 * <p>A 64-bit PV kernel runs in ring 3 like its user processes, so the CPU cannot tell them
 * apart: a {@code syscall} in kernel mode is a hypercall, one in user mode goes to the guest's
 * syscall callback (when it has registered one). The PV entry hands hypercalls to the dispatcher
 * and faults to the guest's trap table; until trap tables exist an unhandled fault crashes the
 * domain with a report.
 */
package dev.trufflexen.xen.pv;
