package dev.runloom.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What an API key looks like and how it is kept: {@code rt_live_} + 43 url-safe characters (256
 * random bits); stored only as the SHA-256 of the whole key plus its first {@value #PREFIX_LENGTH}
 * characters for display. Plain static helpers so the local launcher can mint its key
 * ({@code ApiKeys.generate()}) without starting the gateway.
 */
public final class ApiKeys {
    public static final String LIVE_PREFIX = "rt_live_";
    public static final int PREFIX_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new random key, e.g. {@code rt_live_Jx9…}; show it once, keep only {@link #hash(String)}. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return LIVE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the whole key: the lookup value, the only form that is stored. */
    public static String hash(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The first characters of the key ({@code rt_live_Jx9a}), enough to tell keys apart in a list. */
    public static String displayPrefix(String key) {
        return key.length() <= PREFIX_LENGTH ? key : key.substring(0, PREFIX_LENGTH);
    }

    /** Whether a value has the shape of a Runloom key ({@code rt_live_}/{@code rt_test_} + 32 or more url-safe chars). */
    public static boolean looksLikeKey(String key) {
        return key != null && key.matches("rt_(live|test)_[A-Za-z0-9_-]{32,}");
    }
}
