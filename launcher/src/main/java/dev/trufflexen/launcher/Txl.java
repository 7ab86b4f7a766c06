package dev.trufflexen.launcher;

import dev.trufflexen.launcher.config.ConfigException;
import dev.trufflexen.launcher.config.ConfigKey;
import dev.trufflexen.launcher.config.Printable;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code txl}, TruffleXen's counterpart of Xen's {@code xl}: the entry point of the launcher.
 *
 * <h2>A tour of the launcher module</h2>
 * <ul>
 *   <li>{@code Txl} (this class) parses the command line with picocli and turns every failure
 *       into one line, {@code txl: error: <message>}, and an exit status from {@link ExitStatus}.
 *       {@code bin/txl} starts it on a JDK 25 with the Graal compiler enabled.</li>
 *   <li>{@link CreateCommand} is {@code txl create}: it reads the configuration, checks that the
 *       Graal JIT is active, hands the domain to the Xen core, routes the guest console and maps
 *       how the guest stopped to the exit status. It is the one place that talks to the core.</li>
 *   <li>{@link GuestConsole} connects the guest console to the terminal for {@code -c}: raw mode
 *       and Ctrl-] to detach, as {@code xl console} does. {@link TerminalSettings} saves and
 *       restores the terminal byte for byte; {@link TerminationSignals} ends {@code create} on
 *       SIGINT, SIGTERM and SIGHUP with the terminal restored and status 128 + signal.</li>
 *   <li>{@code config/} reads xl.cfg files: {@code XlConfigLexer} and {@code XlConfigParser} know
 *       the syntax, {@code ConfigKey} lists the keys, {@code DomainConfigReader} checks values
 *       and builds the typed {@code DomainConfig}; every problem is a {@code ConfigException}
 *       naming file, line and the bad token. The package's essay (package-info) says how it
 *       stays bounded and clean on hostile input.</li>
 *   <li>{@code bench/} is {@code txl bench} (the guest, native and qemu benchmark suite);
 *       {@code perfhistory/} keeps its runs and bin/perf's in perf/history and judges them for
 *       regressions; {@code dashboard/} is {@code txl dashboard}, which draws that history.</li>
 * </ul>
 *
 * <p>Everything the launcher takes from the process (streams, directory, environment, the
 * domain runner) comes through {@link TxlContext}, so tests drive {@link #run} in-process.
 */
@Command(name = "txl",
        mixinStandardHelpOptions = true,
        versionProvider = Txl.Version.class,
        subcommands = {CreateCommand.class, HostCommand.class, dev.trufflexen.launcher.bench.BenchCommand.class,
            dev.trufflexen.launcher.dashboard.DashboardCommand.class, dev.trufflexen.launcher.bench.RecordJmhCommand.class,
            SelftestCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        description = "Runs Xen PV domains on TruffleXen, a Xen-compatible hypervisor on GraalVM Truffle.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            ExitStatus.GUEST_POWEROFF + ":success; for create -F: the guest powered off",
            ExitStatus.COMMAND_FAILED + ":a domain command failed (no such domain, bad argument, no host)",
            ExitStatus.GUEST_REBOOT + ":the guest rebooted",
            ExitStatus.GUEST_CRASH + ":the guest crashed",
            ExitStatus.GUEST_SUSPEND + ":the guest suspended itself",
            ExitStatus.GUEST_WATCHDOG + ":the guest's watchdog fired",
            ExitStatus.GUEST_SOFT_RESET + ":the guest asked for a soft reset",
            ExitStatus.USAGE + ":bad command line",
            ExitStatus.BAD_CONFIG + ":bad domain configuration or guest image",
            ExitStatus.UNAVAILABLE + ":no JDK 25 or newer, or txl is not built (from bin/txl)",
            ExitStatus.SOFTWARE + ":Graal JIT not active (see create --interpreter-only) or internal error",
            ExitStatus.IO_ERROR + ":cannot write the console log",
            "129:create ended by SIGHUP (130: SIGINT, 143: SIGTERM); the terminal is restored"},
        footerHeading = "%nEnvironment:%n",
        footer = {"  TXL_DEBUG=1      errors also print their stack trace",
            "  TXL_JAVA_OPTS    extra JVM options (read by bin/txl)"})
public final class Txl extends XlCommands implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Txl(TxlContext context) {
        super(context);
    }

    public static void main(String[] args) {
        System.exit(run(TxlContext.system(), args));
    }

    /** Runs txl and returns its exit status; nothing here calls System.exit. */
    public static int run(TxlContext context, String... args) {
        Factory factory = new Factory(context);
        CommandLine commandLine = new CommandLine(new Txl(context), factory);
        // No @argument files: "@/dev/zero" would be read without bound; an argument is what it says.
        commandLine.setExpandAtFiles(false);
        commandLine.setOut(new PrintWriter(context.out(), true));
        commandLine.setErr(new PrintWriter(context.err(), true));
        commandLine.setParameterExceptionHandler((exception, arguments) -> usageError(context, exception));
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> failure(context, exception));
        commandLine.getSubcommands().get("create").getCommandSpec().usageMessage()
                .footerHeading("%nConfiguration keys (xl.cfg syntax: key = \"string\" | number | [ list ]):%n")
                .footer(configKeyHelp());
        try {
            return commandLine.execute(args);
        } catch (StackOverflowError | OutOfMemoryError e) {
            // A last line of defence: the front door's limits are meant to make this unreachable.
            context.err().println("txl: error: " + oneLine("internal error: " + e
                    + (context.debug() ? "" : " (TXL_DEBUG=1 shows where)")));
            if (context.debug()) {
                e.printStackTrace(context.err());
            }
            return ExitStatus.SOFTWARE;
        }
    }

    /** {@code txl} without a command. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "no command given");
    }

    private static int usageError(TxlContext context, ParameterException exception) {
        CommandLine commandLine = exception.getCommandLine();
        String command = commandLine.getCommandSpec().qualifiedName(" ");
        String help = command.equals("txl") ? "txl help" : "txl help " + command.substring("txl ".length());
        context.err().println("txl: error: " + usageMessage(exception) + " (see '" + help + "')");
        if (context.debug()) {
            exception.printStackTrace(context.err());
        }
        return ExitStatus.USAGE;
    }

    /**
     * Picocli's message, except where it hides the real mistake: an unknown option is named
     * before a missing parameter it caused, and a word where a command belongs is an unknown
     * command.
     */
    private static String usageMessage(ParameterException exception) {
        List<String> unmatched = exception.getCommandLine().getUnmatchedArguments();
        if (!unmatched.isEmpty()) {
            String first = unmatched.getFirst();
            if (first.startsWith("-")) {
                return "unknown option '" + Printable.token(first) + "'";
            }
            if (!exception.getCommandLine().getSubcommands().isEmpty()) {
                return "unknown command '" + Printable.token(first) + "'; the commands are "
                        + String.join(", ", exception.getCommandLine().getSubcommands().entrySet().stream()
                                .filter(command -> !command.getValue().getCommandSpec().usageMessage().hidden())
                                .map(java.util.Map.Entry::getKey).toList());
            }
            return "unexpected argument '" + Printable.token(first) + "'";
        }
        return oneLine(exception.getMessage());
    }

    private static int failure(TxlContext context, Exception exception) {
        int status;
        String message;
        switch (exception) {
            case TxlException txl -> {
                status = txl.exitStatus();
                message = txl.getMessage();
            }
            case ConfigException config -> {
                status = ExitStatus.BAD_CONFIG;
                message = config.getMessage();
            }
            default -> {
                status = ExitStatus.SOFTWARE;
                message = "internal error: " + exception + (context.debug() ? "" : " (TXL_DEBUG=1 shows where)");
            }
        }
        context.err().println("txl: error: " + oneLine(message));
        if (context.debug()) {
            exception.printStackTrace(context.err());
        }
        return status;
    }

    /**
     * Error messages stay on one printable line of bounded length even if a lower layer's message
     * has several lines, or quotes hostile input without escaping it (see {@link Printable}).
     */
    static String oneLine(String message) {
        return message == null ? "" : Printable.line(message.strip().replaceAll("[ \\t]*\\R[ \\t]*", " "));
    }

    private static String[] configKeyHelp() {
        return java.util.Arrays.stream(ConfigKey.values())
                .map(key -> String.format("  %-12s %s", key.key(), key.help()))
                .toArray(String[]::new);
    }

    /** Gives picocli's commands the context: those with a (TxlContext) constructor get it. */
    private record Factory(TxlContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                java.lang.reflect.Constructor<K> withContext = type.getDeclaredConstructor(TxlContext.class);
                withContext.setAccessible(true);
                return withContext.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** {@code txl --version}: the build, the JDK and whether the Graal JIT is active. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "txl " + buildVersion() + " (TruffleXen)",
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                "Truffle runtime: " + runtimeDescription()
            };
        }

        static String buildVersion() {
            try (InputStream in = Txl.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    String version = properties.getProperty("version", "");
                    if (!version.isEmpty() && !version.startsWith("${")) {
                        return version;
                    }
                }
            } catch (IOException e) {
                // fall through: the version is cosmetic
            }
            return "(development build)";
        }

        private static String runtimeDescription() {
            try {
                return TruffleRuntimeCheck.runtimeName()
                        + (TruffleRuntimeCheck.isOptimizing() ? " (Graal JIT active)" : " (no JIT: interpreter only)");
            } catch (RuntimeException | LinkageError e) {
                return "unavailable (" + e + ")";
            }
        }
    }
}
