package dev.trufflexen.x86.runtime;

import org.graalvm.options.OptionCategory;
import org.graalvm.options.OptionDescriptors;
import org.graalvm.options.OptionKey;
import org.graalvm.options.OptionStability;
import org.graalvm.options.OptionValues;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.CompilerDirectives.CompilationFinal;
import com.oracle.truffle.api.Option;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.nodes.RootNode;


/**
 * The x86-64 CPU as a Truffle language. A tour of the module:
 *
 * <ul>
 * <li>{@code cpu}: the public face. {@link dev.trufflexen.x86.cpu.X86Cpu} (architectural state,
 * {@code run()}), {@link dev.trufflexen.x86.cpu.X86Engine} (the polyglot engine and context),
 * {@link dev.trufflexen.x86.cpu.X86Platform} (what the hypervisor answers), faults and names.</li>
 * <li>{@code decoder}: {@link dev.trufflexen.x86.decoder.X86OpcodeTable} (one declarative opcode
 * table), the decoder/validator and the disassembler used by crash reports.</li>
 * <li>{@code mmu}: page walk, software TLB, inline guest-memory fast path, self-modifying-code
 * hooks.</li>
 * <li>{@code nodes}: instruction nodes, one class per instruction form or small family
 * ({@code arith}, {@code data}, {@code control}), operand nodes, frame layout, lazy flags.</li>
 * <li>{@code region}: the region translator (design essay in
 * {@link dev.trufflexen.x86.region.X86RegionBuilder}), block and region root nodes.</li>
 * <li>{@code runtime}: this language, the dispatcher loop and the code cache.</li>
 * </ul>
 *
 * <p>The language evaluates no source: the embedder ({@code X86Engine}) calls the dispatcher's
 * call target ({@link #dispatcherTarget}) with an {@code X86Cpu}, which runs that CPU until it is
 * asked to exit. Regions are roots of this language called with the raw {@code X86Cpu} as their
 * only argument, so all vCPUs and domains share them and their compiled code.
 */
@TruffleLanguage.Registration(id = X86Language.ID, name = "TruffleXen x86-64", version = "0.1", contextPolicy = TruffleLanguage.ContextPolicy.SHARED)
public final class X86Language extends TruffleLanguage<X86Context> {
    public static final String ID = "x86";
    private static final LanguageReference<X86Language> LANGUAGE = LanguageReference.create(X86Language.class);

    private volatile CallTarget dispatcher;

    /**
     * Whether back edges also count towards compiling the whole region that holds them (Truffle's
     * loop counts), in regions no bigger than one OSR compilation may be. Off by default: a loop
     * then compiles only through OSR, as the few blocks of its loop, and a region compiles whole
     * only once entered often enough; on, a small region whose loop runs long compiles whole
     * after about one entry. Per engine: {@code X86Engine.create(..., Map.of("x86.LoopsCompileRegion", "true"))}.
     */
    @Option(category = OptionCategory.EXPERT, stability = OptionStability.STABLE,
            help = "Back edges count towards compiling a whole region that fits one OSR compilation (default: only towards OSR of the loop).")
    public static final OptionKey<Boolean> LoopsCompileRegion = new OptionKey<>(false);

    /**
     * Whether an OSR compilation of a loop that is left over and over copies its final state
     * back to the interpreter's frame itself when the loop ends, instead of deoptimizing there
     * (Truffle's restore). On by default: a kernel runs many short loops entered all the time
     * (Debian's kernel deoptimized about 256,000 times on its way to the root-disk panic when
     * every exit deoptimized). Which loops: see {@code X86RegionRootNode}'s OSR exits. Off, every
     * OSR exit deoptimizes.
     */
    @Option(category = OptionCategory.EXPERT, stability = OptionStability.STABLE,
            help = "OSR code of loops left often copies its state back to the interpreter's frame without deoptimizing when its loop ends.")
    public static final OptionKey<Boolean> OsrRestoreCompiled = new OptionKey<>(true);

    /**
     * Whether a hot loop whose indirect calls have met small callees is built again at its
     * header with those callees in its region, so the calls run as branches inside the loop's
     * compilation instead of chained calls (see {@code X86RegionRootNode}'s builtWithCallees).
     */
    @Option(category = OptionCategory.EXPERT, stability = OptionStability.STABLE,
            help = "A hot loop is built again with the small callees its indirect calls have met inside its region.")
    public static final OptionKey<Boolean> CalleesIntoLoops = new OptionKey<>(true);

