package dev.trufflexen.xen.hypercall;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.trufflexen.xen.abi.Hypercalls;

/**
 * The hypercall table: number to handler, as Xen's {@code pv_hypercall_table}. Immutable, built
 * once from handlers that declare their own numbers; two handlers for one number, or a number
 * outside the table, is a host bug found at start-up.
 */
public final class HypercallTable {
    private final Hypercall[] handlers = new Hypercall[Hypercalls.NR_hypercalls];

    public HypercallTable(List<Hypercall> all) {
        for (Hypercall handler : all) {
            int number = handler.number();
            if (number < 0 || number >= handlers.length) {
                throw new IllegalArgumentException("hypercall number " + number + " outside the table");
            }
            if (handlers[number] != null) {
                throw new IllegalArgumentException("two handlers for hypercall " + Hypercalls.name(number));
            }
            handlers[number] = handler;
        }
    }

    /** The handler for {@code number}, or null. */
    public Hypercall get(long number) {
        return number >= 0 && number < handlers.length ? handlers[(int) number] : null;
    }

    public Optional<Hypercall> handler(int number) {
        return Optional.ofNullable(get(number));
    }

    /** The handled numbers, ascending. */
    public int[] numbers() {
        return Arrays.stream(handlers).filter(h -> h != null).mapToInt(Hypercall::number).toArray();
    }
}
