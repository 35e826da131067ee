package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pseudonym is HMAC-SHA256 as lower-case hex, and depends on the key. */
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
    void differentKeysGiveDifferentPseudonyms() {
        UserPseudonymizer a = new UserPseudonymizer(KEY);
        UserPseudonymizer b = new UserPseudonymizer("another key, also sixteen bytes+".getBytes(StandardCharsets.UTF_8));
        assertThat(a.pseudonym("alice")).isNotEqualTo(b.pseudonym("alice")).hasSize(64);
    }
}
