package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.IntFunction;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each benchmark guest (nullcall, usercall, pvbench) does exactly one batch of successful operations per {@link GuestBatchDomain#runBatch}. */
class GuestBatchDomainTest {
    @ParameterizedTest
    @ValueSource(strings = {"nullcall", "usercall"})
    @Timeout(60)
    void everyBatchRunsItsOperationsAndStopsAtTheYield(String guest) {
        IntFunction<GuestBatchDomain> factory = guest.equals("nullcall") ? GuestBatchDomain::nullcall : GuestBatchDomain::usercall;
        try (GuestBatchDomain domain = factory.apply(1000)) {
            for (int batch = 0; batch < 5; batch++) {
                assertEquals(1000, domain.runBatch(), guest + " batch " + batch);
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
