package dev.trufflexen.x86.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Branch profiles in the interpreter: outcomes pass through unchanged and are counted, up to a limit. */
class X86BranchProfileTest {
    @Test
    void countsBothSidesAndReturnsTheCondition() {
        X86BranchProfile profile = new X86BranchProfile();
        assertTrue(profile.profile(true));
        assertTrue(profile.profile(true));
        assertFalse(profile.profile(false));
        assertEquals(2, profile.taken());
        assertEquals(1, profile.notTaken());
    }

    @Test
    void stopsCountingAtTheLimit() {
        X86BranchProfile profile = new X86BranchProfile();
        for (int i = 0; i < X86BranchProfile.LIMIT + 10; i++) {
            profile.profile(i % 4 == 0);
        }
        assertEquals(X86BranchProfile.LIMIT, profile.taken() + profile.notTaken());
    }

    @Test
    void probabilityIsSmoothedSoNoSideIsImpossible() {
        assertEquals(0.5, X86BranchProfile.probability(0, 0));
        assertTrue(X86BranchProfile.probability(0, 100_000) > 0);
        assertTrue(X86BranchProfile.probability(100_000, 0) < 1);
        assertEquals(0.75, X86BranchProfile.probability(2, 0));
    }
}
