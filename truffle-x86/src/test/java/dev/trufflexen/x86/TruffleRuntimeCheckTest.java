package dev.trufflexen.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TruffleRuntimeCheckTest {
    @Test
    void optimizingRuntimeIsInUse() {
        assertTrue(TruffleRuntimeCheck.isOptimizing(),
                "tests must run on the Graal JIT, not " + TruffleRuntimeCheck.runtimeName());
        assertTrue(TruffleRuntimeCheck.runtimeName().contains("GraalVM"), TruffleRuntimeCheck.runtimeName());
    }
}
