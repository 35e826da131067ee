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
    void keysLongerThanABlockAreHashedFirst() {
        // RFC 4231, test case 6: a 131-byte key.
        byte[] key = new byte[131];
        java.util.Arrays.fill(key, (byte) 0xaa);
        assertThat(new UserPseudonymizer(key).pseudonym("Test Using Larger Than Block-Size Key - Hash Key First"))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void equalsJavaxCryptoMacOnRandomKeysAndIds() throws Exception {
        java.util.Random rnd = new java.util.Random(4231);
        for (int n = 0; n < 300; n++) {
            byte[] key = new byte[1 + rnd.nextInt(150)];
            rnd.nextBytes(key);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            UserPseudonymizer p = new UserPseudonymizer(key);
            for (int i = 0; i < 5; i++) {
                String user = "user-" + rnd.nextInt() + "-\u00e9\u4e2d".substring(0, rnd.nextInt(4));
                String expected = java.util.HexFormat.of().formatHex(mac.doFinal(user.getBytes(StandardCharsets.UTF_8)));
                assertThat(p.pseudonym(user)).isEqualTo(expected);
            }
        }
    }

    @Test
    void differentKeysGiveDifferentPseudonyms() {
        UserPseudonymizer a = new UserPseudonymizer(KEY);
        UserPseudonymizer b = new UserPseudonymizer("another key, also sixteen bytes+".getBytes(StandardCharsets.UTF_8));
        assertThat(a.pseudonym("alice")).isNotEqualTo(b.pseudonym("alice")).hasSize(64);
    }
}
