package dev.trufflexen.launcher;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code txl top}: xentop's view of the domains, one frame every few seconds. CPU(%) is the
 * domain's CPU time over the wall time since the previous frame (0 in the first frame, as
 * xentop). Without batch mode each frame clears the screen first.
 */
final class DomainTop {
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final HostConnection host;
    private final PrintStream out;
    private final boolean batch;
    private final Map<Integer, Long> previousCpu = new HashMap<>();
    private long previousNanos;

    DomainTop(HostConnection host, PrintStream out, boolean batch) {
        this.host = host;
        this.out = out;
        this.batch = batch;
    }

    void run(int frames, long delayMillis) throws InterruptedException {
        for (int frame = 0; frame < frames; frame++) {
            if (frame > 0) {
                Thread.sleep(delayMillis);
            }
            print(host.request("info", null), host.request("list", null));
        }
    }

    private void print(JsonNode info, JsonNode domains) {
        long now = System.nanoTime();
        long wall = previousNanos == 0 ? 0 : now - previousNanos;
        previousNanos = now;
        if (!batch) {
            out.print(CLEAR_SCREEN);
        }
        long totalKiB = info.path("total_memory").asLong() << 10;
        long freeKiB = info.path("free_memory").asLong() << 10;
        out.printf("txl top - %s   TruffleXen %d.%d%s, host up %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                info.path("xen_major").asInt(), info.path("xen_minor").asInt(), info.path("xen_extra").asText(),
                XlCommands.duration(info.path("host_uptime_ns").asLong()));
        out.println(summary(domains));
        out.printf("Mem: %dk total, %dk used, %dk free    CPUs: %d%n", totalKiB, totalKiB - freeKiB, freeKiB,
                info.path("nr_cpus").asInt());
        out.printf("%10s %6s %10s %6s %10s %6s %10s %9s %5s%n", "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)",
                "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS");
        Map<Integer, Long> cpuNow = new HashMap<>();
        for (JsonNode d : domains) {
            int id = d.path("id").asInt();
            long cpu = d.path("cpu_ns").asLong();
            cpuNow.put(id, cpu);
            Long before = previousCpu.get(id);
            double percent = wall == 0 || before == null ? 0 : 100.0 * (cpu - before) / wall;
            long memKiB = d.path("mem").asLong() << 10;
            long maxKiB = d.path("maxmem").asLong() << 10;
            out.printf(Locale.ROOT, "%10s %6s %10d %6.1f %10d %6.1f %10d %9.1f %5d%n", d.path("name").asText(),
                    d.path("state").asText(), cpu / 1_000_000_000L, percent, memKiB, percentOf(memKiB, totalKiB),
                    maxKiB, percentOf(maxKiB, totalKiB), d.path("vcpus").asInt());
        }
        previousCpu.clear();
        previousCpu.putAll(cpuNow);
        out.flush();
    }

    private static double percentOf(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    /** "N domains: R running, B blocked, P paused, S shutdown, C crashed, D dying", from the state letters. */
    static String summary(JsonNode domains) {
        int[] counts = new int[6];
        int total = 0;
        for (JsonNode d : domains) {
            total++;
            String state = d.path("state").asText();
            for (int i = 0; i < Math.min(6, state.length()); i++) {
                if (state.charAt(i) != '-') {
                    counts[i]++;
                }
            }
        }
        return String.format("%d domains: %d running, %d blocked, %d paused, %d shutdown, %d crashed, %d dying",
                total, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
    }
}
