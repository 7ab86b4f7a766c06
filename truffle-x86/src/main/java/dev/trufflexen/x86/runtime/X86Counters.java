package dev.trufflexen.x86.runtime;

import java.util.concurrent.atomic.LongAdder;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;

/**
 * Opt-in event counters of translated code, for measuring where guest time goes: guest
 * instructions, region calls, how regions are left, back edges and in-region RET/table matches.
 *
 * <p>Off unless the JVM starts with {@code -Dtrufflexen.counters=true} (or the property is set
 * before this class is first used, as {@code txl bench --counters} does). {@link #ENABLED} is a
 * static final constant, so when it is off every counting site folds away and compiled code is the
 * same as without counters. When it is on, each count is a call out of compiled code, which slows
 * guests down several times: counters tell what happens, not how fast.
 *
 * <p>Counts are process-wide sums over every vCPU; {@link #reset} and {@link #snapshot} bracket one
 * measurement.
 */
public final class X86Counters {
    public static final String PROPERTY = "trufflexen.counters";
    public static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

    /** The kinds of events counted, in the order of {@link Snapshot#values}. */
    public enum Event {
        /** Guest instructions of the blocks entered (a fault in a block's middle still counts the whole block). */
        INSTRUCTIONS,
        /** Calls of a region from the dispatcher. */
        REGION_CALLS,
        /** A region ran to an indirect branch, RET or edge leaving it. */
        EXIT_BRANCH,
        /** A region left at a guest fault, trap or software interrupt. */
        EXIT_FAULT,
        /** A region left at SYSCALL. */
        EXIT_SYSCALL,
        /** A region stopped to resume elsewhere (modified code, an interrupted string instruction). */
        EXIT_RESUME,
        /** The platform ran inside the region and took over (hypercalls and the like). */
        EXIT_PLATFORM,
        /** Back edges inside regions. */
        BACK_EDGES,
        /** RETs and table jumps that found their target among the region's blocks. */
        IN_REGION_DYNAMIC,
        /** Guest data accesses that missed the TLB inline and took the MMU's slow path. */
        TLB_MISSES,
        /** Translations the victim TLB supplied on a miss. */
        VICTIM_TLB_HITS,
        /** Page walks of data accesses and fetches (after the victim TLB missed too). */
        PAGE_WALKS,
        /** Page walks that started from the page-walk cache's L1 table. */
        WALK_CACHE_HITS,
        /** Calls of a region from another region's CALL (a chained call), not from the dispatcher. */
        CHAINED_CALLS,
        /** Chained calls that ended with the callee's RET to the call's return address (a host return). */
        HOST_RETURNS,
        /** Misses of a memory site's frame cache (the stack's, tight loops' operands) that called the MMU out of line. */
        SITE_CACHE_MISS_CALLS,
        /** Region calls run without the region's call target while it was cold, so Truffle counted none of them ({@code X86RegionHeat}). */
        UNCOUNTED_RUNS
    }

    private static final LongAdder[] COUNTS = new LongAdder[Event.values().length];

    static {
        for (int i = 0; i < COUNTS.length; i++) {
            COUNTS[i] = new LongAdder();
        }
    }

    private X86Counters() {
    }

    /** Counts {@code n} events; callers check {@link #ENABLED} first so the call folds away when off. */
    @TruffleBoundary
    public static void add(Event event, long n) {
        COUNTS[event.ordinal()].add(n);
    }

    public static void reset() {
        for (LongAdder count : COUNTS) {
            count.reset();
        }
    }

    public static Snapshot snapshot() {
        long[] values = new long[COUNTS.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = COUNTS[i].sum();
        }
        return new Snapshot(values);
    }

    /** Counter values at one moment, indexed by {@link Event#ordinal()}. */
    public record Snapshot(long[] values) {
        public long get(Event event) {
            return values[event.ordinal()];
        }

        /** Every region exit, whatever its kind. */
        public long exits() {
            return get(Event.EXIT_BRANCH) + get(Event.EXIT_FAULT) + get(Event.EXIT_SYSCALL) + get(Event.EXIT_RESUME) + get(Event.EXIT_PLATFORM);
        }
    }
}
