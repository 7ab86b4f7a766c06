package dev.trufflexen.launcher;

import dev.trufflexen.launcher.config.ConfigException;
import dev.trufflexen.launcher.config.DomainConfig;
import dev.trufflexen.launcher.config.DomainConfigReader;
import dev.trufflexen.launcher.config.Printable;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code txl create}: builds a domain from an xl configuration, runs it until it stops and
 * exits with a status saying how it stopped.
 *
 * <p>This is the only class that meets the Xen core ({@code dev.trufflexen.xen}): the
 * mapping from {@link DomainConfig} to the core's {@code DomainSpec}, from the core's
 * {@code ShutdownReason} to {@link GuestStop} and from there to the exit status all live here.
 * The rest of the command goes through {@link DomainRunner}, so tests run it without guests.
 *
 * <p>Order of checks: the configuration first (so {@code txl create} validates a file anywhere),
 * then the Graal JIT, then the domain builder.
 */
@Command(name = "create",
        sortOptions = false,
        customSynopsis = {"txl create [-cp] CONFIG [KEY=VALUE...]",
            "       txl create -F [-cv] [--trace] [--audit-mmu] [--interpreter-only]",
            "                     CONFIG [KEY=VALUE...]"},
        description = {"Builds a PV domain from an xl configuration file in the TruffleXen host (started if none "
                + "runs) and returns, as xl create does; its console goes to the state directory's "
                + "console/guest-NAME.log.",
            "With -F, txl runs the domain itself in the foreground until it stops, writes the console to NAME.log "
                + "in the current directory, and exits with a status that says how the guest stopped "
                + "(see 'txl help')."})
