package dev.trufflexen.x86;

import com.oracle.truffle.api.Truffle;

/**
 * Tells whether guest code will be compiled by the Graal JIT or only interpreted.
 *
 * <p>On stock JDK 25, Truffle falls back to an interpreter-only runtime unless the Graal compiler
 * jars are on {@code --upgrade-module-path} with JVMCI enabled. That fallback is silent and some
 * hundred times slower, so every entry point asks here and refuses to run guests on it unless
 * the user asked for the interpreter explicitly.
 */
public final class TruffleRuntimeCheck {
    private TruffleRuntimeCheck() {
    }

    /** The name Truffle reports for its runtime, e.g. "GraalVM CE" or "Interpreted". */
    public static String runtimeName() {
        return Truffle.getRuntime().getName();
    }

    /** True when the optimizing (compiling) runtime is in use. */
    public static boolean isOptimizing() {
        return !Truffle.getRuntime().getClass().getName().contains("DefaultTruffleRuntime");
    }

    /** The message users see when the optimizing runtime is missing. */
    public static String missingCompilerMessage() {
        return "the Graal JIT is not active (Truffle runtime: " + runtimeName() + "). "
                + "Run with -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI and "
                + "--upgrade-module-path naming the compiler, truffle-compiler, collections and word jars "
                + "(bin/txl does this), or pass --interpreter-only to run slowly on purpose.";
    }
}
