package dev.trufflexen.launcher;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trufflexen.launcher.host.HostClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * xl's subcommands that act on domains in the host: each sends one request of the host
 * protocol and prints the reply as xl does. DOMAIN is a name or a numeric id. {@link Txl}
 * inherits them, since picocli runs a command method on its parent command's object.
 */
abstract class XlCommands {
    private final TxlContext context;

    XlCommands(TxlContext context) {
        this.context = context;
    }

    private PrintStream out() {
        return context.out();
    }

    @Command(name = "list", description = "List the domains: name, id, memory (MiB), vCPUs, state "
            + "(r running, b blocked, p paused, s shut down, c crashed, d dying), CPU time (s).")
    int list(@Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "Only this domain.") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            JsonNode rows = host.request("list", domainArgs(domain));
            out().printf("%-40s %5s %5s %5s %10s %9s%n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
            for (JsonNode row : rows) {
                out().printf(Locale.ROOT, "%-40s %5d %5d %5d     %s %9.1f%n", row.path("name").asText(),
                        row.path("id").asInt(), row.path("mem").asLong(), row.path("vcpus").asInt(),
                        row.path("state").asText(), row.path("cpu_ns").asLong() / 1e9);
            }
        }
        return 0;
    }

    @Command(name = "destroy", description = "Stop a domain at once and free everything it holds.")
    int destroy(@Parameters(paramLabel = "DOMAIN") String domain) {
        return simple("destroy", domain);
    }

    @Command(name = "pause", description = "Pause a domain (counted: each pause needs an unpause).")
    int pause(@Parameters(paramLabel = "DOMAIN") String domain) {
        return simple("pause", domain);
    }

    @Command(name = "unpause", description = "Undo one pause of a domain.")
    int unpause(@Parameters(paramLabel = "DOMAIN") String domain) {
        return simple("unpause", domain);
    }

    @Command(name = "dump-core", description = "Write a domain's core (xl's ELF core format) to a file.")
    int dumpCore(@Parameters(paramLabel = "DOMAIN") String domain, @Parameters(paramLabel = "FILE") String file) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("domain", domain);
            args.put("file", file);
            args.put("cwd", context.workingDirectory().toString());
            host.request("dump-core", args);
        }
        return 0;
    }

    @Command(name = "shutdown", description = "Shut a domain down (then its on_poweroff action applies).")
    int shutdown(@Option(names = "-w", description = "Wait until the domain has stopped.") boolean wait,
            @Parameters(paramLabel = "DOMAIN") String domain) {
        return stop("shutdown", domain, wait);
    }

    @Command(name = "reboot", description = "Reboot a domain (then its on_reboot action applies).")
    int reboot(@Option(names = "-w", description = "Wait until the domain has stopped.") boolean wait,
            @Parameters(paramLabel = "DOMAIN") String domain) {
        return stop("reboot", domain, wait);
    }

    private int stop(String cmd, String domain, boolean wait) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("domain", domain);
            args.put("wait", wait);
            host.request(cmd, args);
        }
        return 0;
    }

    @Command(name = "monitor", description = {"Run monitor commands on a domain in the host: each -e CMD in order,",
        "else a prompt (help lists the commands; quit leaves, the domain runs on)."})
    int monitor(@Option(names = {"-e", "--execute"}, paramLabel = "CMD", description = "A monitor command (repeatable).")
            List<String> commands, @Parameters(paramLabel = "DOMAIN") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            if (commands != null && !commands.isEmpty()) {
                int status = 0;
                for (String command : commands) {
                    out().println("(txl) " + command);
                    status = Math.max(status, monitorCommand(host, domain, command));
                }
                return status;
            }
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(context.in(), java.nio.charset.StandardCharsets.UTF_8));
            while (true) {
                out().print("(txl) ");
                out().flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("quit") || line.strip().equals("q")) {
                    return 0;
                }
                monitorCommand(host, domain, line);
            }
        } catch (java.io.IOException e) {
            throw new TxlException(ExitStatus.COMMAND_FAILED, "cannot read commands: " + e.getMessage());
        }
    }

    /** One monitor command through the host; its error is printed and the monitor goes on. */
    private int monitorCommand(HostConnection host, String domain, String command) {
        ObjectNode args = HostClient.args();
        args.put("domain", domain);
        args.put("command", command);
        args.put("cwd", context.workingDirectory().toString());
        try {
            host.request("monitor", args).path("lines").forEach(line -> out().println(line.asText()));
            return 0;
        } catch (TxlException e) {
            out().println("error: " + e.getMessage());
            return ExitStatus.COMMAND_FAILED;
        }
    }

    @Command(name = "domid", description = "Print a domain's id.")
    int domid(@Parameters(paramLabel = "NAME") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            out().println(host.requestForDomain("domid", domain).path("id").asInt());
        }
        return 0;
    }

    @Command(name = "domname", description = "Print a domain's name.")
    int domname(@Parameters(paramLabel = "ID") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            out().println(host.requestForDomain("domname", domain).path("name").asText());
        }
        return 0;
    }

    @Command(name = "console", description = "Attach to a domain's console; Ctrl-] detaches.")
    int console(@Parameters(paramLabel = "DOMAIN") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            return ConsoleAttachment.attach(context, host, domain);
        }
    }

    @Command(name = "vcpu-list", description = "List vCPUs: domain, id, state, CPU time, affinity.")
    int vcpuList(@Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            JsonNode rows = host.request("vcpu-list", domainArgs(domain));
            out().printf("%-32s %5s %5s %5s %5s %9s %s%n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
                    "Affinity (Hard / Soft)");
            for (JsonNode row : rows) {
                out().printf(Locale.ROOT, "%-32s %5d %5d %5s %5s %9.1f %s / all%n", row.path("name").asText(),
                        row.path("id").asInt(), row.path("vcpu").asInt(), "-", row.path("state").asText(),
                        row.path("cpu_ns").asLong() / 1e9, row.path("affinity").asText());
            }
        }
        return 0;
    }

    @Command(name = "vcpu-set", description = "Set the number of a domain's online vCPUs.")
    int vcpuSet(@Parameters(paramLabel = "DOMAIN") String domain, @Parameters(paramLabel = "COUNT") String count) {
        if (!count.matches("[0-9]{1,9}")) {
            throw new TxlException(ExitStatus.COMMAND_FAILED, "invalid vCPU count '"
                    + dev.trufflexen.launcher.config.Printable.token(count) + "'");
        }
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = domainArgs(domain);
            args.put("count", Long.parseLong(count));
            host.request("vcpu-set", args);
        }
        return 0;
    }

    @Command(name = "vcpu-pin", description = "Pin a domain's vCPU (or all) to physical CPUs, e.g. 0-1,3 or all.")
    int vcpuPin(@Parameters(paramLabel = "DOMAIN") String domain, @Parameters(paramLabel = "VCPU") String vcpu,
            @Parameters(paramLabel = "CPUS") String cpus) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = domainArgs(domain);
            args.put("vcpu", vcpu);
            args.put("cpus", cpus);
            host.request("vcpu-pin", args);
        }
        return 0;
    }

    @Command(name = "xenstore-read", description = "Print the value of a xenstore node (absolute path).")
    int xenstoreRead(@Parameters(paramLabel = "PATH") String path) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("path", path);
            out().println(host.request("xenstore-read", args).path("value").asText());
        }
        return 0;
    }

    @Command(name = "xenstore-write", description = "Write a value to a xenstore node (absolute path).")
    int xenstoreWrite(@Parameters(paramLabel = "PATH") String path, @Parameters(paramLabel = "VALUE") String value) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("path", path);
            args.put("value", value);
            host.request("xenstore-write", args);
        }
        return 0;
    }

    @Command(name = "xenstore-rm", description = "Remove a xenstore node and everything below it.")
    int xenstoreRm(@Parameters(paramLabel = "PATH") String path) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("path", path);
            host.request("xenstore-rm", args);
        }
        return 0;
    }

    @Command(name = "xenstore-ls", description = "List the xenstore tree below a path (default /), as xenstore-ls does.")
    int xenstoreLs(@Parameters(paramLabel = "PATH", arity = "0..1") String path) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = HostClient.args();
            args.put("path", path == null ? "/" : path);
            for (JsonNode line : host.request("xenstore-ls", args).path("lines")) {
                out().println(line.asText());
            }
        }
        return 0;
    }

    @Command(name = "mem-set", description = "Set a domain's memory target (MiB, or with a suffix: k, m, g, t).")
    int memSet(@Parameters(paramLabel = "DOMAIN") String domain, @Parameters(paramLabel = "MEMORY") String memory) {
        return memory("mem-set", domain, memory);
    }

    @Command(name = "mem-max", description = "Set a domain's memory maximum (MiB, or with a suffix: k, m, g, t).")
    int memMax(@Parameters(paramLabel = "DOMAIN") String domain, @Parameters(paramLabel = "MEMORY") String memory) {
        return memory("mem-max", domain, memory);
    }

    private int memory(String cmd, String domain, String memory) {
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = domainArgs(domain);
            args.put("memory_kib", memorySizeKiB(memory));
            host.request(cmd, args);
        }
        return 0;
    }

    /** xl's memory sizes: a number of MiB, or with a suffix b, k, m, g or t. */
    static long memorySizeKiB(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,15})([bBkKmMgGtT]?)").matcher(text);
        if (!m.matches()) {
            throw new TxlException(ExitStatus.COMMAND_FAILED, "invalid memory size: "
                    + dev.trufflexen.launcher.config.Printable.token(text));
        }
        long number = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "b" -> number >> 10;
            case "k" -> number;
            case "g" -> number << 20;
            case "t" -> number << 30;
            default -> number << 10;
        };
    }

    @Command(name = "sched-credit", description = "Show or set credit scheduler parameters: weight (1-65535, "
            + "default 256) and cap (percent of one CPU, 0 = none).")
    int schedCredit(@Option(names = {"-d", "--domain"}, paramLabel = "DOMAIN") String domain,
            @Option(names = {"-w", "--weight"}, paramLabel = "WEIGHT") Long weight,
            @Option(names = {"-c", "--cap"}, paramLabel = "CAP") Long cap) {
        if (domain == null && (weight != null || cap != null)) {
            throw new TxlException(ExitStatus.USAGE, "sched-credit: -w and -c need -d DOMAIN");
        }
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = domainArgs(domain);
            putIfGiven(args, "weight", weight);
            putIfGiven(args, "cap", cap);
            JsonNode result = host.request("sched-credit", args);
            out().printf("%-32s %5s %6s %4s%n", "Name", "ID", "Weight", "Cap");
            for (JsonNode row : rows(result)) {
                out().printf("%-32s %5d %6d %4d%n", row.path("name").asText(), row.path("id").asInt(),
                        row.path("weight").asInt(), row.path("cap").asInt());
            }
        }
        return 0;
    }

    @Command(name = "sched-bvt", description = "Show or set Borrowed Virtual Time parameters: mcuadv (the inverse "
            + "of the weight), warpback (0/1), warpvalue, warpl and warpu (ns).")
    int schedBvt(@Option(names = {"-d", "--domain"}, paramLabel = "DOMAIN") String domain,
            @Option(names = "--mcuadv", paramLabel = "N") Long mcuAdvance,
            @Option(names = "--warpback", paramLabel = "0|1") Long warpBack,
            @Option(names = "--warpvalue", paramLabel = "NS") Long warpValue,
            @Option(names = "--warpl", paramLabel = "NS") Long warpLimit,
            @Option(names = "--warpu", paramLabel = "NS") Long unwarp) {
        if (domain == null && (mcuAdvance != null || warpBack != null || warpValue != null || warpLimit != null
                || unwarp != null)) {
            throw new TxlException(ExitStatus.USAGE, "sched-bvt: parameters need -d DOMAIN");
        }
        try (HostConnection host = HostConnection.existing(context)) {
            ObjectNode args = domainArgs(domain);
            putIfGiven(args, "mcuadv", mcuAdvance);
            putIfGiven(args, "warpback", warpBack);
            putIfGiven(args, "warpvalue", warpValue);
            putIfGiven(args, "warpl", warpLimit);
            putIfGiven(args, "warpu", unwarp);
            JsonNode result = host.request("sched-bvt", args);
            out().printf("%-32s %5s %6s %8s %12s %12s %12s%n", "Name", "ID", "MCUAdv", "WarpBack", "WarpValue",
                    "WarpL", "WarpU");
            for (JsonNode row : rows(result)) {
                out().printf("%-32s %5d %6d %8d %12d %12d %12d%n", row.path("name").asText(), row.path("id").asInt(),
                        row.path("mcuadv").asInt(), row.path("warpback").asInt(), row.path("warpvalue").asLong(),
                        row.path("warpl").asLong(), row.path("warpu").asLong());
            }
        }
        return 0;
    }

    /** A reply that is one row or an array of rows, as rows. */
    private static Iterable<JsonNode> rows(JsonNode result) {
        return result.isArray() ? result : java.util.List.of(result);
    }

    private static void putIfGiven(ObjectNode args, String name, Long value) {
        if (value != null) {
            args.put(name, value);
        }
    }

    @Command(name = "dmesg", description = "Show the hypervisor's log.")
    int dmesg() {
        try (HostConnection host = HostConnection.existing(context)) {
            for (JsonNode line : host.request("dmesg", null)) {
                out().println(line.asText());
            }
        }
        return 0;
    }

    @Command(name = "info", description = "Show facts about the host and the hypervisor.")
    int info() {
        try (HostConnection host = HostConnection.existing(context)) {
            JsonNode info = host.request("info", null);
            info.fields().forEachRemaining(field -> out().printf("%-22s: %s%n", field.getKey(), field.getValue().asText()));
        }
        return 0;
    }

    @Command(name = "uptime", description = "Show how long each domain has been up.")
    int uptime(@Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            JsonNode result = host.request("uptime", domainArgs(domain));
            out().printf("%-32s %5s %s%n", "Name", "ID", "Uptime");
            for (JsonNode row : result.path("domains")) {
                out().printf("%-32s %5d %s%n", row.path("name").asText(), row.path("id").asInt(),
                        duration(row.path("uptime_ns").asLong()));
            }
        }
        return 0;
    }

    @Command(name = "top", description = "A live view of the domains (as xentop); -b prints frames one after another.")
    int top(@Option(names = {"-b", "--batch"}, description = "Batch mode: no screen control.") boolean batch,
            @Option(names = {"-i", "--iterations"}, paramLabel = "N", description = "Stop after N frames.")
            Integer iterations,
            @Option(names = {"-d", "--delay"}, paramLabel = "SECONDS", defaultValue = "3",
                    description = "Seconds between frames (default 3).") double delay)
            throws InterruptedException {
        if (delay <= 0 || delay > 86400 || (iterations != null && iterations < 1)) {
            throw new TxlException(ExitStatus.USAGE, "top: -d must be a positive number of seconds and -i at least 1");
        }
        try (HostConnection host = HostConnection.existing(context)) {
            new DomainTop(host, out(), batch).run(iterations == null ? Integer.MAX_VALUE : iterations,
                    (long) (delay * 1000));
        }
        return 0;
    }

    private static ObjectNode domainArgs(String domain) {
        ObjectNode args = HostClient.args();
        if (domain != null) {
            args.put("domain", domain);
        }
        return args;
    }

    private int simple(String cmd, String domain) {
        try (HostConnection host = HostConnection.existing(context)) {
            host.requestForDomain(cmd, domain);
        }
        return 0;
    }

    /** H:MM:SS, with days in front when there are any (xl uptime's form). */
    static String duration(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long days = seconds / 86400;
        String clock = String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600 % 24, seconds / 60 % 60,
                seconds % 60);
        return days == 0 ? clock : days + (days == 1 ? " day, " : " days, ") + clock;
    }
}
