package dev.trufflexen.launcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.trufflexen.launcher.host.Host;
import dev.trufflexen.launcher.host.HostClient;
import dev.trufflexen.launcher.host.HostPaths;
import dev.trufflexen.launcher.host.HostServer;
import dev.trufflexen.x86.TruffleRuntimeCheck;
import dev.trufflexen.xen.sched.SchedulerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txl host start|stop|status}: the long-lived host that holds every domain. Commands
 * that need a host start one when none runs; {@code start} does it explicitly, with options.
 */
@Command(name = "host", description = "Start, stop or show the TruffleXen host that holds the domains.",
        subcommands = {HostCommand.Start.class, HostCommand.Stop.class, HostCommand.Status.class,
            HostCommand.Run.class})
final class HostCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no host command given (start, stop, status)");
    }

    /** Options a host is started with. */
    static final class HostOptions {
        @Option(names = "--pcpus", paramLabel = "N",
                description = "Physical CPUs (worker threads) for the vCPU scheduler; default: the host's cores.")
        Integer pcpus;

        @Option(names = "--memory", paramLabel = "MiB",
                description = "Machine memory shared by all domains, in MiB (default 4096).")
        Long memoryMiB;

        @Option(names = "--interpreter-only", description = "Run guest code without the Graal JIT (much slower).")
        boolean interpreterOnly;

        @Option(names = "--sched", paramLabel = "credit|bvt",
                description = "The vCPU scheduler: credit (default) or bvt (Borrowed Virtual Time).")
        String scheduler;

        List<String> asArguments() {
            List<String> args = new ArrayList<>();
            if (pcpus != null) {
                args.addAll(List.of("--pcpus", pcpus.toString()));
            }
            if (memoryMiB != null) {
                args.addAll(List.of("--memory", memoryMiB.toString()));
            }
            if (interpreterOnly) {
                args.add("--interpreter-only");
            }
            if (scheduler != null) {
                args.addAll(List.of("--sched", scheduler));
            }
            return args;
        }

        Host.Settings settings(HostPaths paths) {
            int cpus = pcpus == null ? Runtime.getRuntime().availableProcessors() : pcpus;
            long memory = memoryMiB == null ? 4096 : memoryMiB;
            if (cpus < 1 || cpus > 4096) {
                throw new TxlException(ExitStatus.USAGE, "--pcpus " + cpus + ": must be 1 to 4096");
            }
            if (memory < 16 || memory > (1L << 20)) {
                throw new TxlException(ExitStatus.USAGE, "--memory " + memory + ": must be 16 to 1048576 MiB");
            }
            SchedulerKind kind;
            try {
                kind = scheduler == null ? SchedulerKind.CREDIT : SchedulerKind.named(scheduler);
            } catch (IllegalArgumentException e) {
                throw new TxlException(ExitStatus.USAGE, "--sched: " + e.getMessage());
            }
            return new Host.Settings(paths, cpus, memory, interpreterOnly, kind);
        }
    }

    @Command(name = "start", description = "Start the host in the background (if none runs).")
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HostOptions options = new HostOptions();
        private final TxlContext context;

        Start(TxlContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            options.settings(HostConnection.paths(context));
            Optional<HostClient> running = HostClient.connect(HostConnection.paths(context));
            if (running.isPresent()) {
                try (HostConnection host = HostConnection.wrap(running.get())) {
                    JsonNode status = host.request("host-status", null);
                    context.out().println("host already running: pid " + status.path("pid").asLong() + ", state in "
                            + status.path("state_directory").asText());
                }
                return 0;
            }
            try (HostConnection host = HostConnection.start(context, options.asArguments())) {
                JsonNode status = host.request("host-status", null);
                context.out().println("host started: pid " + status.path("pid").asLong() + ", state in "
                        + status.path("state_directory").asText());
            }
            return 0;
        }
    }

    @Command(name = "stop", description = "Destroy every domain and stop the host.")
    static final class Stop implements Callable<Integer> {
        private final TxlContext context;

        Stop(TxlContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws InterruptedException {
            Optional<HostClient> running = HostClient.connect(HostConnection.paths(context));
            if (running.isEmpty()) {
                context.out().println("no host is running");
                return 0;
            }
            long pid;
            try (HostConnection host = HostConnection.wrap(running.get())) {
                pid = host.request("host-stop", null).path("pid").asLong();
            }
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent() && pid != ProcessHandle.current().pid()) {
                try {
                    process.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new TxlException(ExitStatus.COMMAND_FAILED, "the host (pid " + pid
                            + ") did not stop within 30 s");
                }
            }
            context.out().println("host stopped (pid " + pid + ")");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether a host runs, and its pid, uptime and domains. "
            + "Exit status 0 when it runs, 1 when not.")
    static final class Status implements Callable<Integer> {
        private final TxlContext context;

        Status(TxlContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            HostPaths paths = HostConnection.paths(context);
            Optional<HostClient> running = HostClient.connect(paths);
            if (running.isEmpty()) {
                context.out().println("host: not running (state directory " + paths.stateDirectory() + ")");
                return ExitStatus.COMMAND_FAILED;
            }
            try (HostConnection host = HostConnection.wrap(running.get())) {
                JsonNode s = host.request("host-status", null);
                context.out().printf("host: running, pid %d, up %s, %d domains, %d pcpus, %d MiB machine memory, "
                        + "state directory %s%n", s.path("pid").asLong(),
                        XlCommands.duration(s.path("uptime_ns").asLong()), s.path("domains").asInt(),
                        s.path("pcpus").asInt(), s.path("machine_memory_mib").asLong(),
                        s.path("state_directory").asText());
            }
            return 0;
        }
    }

    /** What the background host process runs: the host in the foreground until {@code stop}. */
    @Command(name = "run", hidden = true, description = "Run the host in the foreground until 'txl host stop'.")
    static final class Run implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HostOptions options = new HostOptions();
        private final TxlContext context;

        Run(TxlContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!options.interpreterOnly && !context.graalJitActive().getAsBoolean()) {
                throw new TxlException(ExitStatus.SOFTWARE, TruffleRuntimeCheck.missingCompilerMessage());
            }
            Host host = Host.start(options.settings(HostConnection.paths(context)));
            HostServer server = HostServer.listen(host);
            Thread closer = new Thread(() -> closeQuietly(server, host), "host-shutdown");
            Runtime.getRuntime().addShutdownHook(closer);
            context.err().println("txl: host running, pid " + ProcessHandle.current().pid() + ", socket "
                    + host.settings().paths().socket());
            server.awaitStopRequest();
            closeQuietly(server, host);
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            context.err().println("txl: host stopped");
            return 0;
        }

        private static synchronized void closeQuietly(HostServer server, Host host) {
            try {
                server.close();
            } catch (IOException e) {
                // the socket file is gone already
            }
            if (!host.isClosed()) {
                host.close();
            }
        }
    }
}
