package dev.trufflexen.x86.cpu;

import java.io.OutputStream;
import java.util.IdentityHashMap;
import java.util.Map;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;

import com.oracle.truffle.api.Assumption;
import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.Truffle;

import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.x86.memory.MachineMemory;
import dev.trufflexen.x86.runtime.X86CodeCache;
import dev.trufflexen.x86.runtime.X86Language;

/**
 * The Truffle engine guest code runs on: one polyglot {@link Engine} and {@link Context} with the
 * {@code x86} language, shared by every {@link X86Cpu} created on it, so translated regions and
 * their compiled code are shared between vCPUs and domains.
 *
 * <p>{@link X86Cpu#run()} calls the language's dispatcher root (its call target looked up once
 * per engine) with the CPU, on the context entered for the call or, on a thread that entered it
 * for good ({@link #enterThread}), already; the dispatcher looks regions up in the
 * {@link X86CodeCache} of the CPU's machine memory and calls them.
 */
public final class X86Engine implements AutoCloseable {
    /** System property with extra engine options for diagnostics: see {@link #diagnosticOptions()}. */
    public static final String OPTIONS_PROPERTY = "trufflexen.engineOptions";
    /**
     * The compilation queue's order: OSR compilations of hot loops first. Truffle's queue
     * otherwise starts every first-tier compilation before any last-tier one, and OSR
     * compilations are last-tier: a loop calling many small functions (each hot enough for a
     * first-tier compilation of its own, each slow while the compiler itself is still cold)
     * then ran in the interpreter until all of them had compiled. The OSR bonus is large because
     * a queued loop's count stops growing while its callees' call counts keep growing: with a
     * bonus of 100 a loop calling 12 small functions still started after all 12 of them. Off with
     * {@code -Dtrufflexen.loopsFirst=false}; {@value #OPTIONS_PROPERTY} overrides either option.
     */
    private static final boolean LOOPS_FIRST = !"false".equals(System.getProperty("trufflexen.loopsFirst"));
    private static final Map<String, String> LOOPS_FIRST_OPTIONS = Map.of(
            "engine.TraversingQueueFirstTierPriority", "false",
            "engine.TraversingQueueOSRBonus", "100000");

    private final Engine engine;
    private final Context context;
    /** The language's dispatcher root, called directly on the context entered (see {@link #run}). */
    private final CallTarget dispatcher;
    /** Set on threads that entered the context for good ({@link #enterThread}). */
    private final ThreadLocal<Boolean> threadEntered = new ThreadLocal<>();
    private final boolean tracing;
    private final Assumption noTaskSwitch = Truffle.getRuntime().createAssumption("no vCPU has set CR0.TS");
    private final Map<MachineMemory, X86CodeCache> codeCaches = new IdentityHashMap<>();

    private X86Engine(boolean interpreterOnly, boolean tracing, Map<String, String> engineOptions, OutputStream log) {
        this.tracing = tracing;
        Engine.Builder builder = Engine.newBuilder(X86Language.ID).out(System.out).err(System.err);
        if (log != null) {
            builder.logHandler(log);
        }
        if (interpreterOnly) {
            builder.option("engine.WarnInterpreterOnly", "false");
        }
        boolean disableCompilation = interpreterOnly && TruffleRuntimeCheck.isOptimizing();
        if (disableCompilation) {
            builder.option("engine.Compilation", "false");
        }
        Map<String, String> diagnostics = diagnosticOptions();
        boolean loopsFirst = !interpreterOnly && LOOPS_FIRST;
        if (loopsFirst) {
            builder.options(LOOPS_FIRST_OPTIONS);
        }
        builder.allowExperimentalOptions(disableCompilation || loopsFirst || !engineOptions.isEmpty() || !diagnostics.isEmpty());
        builder.options(engineOptions);
        builder.options(diagnostics);
        this.engine = builder.build();
        this.context = Context.newBuilder(X86Language.ID).engine(engine).allowHostAccess(HostAccess.ALL).build();
        context.initialize(X86Language.ID);
        context.enter();
        try {
            this.dispatcher = X86Language.dispatcherTarget();
        } finally {
            context.leave();
        }
    }

