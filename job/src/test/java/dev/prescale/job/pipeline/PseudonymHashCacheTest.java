package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The direct-mapped cache of pseudonym hashes: hits, misses, replacement, and no false hit on an empty slot. */
class PseudonymHashCacheTest {

    @Test
    void answersWhatWasPutAndAbsentOtherwise() {
        PseudonymHashCache cache = new PseudonymHashCache(16);
        long fingerprint = DistinctUsers.hash("raw-1");
        assertThat(cache.get(fingerprint)).isEqualTo(PseudonymHashCache.ABSENT);
        cache.put(fingerprint, 42);
        assertThat(cache.get(fingerprint)).isEqualTo(42);
        assertThat(cache.get(DistinctUsers.hash("raw-2"))).isEqualTo(PseudonymHashCache.ABSENT);
    }

    @Test
    void aFingerprintOfZeroIsNotFoundInAnEmptySlot() {
        PseudonymHashCache cache = new PseudonymHashCache(16);
        assertThat(cache.get(0)).isEqualTo(PseudonymHashCache.ABSENT);
        cache.put(0, 7);
        assertThat(cache.get(0)).isEqualTo(7);
    }

    @Test
    void aUserOnTheSameSlotReplacesTheOlderOne() {
        PseudonymHashCache cache = new PseudonymHashCache(16);
        long a = 3;
        long b = 3 + 16 * 5; // same low bits: same slot
        cache.put(a, 1);
        cache.put(b, 2);
        assertThat(cache.get(b)).isEqualTo(2);
        assertThat(cache.get(a)).isEqualTo(PseudonymHashCache.ABSENT);
        cache.put(a + 1, 3); // another slot: b stays
        assertThat(cache.get(b)).isEqualTo(2);
    }

    @Test
    void slotsMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new PseudonymHashCache(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PseudonymHashCache(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
