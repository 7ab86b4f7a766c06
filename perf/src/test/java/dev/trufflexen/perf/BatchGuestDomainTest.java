package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.IntFunction;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each benchmark guest does exactly one batch of successful operations per {@link BatchGuestDomain#runBatch}. */
class BatchGuestDomainTest {
    @ParameterizedTest
    @ValueSource(strings = {"nullcall", "usercall"})
    @Timeout(60)
    void everyBatchRunsItsOperationsAndStopsAtTheYield(String guest) {
        IntFunction<BatchGuestDomain> factory = guest.equals("nullcall") ? BatchGuestDomain::nullcall : BatchGuestDomain::usercall;
        try (BatchGuestDomain domain = factory.apply(1000)) {
            for (int batch = 0; batch < 5; batch++) {
                assertEquals(1000, domain.runBatch(), guest + " batch " + batch);
            }
        }
    }
}
