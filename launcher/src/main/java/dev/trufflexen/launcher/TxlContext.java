package dev.trufflexen.launcher;

import dev.trufflexen.x86.TruffleRuntimeCheck;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Everything txl takes from its surroundings, so that tests can run the whole command line
 * in-process with their own streams, directory and domain runner.
 *
 * @param in what {@code -c} forwards to the guest
 * @param out the guest console with {@code -c}; help and version
 * @param err diagnostics: {@code txl: error:}, {@code txl: warning:}, status lines, the core's log
 * @param workingDirectory where relative paths on the command line and console logs go
 * @param environment TXL_DEBUG=1 adds stack traces to errors
 * @param terminal whether in and out are an interactive terminal (raw mode for {@code -c})
 * @param graalJitActive whether guest code would be compiled by the Graal JIT
 * @param domainRunner builds and runs domains
 * @param ownsProcess whether txl is the process itself (bin/txl), so it may handle signals and
 *     end the process; false when txl runs in-process inside another program, such as a test
 */
public record TxlContext(
        InputStream in,
        PrintStream out,
        PrintStream err,
        Path workingDirectory,
        Map<String, String> environment,
        boolean terminal,
        BooleanSupplier graalJitActive,
        CreateCommand.DomainRunner domainRunner,
        boolean ownsProcess) {

    /** The real process: standard streams, the current directory, the Xen core. */
    public static TxlContext system() {
        java.io.Console console = System.console();
        return new TxlContext(System.in, System.out, System.err,
                Path.of("").toAbsolutePath(), System.getenv(),
                console != null && console.isTerminal(),
                TruffleRuntimeCheck::isOptimizing,
                CreateCommand::runOnXenCore, true);
    }

    /** The same context, inside another program: no signal handlers, no exit. */
    public TxlContext(InputStream in, PrintStream out, PrintStream err, Path workingDirectory,
            Map<String, String> environment, boolean terminal, BooleanSupplier graalJitActive,
            CreateCommand.DomainRunner domainRunner) {
        this(in, out, err, workingDirectory, environment, terminal, graalJitActive, domainRunner, false);
    }

    boolean debug() {
        return "1".equals(environment.get("TXL_DEBUG"));
    }
}
