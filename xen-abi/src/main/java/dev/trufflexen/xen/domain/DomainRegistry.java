package dev.trufflexen.xen.domain;

import java.util.Optional;

/** The live domains by id: what a domain may look up about others (remote shutdown, interdomain events). */
@FunctionalInterface
public interface DomainRegistry {
    Optional<Domain> lookup(int domid);
}
