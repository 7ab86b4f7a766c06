package dev.trufflexen.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The usercall guest's user program makes exactly one batch of getpid system calls per {@link UsercallDomain#runBatch}. */
class UsercallDomainTest {
    @Test
    @Timeout(60)
    void everyBatchRunsItsUserSystemCallsAndStopsAtTheYield() {
        try (UsercallDomain domain = new UsercallDomain(1000)) {
            for (int batch = 0; batch < 5; batch++) {
                assertEquals(1000, domain.runBatch(), "batch " + batch);
            }
        }
    }
}
