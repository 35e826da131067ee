package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pseudonym is HMAC-SHA256 as hex, with or without the cache, whatever the collisions. */
class UserPseudonymizerTest {
    private static final byte[] KEY = "a key of at least sixteen bytes!".getBytes(StandardCharsets.UTF_8);

    @Test
    void isHmacSha256AsLowerCaseHex() {
        // RFC 4231, test case 2.
        UserPseudonymizer p = new UserPseudonymizer("Jefe".getBytes(StandardCharsets.UTF_8));
        assertThat(p.pseudonym("what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void equalsTheJdkMacForShortAndLongKeysAndIds() throws Exception {
        Random random = new Random(5);
        for (int keyBytes : new int[] {16, 32, 64, 65, 131}) {
            byte[] key = new byte[keyBytes];
            random.nextBytes(key);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            UserPseudonymizer p = new UserPseudonymizer(key, 0);
            for (String user : new String[] {"", "u1", "ünïcødé-user", "x".repeat(200)}) {
                byte[] h = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
                assertThat(p.pseudonym(user)).isEqualTo(java.util.HexFormat.of().formatHex(h));
            }
        }
    }

    @Test
    void cachedAnswersEqualComputedOnesUnderCollisions() {
        UserPseudonymizer uncached = new UserPseudonymizer(KEY, 0);
        UserPseudonymizer tiny = new UserPseudonymizer(KEY, 4); // far fewer entries than users: constant eviction
        UserPseudonymizer standard = new UserPseudonymizer(KEY);
        Random random = new Random(17);
        for (int i = 0; i < 20_000; i++) {
            String user = "user-" + random.nextInt(300);
            String expected = uncached.pseudonym(user);
            assertThat(tiny.pseudonym(user)).isEqualTo(expected);
            assertThat(standard.pseudonym(user)).isEqualTo(expected);
        }
        assertThat(uncached.computed()).isEqualTo(20_000);
        // 300 users fit the default cache: each is computed about once (a slot collision may add a few).
        assertThat(standard.computed()).isBetween(300L, 400L);
        assertThat(tiny.computed()).isGreaterThan(10_000L);
    }

    @Test
    void differentKeysGiveDifferentPseudonyms() {
        UserPseudonymizer a = new UserPseudonymizer(KEY);
        UserPseudonymizer b = new UserPseudonymizer("another key, also sixteen bytes+".getBytes(StandardCharsets.UTF_8));
        assertThat(a.pseudonym("alice")).isNotEqualTo(b.pseudonym("alice")).hasSize(64);
    }

    @Test
    void refusesACacheSizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new UserPseudonymizer(KEY, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