public final class CreateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--console"},
            description = "Connect the guest console to this terminal; Ctrl-] detaches (the domain keeps running).")
    boolean console;

    @Option(names = {"-p", "--paused"}, description = "Leave the domain paused after creating it ('txl unpause').")
    boolean paused;

    @Option(names = {"-F", "--foreground"},
            description = "Run the domain in this process until it stops; the exit status says how it stopped.")
    boolean foreground;

    @Option(names = "--trace",
            description = "Keep the last instructions each vCPU executed and show them in crash reports.")
    boolean trace;

    @Option(names = "--audit-mmu",
            description = "Check the PV MMU's invariants (reference counts, types, no writable page tables) at every "
                + "yield of the guest and after it stops; violations go to stderr.")
    boolean auditMmu;

    @Option(names = {"-v", "--verbose"}, description = "Copy the hypervisor's console (its log) to stderr.")
    boolean verbose;

    @Option(names = "--interpreter-only",
            description = "Run without the Graal JIT, in the Truffle interpreter (much slower).")
    boolean interpreterOnly;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "xl domain configuration file.")
    String configFile;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
            description = "Settings that override the file, in xl.cfg syntax; an unquoted value is taken as written.")
    List<String> overrides = new ArrayList<>();

    private final TxlContext context;

    CreateCommand(TxlContext context) {
        this.context = context;
    }

    /** How a domain stopped; the names are those of the core's {@code ShutdownReason}. */
    public enum GuestStop {
        POWEROFF, REBOOT, SUSPEND, CRASH, WATCHDOG, SOFT_RESET;

        /** xl's word for it: poweroff, reboot, ..., soft_reset. */
        public String xlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the guest console is connected to. */
    public sealed interface ConsoleRoute {
        /** {@code -c}: guest output to {@code out}, {@code in} to the guest. */
        record Attached(InputStream in, OutputStream out) implements ConsoleRoute {
        }

        /** No {@code -c}: guest output to a log; the guest gets no input. */
        record Logged(OutputStream log) implements ConsoleRoute {
        }
    }

    /**
     * Options for the hypervisor, from the command line.
     *
     * @param domainBuilt called once the domain is built, before it runs: only then does txl say
     *     it started, so a domain the builder refuses gets exactly one line, the error
     */
    public record RunOptions(boolean interpreterOnly, boolean trace, boolean verbose, PrintStream log,
            Runnable domainBuilt, boolean auditMmu) {
        public RunOptions(boolean interpreterOnly, boolean trace, boolean verbose, PrintStream log, Runnable domainBuilt) {
            this(interpreterOnly, trace, verbose, log, domainBuilt, false);
        }
    }

    /**
     * Builds a domain, connects its console and runs it until it stops. Throws
     * {@link TxlException} with {@link ExitStatus#BAD_CONFIG} when the builder rejects the domain.
     */
    @FunctionalInterface
    public interface DomainRunner {
        GuestStop run(DomainConfig config, RunOptions options, ConsoleRoute console);
    }

    @Override
    public Integer call() throws ConfigException, IOException {
        Path configPath;
        try {
            configPath = Path.of(configFile);
        } catch (InvalidPathException e) {
            throw new TxlException(ExitStatus.USAGE, Printable.path(configFile) + ": not a valid file name ("
                    + e.getReason() + ")");
        }
        DomainConfig config = DomainConfigReader.read(configPath, configFile, overrides, context.workingDirectory());
        if (!foreground) {
            return createInHost(config);
        }
        if (paused) {
            throw new TxlException(ExitStatus.USAGE, "-p needs the host: it cannot be used with -F");
        }
        if (!interpreterOnly && !context.graalJitActive().getAsBoolean()) {
            throw new TxlException(ExitStatus.SOFTWARE, TruffleRuntimeCheck.missingCompilerMessage());
        }
        Path logFile = context.workingDirectory().resolve(config.name() + ".log");
        String shownLog = Printable.path(logFile.toString());
        GuestStop stop;
        try (TerminationSignals signals = TerminationSignals.install(context.ownsProcess(), context.err(),
                config.name())) {
            if (console) {
                try (GuestConsole guestConsole = GuestConsole.open(context, config.name(), logFile, signals)) {
                    RunOptions options = runOptions(config, guestConsole::announce);
                    stop = context.domainRunner().run(config, options,
                            new ConsoleRoute.Attached(guestConsole.input(), guestConsole.output()));
                }
            } else {
                boolean logExisted = Files.exists(logFile, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                AtomicBoolean started = new AtomicBoolean();
                try (OutputStream log = openConsoleLog(logFile)) {
                    RunOptions options = runOptions(config, () -> {
                        started.set(true);
                        context.err().println("txl: starting domain " + config.name()
                                + "; its console output goes to " + shownLog);
                    });
                    stop = context.domainRunner().run(config, options, new ConsoleRoute.Logged(log));
                } catch (RuntimeException refused) {
                    if (!started.get() && !logExisted) {
                        // A domain that was never built leaves no console log behind.
                        Files.deleteIfExists(logFile);
                    }
                    throw refused;
                }
            }
        }
        context.err().println("txl: domain " + config.name() + " stopped: " + stop.xlName());
        return exitStatus(stop);
    }

    /**
     * xl create: the host builds the domain (reading the same files, so its checks are these
     * checks again) and txl returns; with -c it attaches to the console.
     */
    private int createInHost(DomainConfig config) {
        if (trace || auditMmu || verbose || interpreterOnly) {
            throw new TxlException(ExitStatus.USAGE, "--trace, --audit-mmu, -v and --interpreter-only need -F "
                    + "(the host runs domains with its own options; see 'txl host start')");
        }
        com.fasterxml.jackson.databind.node.ObjectNode args = dev.trufflexen.launcher.host.HostClient.args();
        args.put("config", configFile);
        args.put("cwd", context.workingDirectory().toString());
        args.put("paused", paused);
        com.fasterxml.jackson.databind.node.ArrayNode given = args.putArray("overrides");
        overrides.forEach(given::add);
        try (HostConnection host = HostConnection.open(context)) {
            com.fasterxml.jackson.databind.JsonNode created = host.request("create", args);
            for (com.fasterxml.jackson.databind.JsonNode warning : created.path("warnings")) {
                context.err().println("txl: warning: " + Printable.line(warning.asText()));
            }
            context.err().println("txl: domain " + config.name() + " created (id " + created.path("id").asInt()
                    + (paused ? ", paused" : "") + "); its console output goes to "
                    + Printable.path(created.path("console_log").asText()));
            if (console) {
                return ConsoleAttachment.attach(context, host, config.name());
            }
        }
        return 0;
    }

    /**
     * The options for this run. Once the domain is built, the configuration's warnings are
     * shown, then {@code started}: a domain the builder refuses gets its error line alone.
     */
    private RunOptions runOptions(DomainConfig config, Runnable started) {
        return new RunOptions(interpreterOnly, trace, verbose, context.err(), () -> {
            for (String warning : config.warnings()) {
                context.err().println("txl: warning: " + Printable.line(warning));
            }
            started.run();
        }, auditMmu);
    }

    /** The exit status for each way a guest can stop; see {@link ExitStatus}. */
    static int exitStatus(GuestStop stop) {
        return switch (stop) {
            case POWEROFF -> ExitStatus.GUEST_POWEROFF;
            case REBOOT -> ExitStatus.GUEST_REBOOT;
            case CRASH -> ExitStatus.GUEST_CRASH;
            case SUSPEND -> ExitStatus.GUEST_SUSPEND;
            case WATCHDOG -> ExitStatus.GUEST_WATCHDOG;
            case SOFT_RESET -> ExitStatus.GUEST_SOFT_RESET;
        };
    }

    static OutputStream openConsoleLog(Path logFile) {
        try {
            return Files.newOutputStream(logFile);
        } catch (IOException e) {
            throw new TxlException(ExitStatus.IO_ERROR,
                    "cannot write the console log " + Printable.path(logFile.toString()) + ": " + describe(e), e);
        }
    }

    static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException denied -> "permission denied";
            case java.nio.file.NoSuchFileException missing -> "no such directory";
            default -> String.valueOf(e.getMessage());
        };
    }

    /**
     * Builds and runs a domain on the Xen core ({@code dev.trufflexen.xen}): the
     * production {@link DomainRunner}.
     */
    static GuestStop runOnXenCore(DomainConfig config, RunOptions options, ConsoleRoute console) {
        return XenCoreRunner.run(config, options, console);
    }
}
