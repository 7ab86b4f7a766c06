package dev.trufflexen.x86.nodes;

import com.oracle.truffle.api.CompilerDirectives;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;

import dev.trufflexen.x86.mmu.X86Mmu;
import dev.trufflexen.x86.runtime.X86ExitException;

/**
 * Whether one site of translated code (a memory operand, a division, a push or pop) has ever
 * faulted or taken a rare slow path that leaves the region. Until it has, compiled code holds no
 * path for it: a memory slow path is called without an exception edge
 * ({@link X86Mmu#readSlowQuietly} and its siblings, whose exit is checked afterwards), and an
 * inline fault test ends in a deoptimization. The first time the site faults in compiled code,
 * the code is invalidated, the fault is delivered from the interpreter with exact state, and the
 * next compilation includes the path: each site deoptimizes at most once per profile, so a
 * site that keeps faulting (demand paging, copy-on-write) cannot loop through deoptimizations.
 * A fault while interpreted marks the site too, so regions that fault before their first
 * compilation compile with the path from the start.
 *
 * <p>The point is code size and register pressure: an exception edge from a slow-path call merges
 * every live guest register into the region's exit handler, and those merges are most of a
 * compiled region's exit machinery. With {@code -Dtrufflexen.faultProfiles=false} every site
 * starts as having faulted, so compiled code holds every fault path, as before these profiles
 * (for measuring what they buy).
 */
public final class X86FaultProfile {
    /** A profile that has always seen faults: sites without a profile of their own keep their paths compiled. */
    public static final X86FaultProfile ALWAYS = new X86FaultProfile(true);

    private static final boolean ENABLED = !"false".equals(System.getProperty("trufflexen.faultProfiles"));

    @CompilationFinal private boolean seen;

    public X86FaultProfile() {
        this(!ENABLED);
    }

    private X86FaultProfile(boolean seen) {
        this.seen = seen;
    }

    /** True once the site has faulted: its fault paths are compiled. */
    public boolean seen() {
        return seen;
    }

    /** Called on a site's fault path before it throws: the first time, in compiled code, deoptimizes and invalidates. */
    public void enter() {
        if (!seen) {
            CompilerDirectives.transferToInterpreterAndInvalidate();
            seen = true;
        }
    }

    /** The exit a quiet slow path left pending in {@code mmu}, after {@link #enter()}. */
    public X86ExitException pendingExit(X86Mmu mmu) {
        enter();
        return mmu.takePendingExit();
    }
}
