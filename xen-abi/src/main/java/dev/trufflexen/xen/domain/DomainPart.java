package dev.trufflexen.xen.domain;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key for one subsystem's per-domain state (its port table, its grant table, the builder's
 * record of the start-of-day layout). Xen's {@code struct domain} embeds each subsystem's state;
 * here the subsystem declares a key and the hypervisor attaches the state when it builds the
 * domain, so {@link Domain} imports no subsystem and no package above it.
 *
 * @param <T> the type of the state
 */
public final class DomainPart<T> {
    /** How many parts a domain can hold; raise it when a subsystem needs one more. */
    static final int MAX = 32;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final int index;
    private final String name;
    private final Class<T> type;

    private DomainPart(String name, Class<T> type) {
        this.index = NEXT.getAndIncrement();
        if (index >= MAX) {
            throw new IllegalStateException("more than " + MAX + " domain parts");
        }
        this.name = name;
        this.type = type;
    }

    /** Declares a part; call once per subsystem, from a static final field. */
    public static <T> DomainPart<T> declare(String name, Class<T> type) {
        return new DomainPart<>(name, type);
    }

    int index() {
        return index;
    }

    Class<T> type() {
        return type;
    }

    @Override
    public String toString() {
        return name;
    }
}