    /**
     * Creates an engine. Unless {@code interpreterOnly}, refuses to run without the Graal JIT.
     *
     * @param trace record executed instruction RIPs for {@link X86Cpu#recentRips()}
     */
    public static X86Engine create(boolean interpreterOnly, boolean trace) {
        return create(interpreterOnly, trace, Map.of());
    }

    /** As {@link #create(boolean, boolean)}, with extra polyglot engine options (e.g. compilation tracing). */
    public static X86Engine create(boolean interpreterOnly, boolean trace, Map<String, String> engineOptions) {
        return create(interpreterOnly, trace, engineOptions, null);
    }

    /**
     * As {@link #create(boolean, boolean, Map)}, sending the engine's log (compilation traces,
     * performance warnings) to {@code log} instead of standard error.
     */
    public static X86Engine create(boolean interpreterOnly, boolean trace, Map<String, String> engineOptions, OutputStream log) {
        if (!interpreterOnly && !TruffleRuntimeCheck.isOptimizing()) {
            throw new IllegalStateException(TruffleRuntimeCheck.missingCompilerMessage());
        }
        return new X86Engine(interpreterOnly, trace, engineOptions, log);
    }

    /**
     * Engine options from system property {@value #OPTIONS_PROPERTY}, comma-separated
     * {@code name=value} pairs (e.g. {@code engine.TraceCompilation=true,engine.TraceDeoptimizeFrame=true}):
     * how a developer inspects compilation of a real run, e.g. through {@code TXL_JAVA_OPTS}.
     */
    private static Map<String, String> diagnosticOptions() {
        String text = System.getProperty(OPTIONS_PROPERTY, "").trim();
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String pair : text.isEmpty() ? new String[0] : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(OPTIONS_PROPERTY + ": expected name=value, got '" + pair + "'");
            }
            options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return options;
    }

    /** Valid until a vCPU of this engine first sets CR0.TS: until then x87/SSE code skips the #NM check. */
    public Assumption noTaskSwitch() {
        return noTaskSwitch;
    }

    public boolean isTracing() {
        return tracing;
    }

    /** The translated-code cache for one machine memory (regions are keyed by machine address). */
    public synchronized X86CodeCache codeCache(MachineMemory memory) {
        return codeCaches.computeIfAbsent(memory, X86CodeCache::new);
    }

    /**
     * Runs the CPU's dispatcher on the calling thread: the dispatcher's call target called with
     * the CPU's constant argument array on the entered context, so that a switch-in allocates
     * nothing and crosses no polyglot value call (which wrapped the CPU as a host object per
     * call). A host exception from a platform callback comes out as itself.
     */
    void run(X86Cpu cpu) {
        boolean enterForThisRun = threadEntered.get() == null;
        if (enterForThisRun) {
            context.enter();
        }
        try {
            dispatcher.call(cpu.regionArguments());
        } finally {
            if (enterForThisRun) {
                context.leave();
            }
        }
    }

    /**
     * Keeps the context entered on the calling thread until {@link #leaveThread}: a thread that
     * runs CPUs of this engine one after another (a scheduler's worker) then enters once, not per
     * {@link X86Cpu#run()} (an explicit enter and leave cost more than a short run of guest code).
     * The thread must call {@link #leaveThread} before it ends and before this engine is closed.
     */
    public void enterThread() {
        if (threadEntered.get() == null) {
            context.enter();
            threadEntered.set(Boolean.TRUE);
        }
    }

    /** Undoes {@link #enterThread} on the calling thread (nothing if it did not enter or the context is closed). */
    public void leaveThread() {
        if (threadEntered.get() != null) {
            threadEntered.remove();
            try {
                context.leave();
            } catch (IllegalStateException closed) {
                // closed meanwhile (cancelled with the thread still entered): nothing left to leave
            }
        }
    }

    @Override
    public void close() {
        context.close(true);
        engine.close();
    }
}
