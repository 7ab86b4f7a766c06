package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nullcall guest makes exactly one batch of successful hypercalls per {@link NullcallDomain#runBatch}. */
class NullcallDomainTest {
    @Test
    @Timeout(60)
    void everyBatchRunsItsHypercallsAndStopsAtTheYield() {
        try (NullcallDomain domain = new NullcallDomain(1000)) {
            for (int batch = 0; batch < 5; batch++) {
                assertEquals(1000, domain.runBatch(), "batch " + batch);
            }
        }
    }
}
