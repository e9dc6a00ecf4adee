package dev.runloom.common.input;

import io.micronaut.core.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What text the platform accepts anywhere a client can put it (path, query, JSON strings and
 * keys): valid UTF-8 / UTF-16 without NUL (PostgreSQL cannot store it in {@code text}) and without
 * lone surrogates (not characters at all; PostgreSQL refuses them or they turn into '?').
 */
public final class TextRules {
    private TextRules() {
    }

    /** Why the text is refused, or null when it is fine. */
    public static @Nullable String problemWith(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "contains a NUL character (\\u0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains a lone surrogate (an unpaired \\uD800-\\uDFFF), which is not a character";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains a lone surrogate (an unpaired \\uD800-\\uDFFF), which is not a character";
            }
        }
        return null;
    }

    /**
     * Percent-decodes a raw URL component as strict UTF-8 ({@code +} is a space in a query, kept as
     * is in a path). Returns null when the bytes are not UTF-8 (an encoded surrogate such as
     * {@code %ED%A0%80} included) or an escape is broken.
     */
    public static @Nullable String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
