package dev.trufflexen.xen.event;

import dev.trufflexen.xen.abi.Virq;

/**
 * How Xen routes a VIRQ (its {@code get_virq_type}): per vCPU (timer, debug, xenoprof, xenpmu:
 * each vCPU binds its own), per domain (argo: vCPU 0 only), or global (everything else, the
 * x86 arch VIRQs included: only the hardware domain or a domain the toolstack named may bind it).
 */
enum VirqType {
    PER_VCPU, DOMAIN, GLOBAL;

    static VirqType of(int virq) {
        return switch (virq) {
            case Virq.VIRQ_TIMER, Virq.VIRQ_DEBUG, Virq.VIRQ_XENOPROF, Virq.VIRQ_XENPMU -> PER_VCPU;
            case Virq.VIRQ_ARGO -> DOMAIN;
            default -> GLOBAL;
        };
    }
}
