package dev.prescale.job.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Replaces a user id by HMAC-SHA256 under a secret key, as lower-case hex. Not thread safe. */
public final class UserPseudonymizer {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Mac mac;

    public UserPseudonymizer(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public String pseudonym(String user) {
        byte[] h = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[h.length * 2];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = HEX[(h[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[h[i] & 0xf];
        }
        return new String(out);
    }
}
