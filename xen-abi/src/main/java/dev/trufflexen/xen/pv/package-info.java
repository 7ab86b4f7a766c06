/**
 * The x86-64 PV part of the core (Xen's {@code arch/x86/pv/}): where a PV vCPU's guest code
 * enters the hypervisor ({@link dev.trufflexen.xen.pv.PvEntry}, the CPU's platform), the PV
 * state Xen keeps per vCPU ({@link dev.trufflexen.xen.pv.PvVcpu}: virtual IDT, callbacks, user GS
 * base), exception delivery, the {@code iret} hypercall, the privileged instructions Xen
 * emulates, the CPUID a PV domain sees (Xen's leaves at 0x40000000), forced emulation, the
 * debug registers, and the hypercalls that only make sense for x86 PV: {@code set_trap_table},
 * {@code set_callbacks}, {@code callback_op}, {@code iret}, {@code set_segment_base},
 * {@code stack_switch}, {@code set_gdt}, {@code update_descriptor}, {@code fpu_taskswitch},
 * {@code set_debugreg}, {@code get_debugreg}, {@code physdev_op} (set_iopl, set_iobitmap) and
 * {@code vm_assist}.
 *
 * <h2>Deprivileged kernel</h2>
 * A 64-bit PV kernel runs in ring 3 like its user processes, so the CPU cannot tell them apart
 * and reports everything a ring-3 program cannot do to the platform: a {@code syscall} in kernel
 * mode is a hypercall; an exception or {@code int n} is an {@code X86Fault} handed to
 * {@code PvEntry.fault}. The CPU knows nothing of Xen; everything Xen-shaped happens here, on the
 * slow path, after the region has exited with exact architectural state.
 *
 * <h2>Bounce: from a fault to the guest's handler</h2>
 * {@code PvEntry.fault} follows Xen's trap handlers in order: the forced-emulation CPUID (#UD);
 * the privileged instructions Xen emulates at #GP(0) ({@code PrivilegedOps}: the MSRs a domU sees in
 * {@code PvMsrs}, {@code mov} to and from CR0/CR2/CR3/CR4 in {@code PvControlRegisters} and DR0-DR7
 * in {@code PvDebugRegisters}, CLTS, WBINVD, and I/O and CLI/STI under the virtual IOPL, the I/O
 * bitmap and the architectural_iopl assist in {@code PvIoPorts}; an emulated instruction ends
 * with RF cleared and a #DB when TF was set or an I/O breakpoint hit, as Xen's do), and there too
 * the one #GP(0) that is not Xen's business: the
 * CPU hands every IRET at CPL 3 to its platform, but on hardware a same-privilege {@code iretq}
 * never leaves the guest, so {@code SamePrivilegeIret} executes it as the hardware would against
 * Xen's flat GDT selectors, raising the hardware's own #GP/#SS/#PF; {@code int n} through Xen's gate rules (vectors 3 and 4 have
 * DPL-3 gates and arrive as #BP/#OF, 0x80 goes straight to a registered handler, any other
 * vector needs a trap-info DPL the guest's mode may use, else it is #GP(n*8+2) at the
 * instruction); then {@code TrapBounce}, which is Xen's {@code pv_inject_event} plus
 * {@code create_bounce_frame}. It builds the whole frame in one buffer (RCX, R11, [error code],
 * RIP, CS with RPL 0 and the saved upcall mask in bits 32-63, RFLAGS with IF = !mask, RSP, SS)
 * and writes it with one all-or-nothing copy below the 16-byte-aligned RSP, so a frame is
 * either complete or not written at all. Only then does it touch vCPU state: the upcall mask
 * when the trap-info entry asks for it, RFLAGS (TF, NT, RF, VM, AC cleared), the flat kernel CS
 * and SS, RSP and RIP. A #PF also stores CR2 in {@code vcpu_info.arch.cr2} with the error code's
 * U bit set to the guest's mode; #NM clears the virtual CR0.TS (Xen's ABI). What Xen answers with
 * a domain crash (no handler, a stack pointer in the hypervisor's range, an unwritable frame)
 * crashes the domain here, with a report that names the event being delivered and what stopped
 * it. Xen does not use the failsafe callback for these, and neither does TruffleXen: it is only
 * for failed segment reloads on the way back to the guest.
 *
 * <h2>iret: the way back</h2>
 * {@code IretHypercall} is Xen's {@code do_iret}: the hypercall page's stub pushes RCX, R11 and
 * RAX onto the guest's frame, so {@code struct iret_context} sits at RSP. CS and SS get RPL 3,
 * RFLAGS loses IOPL and VM and always has IF, the upcall mask becomes the frame's inverted IF,
 * RCX/R11 come from the frame or, with VGCF_in_syscall, are SYSRET's (RIP, RFLAGS), and RAX is
 * the frame's. Xen then leaves with a real IRETQ, whose faults the guest receives as if the
 * restored context had raised them; TruffleXen checks the same things explicitly (flat 64-bit CS,
 * flat SS, canonical RIP) and delivers the same #GP through the bounce. Returning to user mode
 * (CS RPL 3) needs user page tables (MMUEXT_NEW_USER_BASEPTR); without them the domain crashes
 * as Xen's does.
 *
 * <h2>Kernel and user mode</h2>
 * {@code GuestMode} is Xen's {@code toggle_guest_mode}: the active GS base is kept for its mode
 * and the other mode's loaded, CR3 moves between the kernel's L4 and the user L4, and the
 * vCPU's TF_kernel_mode flips. The iret hypercall switches to user mode; everything that enters
 * the kernel from user mode switches back inside the bounce, whose frame then goes on the stack
 * {@code stack_switch} registered and keeps CS's RPL 3 (how the guest kernel tells where the
 * event came from). {@code FastSystemCalls} follows Xen's entry stubs: a user {@code syscall}
 * bounces to the syscall callback with the stub's frame (CS FLAT_KERNEL_CS64, RFLAGS from R11,
 * DF cleared; #UD at the instruction when there is no callback), {@code sysenter} (#GP(0) from
 * the CPU at CPL 3) to the sysenter callback with RIP and RSP 0 (#GP(0) without one), and
 * {@code int $0x80} is a direct trap. Privileged instructions are emulated only in guest kernel
 * mode, where Xen's emulator sees CPL 0; in user mode their #GP(0) goes to the kernel.
 *
 * <h2>Descriptors and segments</h2>
 * {@code DescriptorTables} is the GDT and LDT as the hardware sees them under Xen: the guest's
 * {@code set_gdt} frames below Xen's reserved page (0xe000-0xefff: the flat ring-3 selectors,
 * Xen's ring-0 segments, TSS, LDT and per-CPU entries), the LDT from MMUEXT_SET_LDT.
 * {@code SegmentDescriptors} is Xen's {@code check_descriptor} (DPL raised to 3, call gates
 * forced to DPL 0 with the DPL kept in the target's RPL, every other system descriptor refused),
 * used by {@code set_gdt}, {@code update_descriptor} and, as a second line of defence, every
 * lookup. {@code DescriptorPages} is the one place where frames become descriptor pages in the
 * frame table (a seg_desc type reference, refused while a writable mapping exists) and where
 * {@code update_descriptor} checks its target. {@code SegmentInstructions} carries out what the hardware does
 * without Xen and the CPU leaves to its platform: {@code mov sreg}, {@code pop fs/gs},
 * {@code retf}, far {@code jmp}/{@code call} through memory with the hardware's #GP/#NP/#SS
 * checks at CPL 3, and SGDT/SIDT/SLDT/STR with Xen's values. A far transfer through a call gate
 * meets the gate's forced DPL 0 and is #GP(gate selector), passed on as Xen does for a 64-bit PV
 * vCPU (its gate emulation serves 32-bit PV only). A transfer into a 32-bit code
 * segment stops the domain: compatibility mode is not implemented. LAR, LSL, VERR and VERW
 * run in the CPU, which reads descriptors through {@code X86Platform.segmentDescriptor}.
 *
 * <h2>Debug registers</h2>
 * {@code PvDebugRegisters} holds DR0-DR3, DR6, DR7 and Xen's {@code dr7_emul} (the I/O breakpoints)
 * and validates every write as Xen's {@code set_debugreg} does; after each one it loads the
 * instruction and data breakpoints into the CPU ({@code X86Cpu.setBreakpoints}). The CPU knows the
 * SDM's #DB rules and runs one instruction at a time only while TF or a breakpoint is armed; it
 * reports #DB with its DR6 bits, which {@code TrapBounce} merges into the virtual DR6
 * ({@code x86_merge_dr6}) before bouncing it like any exception.
 *
 * <h2>State</h2>
 * {@code PvVcpu} belongs to the vCPU's {@code PvEntry} and is touched only on that vCPU's thread
 * (VCPUOP_initialise, {@code VcpuContext}, loads a whole {@code vcpu_guest_context} into an offline
 * vCPU before its thread runs; other vCPUs only post TLB flush requests).
 * Hypercall handlers reach it from the {@code HypercallContext}'s CPU ({@code PvEntry.pvVcpu}).
 * What Xen keeps per domain is the domain part {@code PvDomain} (the PCI CONFIG_ADDRESS and RTC
 * index latches, the vm_assist types allowed); the {@code vm_assist} bits themselves sit on
 * {@code Domain}, which the builder seeds from the kernel's required features and
 * XENVER_get_features reads.
 * The FS and active GS bases live in the CPU (translated code reads them on every FS/GS access);
 * the user GS base waits in {@code PvVcpu} as Xen keeps it in the shadow GS base.
 * {@code SegmentBases} is the one writer used by WRMSR emulation and {@code set_segment_base}.
 *
 * <h2>The PV MMU</h2>
 * The guest builds its page tables from its own frames; the hypervisor checks every change (the
 * rules live in {@code mm}: {@code FrameTable} and {@code PageTables}). {@code PvMmu}, a part of
 * each domain, holds what is per domain or per vCPU: the lock its page-table changes run under,
 * the base tables each vCPU holds a reference on (kept in its {@code PvVcpu}: NEW_BASEPTR loads
 * CR3, NEW_USER_BASEPTR the user L4; VCPUOP_initialise takes both from the context), the LDT, the vm_assist flags and TLB flushes the frame table
 * asks for. {@code MmuUpdateHypercall}, {@code MmuextOpHypercall} and {@code UpdateVaMapping}
 * are Xen's do_mmu_update, do_mmuext_op and __do_update_va_mapping, batches continued with
 * MMU_UPDATE_PREEMPTED and a done count; {@code MmuOwners} is Xen's get_pg_owner with the XSM
 * default policy for unprivileged guests; {@code WritablePageTables} emulates a kernel's store
 * into its own read-only L1 when it enabled the assist. A changed L2-L4 entry flushes the
 * calling vCPU's TLB as Xen does, L1 changes are flushed only when the guest asks (UVMF flags,
 * mmuext flushes), and the frame table flushes every vCPU before a frame they may still
 * translate becomes a page table or leaves the domain.
 *
 * <h2>TLB shootdowns</h2>
 * A TLB belongs to its vCPU's thread. {@code TlbShootdown} flushes other vCPUs as Xen's
 * flush_tlb_mask does with IPIs: it posts a request to each target, asks its CPU for attention
 * and waits until every target running guest code has flushed (at its next region exit or back
 * edge, or on its way out of the hypervisor). A target inside the hypervisor, parked or offline
 * flushes before it runs guest code again, so the issuer never waits for a vCPU that might be
 * waiting for it.
 */
package dev.trufflexen.xen.pv;