    /**
     * Guest instructions a second a region must run in the interpreter before Truffle counts
     * its calls towards compiling it; until then it runs uncounted (see
     * {@code X86RegionHeat}). 0: every call counts, as Truffle's own thresholds alone decide
     * (tests of those thresholds, and the self-test's compiled mode, which compiles at once).
     */
    @Option(category = OptionCategory.EXPERT, stability = OptionStability.STABLE,
            help = "Guest instructions a second a region must run in the interpreter before its calls count towards compiling it (0: always counted).")
    public static final OptionKey<Long> MinCompileRate = new OptionKey<>(10_000L);

    /**
     * Entries a second that make a region's calls count towards compiling it, whatever
     * instructions it runs (see {@code X86RegionHeat}): a kernel's timer tick enters its small
     * regions a hundred times a second or more. 0: every call counts, as with
     * {@link #MinCompileRate} 0.
     */
    @Option(category = OptionCategory.EXPERT, stability = OptionStability.STABLE,
            help = "Entries a second in the interpreter that make a region's calls count towards compiling it (0: always counted).")
    public static final OptionKey<Long> MinCompileEntries = new OptionKey<>(100L);

    @CompilationFinal private boolean loopsCompileRegion;
    @CompilationFinal private boolean osrRestoreCompiled;
    @CompilationFinal private boolean calleesIntoLoops;
    private long minCompileRate;
    private long minCompileEntries;

    @Override
    protected OptionDescriptors getOptionDescriptors() {
        return new X86LanguageOptionDescriptors();
    }

    @Override
    protected boolean areOptionsCompatible(OptionValues firstOptions, OptionValues newOptions) {
        return firstOptions.get(LoopsCompileRegion).equals(newOptions.get(LoopsCompileRegion))
                && firstOptions.get(OsrRestoreCompiled).equals(newOptions.get(OsrRestoreCompiled))
                && firstOptions.get(CalleesIntoLoops).equals(newOptions.get(CalleesIntoLoops))
                && firstOptions.get(MinCompileRate).equals(newOptions.get(MinCompileRate))
                && firstOptions.get(MinCompileEntries).equals(newOptions.get(MinCompileEntries));
    }

    /** {@link #CalleesIntoLoops} of the contexts this language instance serves. */
    public boolean calleesIntoLoops() {
        return calleesIntoLoops;
    }

    /** {@link #MinCompileEntries} of the contexts this language instance serves. */
    public long minCompileEntries() {
        return minCompileEntries;
    }

    /** {@link #MinCompileRate} of the contexts this language instance serves. */
    public long minCompileRate() {
        return minCompileRate;
    }

    /** {@link #OsrRestoreCompiled} of the contexts this language instance serves. */
    public boolean osrRestoreCompiled() {
        return osrRestoreCompiled;
    }

    /** {@link #LoopsCompileRegion} of the contexts this language instance serves. */
    public boolean loopsCompileRegion() {
        return loopsCompileRegion;
    }

    @Override
    protected X86Context createContext(Env env) {
        loopsCompileRegion = env.getOptions().get(LoopsCompileRegion);
        osrRestoreCompiled = env.getOptions().get(OsrRestoreCompiled);
        calleesIntoLoops = env.getOptions().get(CalleesIntoLoops);
        minCompileRate = env.getOptions().get(MinCompileRate);
        minCompileEntries = env.getOptions().get(MinCompileEntries);
        return new X86Context(env);
    }

    @Override
    protected CallTarget parse(ParsingRequest request) {
        throw new UnsupportedOperationException("the x86 language evaluates no source; X86Engine runs CPUs through its dispatcher");
    }

    /** This language's dispatcher root, created once and shared by every CPU. */
    private CallTarget dispatcher() {
        CallTarget target = dispatcher;
        if (target == null) {
            synchronized (this) {
                if (dispatcher == null) {
                    dispatcher = new X86DispatchRootNode(this).getCallTarget();
                }
                target = dispatcher;
            }
        }
        return target;
    }

    /**
     * The dispatcher's call target, for the embedder's thread that has entered a context of this
     * language: called with {@code X86Cpu#regionArguments()}, it runs that CPU until it is asked
     * to exit.
     */
    public static CallTarget dispatcherTarget() {
        return LANGUAGE.get(null).dispatcher();
    }

    @Override
    protected boolean isThreadAccessAllowed(Thread thread, boolean singleThreaded) {
        return true;
    }
}
