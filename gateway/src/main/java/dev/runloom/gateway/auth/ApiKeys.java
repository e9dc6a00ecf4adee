package dev.runloom.gateway.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What an API key looks like and how it is kept: {@code rt_live_} or {@code rt_test_} + 43 url-safe
 * characters (256 random bits); stored only as a keyed hash — {@code hmac:} + hex HMAC-SHA256 under
 * a server secret — plus its first {@value #PREFIX_LENGTH} characters for display. Plain static
 * helpers so the local launcher can mint its key without starting the gateway.
 */
public final class ApiKeys {
    public static final String LIVE_PREFIX = "rt_live_";
    public static final String TEST_PREFIX = "rt_test_";
    /** {@code rt_live_} + 8 characters: tells keys apart in a list, reveals 48 of 256 random bits. */
    public static final int PREFIX_LENGTH = 16;
    /** At least 32 url-safe characters after the prefix: ≥ 192 bits when random; a key of any other shape is refused unread. */
    private static final Pattern SHAPE = Pattern.compile("rt_(live|test)_[A-Za-z0-9_-]{32,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new random live key, e.g. {@code rt_live_Jx9…}; show it once, keep only its hash. */
    public static String generate() {
        return generate("live");
    }

    /** A new random key of the environment ({@code live} or {@code test}). */
    public static String generate(String environment) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return ("test".equals(environment) ? TEST_PREFIX : LIVE_PREFIX)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code hmac:} + lower-case hex HMAC-SHA256 of the whole key under the secret: the only stored form. */
    public static String hash(byte[] secret, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "hmac:" + HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    /** The first characters of the key ({@code rt_live_Jx9aB3kQ}), enough to tell keys apart in a list. */
    public static String displayPrefix(String key) {
        return key.length() <= PREFIX_LENGTH ? key : key.substring(0, PREFIX_LENGTH);
    }

    /** Whether a value has the shape of a Runloom key; anything else is refused before any lookup. */
    public static boolean looksLikeKey(String key) {
        return key != null && SHAPE.matcher(key).matches();
    }

    /** {@code live} or {@code test}, from the key's prefix. */
    public static String environmentOf(String key) {
        return key.startsWith(TEST_PREFIX) ? "test" : "live";
    }
}
