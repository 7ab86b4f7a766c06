package dev.trufflexen.launcher;

import java.io.PrintStream;
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
            ObjectNode args = HostClient.args();
            if (domain != null) {
                args.put("domain", domain);
            }
            JsonNode rows = host.request("list", args);
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
