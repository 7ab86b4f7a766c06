package dev.trufflexen.launcher.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How fast a domain starts in a warm host: from the create request to the vCPU entering guest
 * code, to the guest's first console output, and to its power-off, for the first hello domain
 * of a host that has run another guest (the ticker) and for further hello domains (the same
 * kernel again, on an engine that has compiled it), and the CPU time the host's create took
 * (which, unlike the wall-clock latencies, does not grow with the machine's load). Each round is
 * a fresh host; the medians go to target/host-start-latency.txt and the test's output. The
 * latencies are measurements, not assertions (wall-clock time on a shared machine); what is
 * asserted is that each start reached guest code, then output, then power-off, and that the
 * further hello domains ran the first one's compiled regions instead of building their own.
 */
class HostStartLatencyTest {
    private static final Path GUESTS = Path.of("..", "guest-images").toAbsolutePath().normalize();
    private static final int ROUNDS = Integer.getInteger("host.latency.rounds", 3);
    private static final int SAME_KERNEL = 3;

    @TempDir
    Path state;

    private record Start(long toGuestNs, long toOutputNs, long toPoweroffNs, long createCpuNs) {
    }

    @Test
    void firstAndSecondDomainWithTheSameKernel() throws Exception {
        List<Start> first = new ArrayList<>();
        List<Start> again = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            try (TestHost host = TestHost.start(state.resolve("round" + round));
                    HostClient client = HostClient.connect(host.paths()).orElseThrow()) {
                start(host, client, "ticker", "warmup", "ticks=5 period_ms=1");
                first.add(start(host, client, "hello", "hello0", null));
                long reusedBefore = host.host().xen().codeCache().sharingStats().sharedReused();
                for (int i = 1; i <= SAME_KERNEL; i++) {
                    again.add(start(host, client, "hello", "hello" + i, null));
                }
                long reused = host.host().xen().codeCache().sharingStats().sharedReused() - reusedBefore;
                assertTrue(reused >= SAME_KERNEL, "the further hello domains reused " + reused
                        + " regions of the first one's code");
            }
        }
        String report = String.format(Locale.ROOT, "domain start in a warm host, %d rounds (medians, ms; load average %s)%n"
                + "  first hello:        to guest code %.1f, to first output %.1f, to poweroff %.1f; create CPU %.2f%n"
                + "  hello again (x%d):   to guest code %.1f, to first output %.1f, to poweroff %.1f; create CPU %.2f%n",
                ROUNDS, Files.readString(Path.of("/proc/loadavg")).strip(),
                median(first, Start::toGuestNs), median(first, Start::toOutputNs), median(first, Start::toPoweroffNs),
                median(first, Start::createCpuNs), SAME_KERNEL, median(again, Start::toGuestNs),
                median(again, Start::toOutputNs), median(again, Start::toPoweroffNs), median(again, Start::createCpuNs));
        System.out.print(report);
        Files.writeString(Path.of("target", "host-start-latency.txt"), report);
        for (Start start : concat(first, again)) {
            assertTrue(0 < start.toGuestNs() && start.toGuestNs() <= start.toOutputNs()
                    && start.toOutputNs() <= start.toPoweroffNs(), "latencies out of order: " + start);
        }
    }

    /** Creates a domain from the guest's config, preserved at poweroff, waits for it to stop, destroys it. */
    private static Start start(TestHost host, HostClient client, String guest, String name, String cmdline)
            throws Exception {
        ObjectNode args = HostClient.args();
        args.put("config", GUESTS.resolve(guest).resolve(guest + ".cfg").toString());
        args.put("cwd", GUESTS.toString());
        var overrides = args.putArray("overrides");
        overrides.add("name=\"" + name + "\"");
        overrides.add("on_poweroff=\"preserve\"");
        if (cmdline != null) {
            overrides.add("cmdline=\"" + cmdline + "\"");
        }
        int id = client.request("create", args).path("id").asInt();
        HostedDomain domain = host.host().find(String.valueOf(id));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (domain.life() != HostedDomain.Life.PRESERVED) {
            assertTrue(System.nanoTime() < deadline, name + " did not power off");
            Thread.sleep(1);
        }
        Start start = new Start(domain.startLatencyNanos(), domain.firstOutputLatencyNanos(), domain.lifetimeNanos(),
                domain.createCpuNanos());
        ObjectNode destroy = HostClient.args();
        destroy.put("domain", name);
        assertEquals(0, client.request("destroy", destroy).path("leaks").size());
        return start;
    }

    private static List<Start> concat(List<Start> a, List<Start> b) {
        List<Start> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static double median(List<Start> starts, java.util.function.ToLongFunction<Start> field) {
        long[] values = starts.stream().mapToLong(field).sorted().toArray();
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
        return median / 1e6;
    }
}
