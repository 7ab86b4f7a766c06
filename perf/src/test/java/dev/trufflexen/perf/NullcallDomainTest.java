package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** The nullcall and pvbench guests make exactly one batch of successful operations per {@link NullcallDomain#runBatch}. */
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

    @ParameterizedTest
    @ValueSource(strings = {"int3", "wrmsr"})
    @Timeout(60)
    void everyPvbenchBatchCompletesItsOperations(String op) {
        try (GuestBatchDomain domain = new GuestBatchDomain("pvbench", "op=" + op + " count=500")) {
            for (int batch = 0; batch < 3; batch++) {
                assertEquals(500, domain.runBatch(), op + " batch " + batch);
            }
        }
    }
}
