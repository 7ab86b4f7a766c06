package dev.trufflexen.xen.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trufflexen.xen.GuestImages;
import dev.trufflexen.xen.KtestResults;
import dev.trufflexen.xen.XenHypervisor;
import dev.trufflexen.xen.domain.Domain;
import dev.trufflexen.xen.domain.DomainSpec;
import dev.trufflexen.xen.domain.ShutdownAction;
import dev.trufflexen.xen.domain.ShutdownReason;

/**
 * Two events guests in one hypervisor, each on its own thread, talking over one interdomain
 * channel: A allocates an unbound port for B and prints it, the test passes it on B's command
 * line, B binds it and says hello; then A leads N round trips and B answers, A hands over the
 * lead, and B leads N and A answers, waiting in SCHEDOP_block or spinning (in an ordinary loop,
 * or in one made of returns). Both sides check every wait got its event and
 * the totals; the round-trip times the leaders measured are printed, not judged.
 */
class InterdomainPingPongTest {
    private static final int ROUNDS = 200;
    private static final long TIMEOUT_SECONDS = 60;

    private XenHypervisor xen;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        xen = XenHypervisor.create(new XenHypervisor.Options(false, false, null, 128));
        threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "pingpong-vcpu");
            thread.setDaemon(true);
            return thread;
        });
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        xen.close();
    }

    private Domain create(String name, String cmdline) {
        return xen.createDomain(new DomainSpec(name, GuestImages.kernel("events"), Optional.empty(), 32, 1, cmdline,
                ShutdownAction.DESTROY, ShutdownAction.DESTROY, ShutdownAction.DESTROY));
    }

    @Test
    void roundTripsBothWays() throws Exception {
        pingPong("");
    }

    @Test
    void roundTripsBothWaysSpinning() throws Exception {
        pingPong(" wait=spin");
    }

    /**
     * A spins in a loop that goes back by RET alone, with its periodic timer stopped, and B
     * blocks. The loop does not stop for the poll that looks after the peer A's send woke and
     * left to A's own worker: the scheduler's tick hands B on instead (without it, A's first wait
     * for an answer spins for good).
     */
    @Test
    void roundTripsWithOneSideSpinningByReturns() throws Exception {
        pingPong(" wait=retspin", "");
    }

    private void pingPong(String wait) throws Exception {
        pingPong(wait, wait);
    }

    private void pingPong(String wait, String waitB) throws Exception {
        // Domain ids count up from 1 in a fresh hypervisor: A is 1 and names B, created next, as 2.
        Domain a = create("ping", "pingpong=a peer=2 rounds=" + ROUNDS + wait);
        assertEquals(1, a.id(), "first domain id");
        Future<ShutdownReason> ranA = threads.submit(a::run);
        long port = awaitPort(a, ranA);
        Domain b = create("pong", "pingpong=b peer=" + a.id() + " port=" + port + " rounds=" + ROUNDS + waitB);
        assertEquals(2, b.id(), "the peer id A was given");
        Future<ShutdownReason> ranB = threads.submit(b::run);
        ShutdownReason reasonB = finish(ranB, a, b);
        ShutdownReason reasonA = finish(ranA, a, b);
        KtestResults resultsA = check(a, reasonA);
        KtestResults resultsB = check(b, reasonB);
        assertEquals(2L * ROUNDS, resultsA.value("pingpong_events"));
        assertEquals(2L * ROUNDS + 1, resultsB.value("pingpong_events"), "B also takes the hand-over");
        System.out.printf("interdomain ping-pong%s%s, %d round trips each way: led by A median %.2f us (min %.2f), "
                + "led by B median %.2f us (min %.2f); per round trip %.2f idle workers woken, %.2f vCPUs switched to on"
                + " the waker's own worker%n", wait, waitB.equals(wait) ? "" : " (B:" + waitB + ")", ROUNDS,
                resultsA.value("a_round_trip_median_ns") / 1000.0, resultsA.value("a_round_trip_min_ns") / 1000.0,
                resultsB.value("b_round_trip_median_ns") / 1000.0, resultsB.value("b_round_trip_min_ns") / 1000.0,
                xen.scheduler().workerWakeups() / (2.0 * ROUNDS), xen.scheduler().directSwitches() / (2.0 * ROUNDS));
    }

    /** How the domain stopped; on a time-out, fails with both consoles. */
    private ShutdownReason finish(Future<ShutdownReason> ran, Domain a, Domain b) throws Exception {
        try {
            return ran.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("ping-pong stuck\nA:\n" + String.join("\n", GuestImages.consoleIoLines(xen, a.id()))
                    + "\nB:\n" + String.join("\n", GuestImages.consoleIoLines(xen, b.id())), e);
        }
    }

    /** A's console line "# pingpong_port=0x..." once A has printed it. */
    private long awaitPort(Domain a, Future<ShutdownReason> ran) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            List<String> lines = GuestImages.consoleIoLines(xen, a.id());
            for (String line : lines) {
                if (line.startsWith("# pingpong_port=")) {
                    return Long.decode(line.substring("# pingpong_port=".length()));
                }
            }
            assertTrue(!ran.isDone(), "A stopped before printing its port:\n" + String.join("\n", lines));
            Thread.sleep(10);
        }
        throw new AssertionError("A never printed its port");
    }

    private KtestResults check(Domain domain, ShutdownReason reason) {
        List<String> lines = GuestImages.consoleIoLines(xen, domain.id());
        String all = String.join("\n", lines) + (domain.crashReport() == null ? "" : "\n" + domain.crashReport().text());
        assertEquals(ShutdownReason.POWEROFF, reason, all);
        KtestResults results = KtestResults.parse(lines);
        results.assertAllPassed(7, all);
        return results;
    }
}
