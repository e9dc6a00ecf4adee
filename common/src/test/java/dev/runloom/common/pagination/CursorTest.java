package dev.runloom.common.pagination;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static dev.runloom.common.pagination.ProblemAssertions.assertInvalidParameter;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Cursor}: opaque encoding, round trips, and every kind of foreign cursor answered with a 400. */
class CursorTest {
    private static final Instant AT = Instant.parse("2024-06-10T15:45:30.123456789Z");

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripKeepsTimestampIdAndOffset() {
        Cursor cursor = new Cursor(AT, "exe_01HZX3Y7", 40);
        assertThat(Cursor.decode(cursor.encode(), "cursor")).isEqualTo(cursor);
    }

    @Test
    void roundTripKeepsNanosecondPrecision() {
        Cursor cursor = new Cursor(Instant.ofEpochSecond(1_718_034_330L, 1), "r", 0);
        assertThat(Cursor.decode(cursor.encode(), "cursor").at()).isEqualTo(cursor.at());
    }

    @Test
    void roundTripAtTheEdgesOfTheStorableRange() {
        for (Instant at : List.of(Instant.EPOCH, QueryParams.EARLIEST, QueryParams.LATEST, Instant.parse("1969-12-31T23:59:59Z"))) {
            Cursor cursor = new Cursor(at, "id", Cursor.MAX_OFFSET);
            assertThat(Cursor.decode(cursor.encode(), "cursor")).as(at.toString()).isEqualTo(cursor);
        }
    }

    /** A crafted cursor must not reach the database with a time it cannot store, an overflowing offset or a NUL. */
    @Test
    void craftedCursorsOutOfBoundsAreRefused() {
        for (Cursor crafted : List.of(new Cursor(Instant.MIN, "id", 0), new Cursor(Instant.MAX, "id", 0),
                new Cursor(Instant.parse("+10000-01-01T00:00:00Z"), "id", 0), new Cursor(AT, "id", Integer.MAX_VALUE),
                new Cursor(AT, "id", Cursor.MAX_OFFSET + 1), new Cursor(AT, "a\u0000b", 0), new Cursor(AT, "x".repeat(256), 0))) {
            assertInvalidParameter(() -> Cursor.decode(crafted.encode(), "cursor"), "cursor");
        }
    }

    @Test
    void encodingIsUrlSafeWithoutPadding() {
        // ids chosen so that plain base64 would produce '+', '/' or '='
        for (String id : List.of("??>>", "~~~", "a", "ab", "ü€")) {
            String encoded = new Cursor(AT, id, 7).encode();
            assertThat(encoded).as(id).matches("[A-Za-z0-9_-]+");
            assertThat(Cursor.decode(encoded, "cursor").id()).isEqualTo(id);
        }
    }

    @Test
    void encodingIsOpaque() {
        String encoded = new Cursor(AT, "exe_1", 3).encode();
        assertThat(encoded).doesNotContain("exe_1").doesNotContain("2024");
    }

    @Test
    void paddedEncodingIsAlsoAccepted() {
        Cursor cursor = new Cursor(AT, "x", 1);
        String padded = Base64.getUrlEncoder().encodeToString(("" + AT + "|x|1").getBytes(StandardCharsets.UTF_8));
        assertThat(Cursor.decode(padded, "cursor")).isEqualTo(cursor);
    }

    @Test
    void tamperedPositionsBeyondWhatTheApiIssuesAreRejected() {
        // an instant no SQL timestamp holds, or an offset that would overflow the next cursor's
        for (Cursor tampered : List.of(new Cursor(Instant.MAX, "id", 0), new Cursor(Instant.MIN, "id", 0),
                new Cursor(Instant.parse("+1000000000-01-01T00:00:00Z"), "id", 0), new Cursor(AT, "id", Integer.MAX_VALUE))) {
            assertInvalidParameter(tampered.toString(), () -> Cursor.decode(tampered.encode(), "cursor"), "cursor");
        }
    }

    @Test
    void garbageIsRejectedNamingTheParameter() {
        for (String raw : List.of("", "not a cursor!", "%%%", "abc+/def", "====", "a")) {
            assertThat(assertInvalidParameter(raw, () -> Cursor.decode(raw, "after"), "after").detail())
                    .isEqualTo("Parameter 'after' is not a cursor this API issued");
        }
    }

    @Test
    void base64OfSomethingElseIsRejected() {
        for (String raw : List.of("{\"at\":\"2024-06-10T15:45:30Z\",\"id\":\"x\",\"offset\":1}", "hello", "a|b",
                "2024-06-10T15:45:30Z|x", "||")) {
            assertInvalidParameter(raw, () -> Cursor.decode(b64(raw), "cursor"), "cursor");
        }
    }

    @Test
    void tamperedCursorIsRejected() {
        String encoded = new Cursor(AT, "exe_1", 3).encode();
        String tampered = (encoded.charAt(0) == 'A' ? "B" : "A") + encoded.substring(1);
        assertInvalidParameter(tampered, () -> Cursor.decode(tampered, "cursor"), "cursor");
    }

    @Test
    void negativeOffsetIsRejected() {
        assertInvalidParameter(() -> Cursor.decode(b64(AT + "|x|-1"), "cursor"), "cursor");
    }

    @Test
    void offsetBeyondIntRangeIsRejected() {
        for (String offset : List.of("99999999999", "2147483648", "1.5", "one", "")) {
            assertInvalidParameter(offset, () -> Cursor.decode(b64(AT + "|x|" + offset), "cursor"), "cursor");
        }
    }

    @Test
    void emptyIdIsRejected() {
        assertInvalidParameter(() -> Cursor.decode(b64(AT + "||5"), "cursor"), "cursor");
    }

    @Test
    void outOfRangeOrMalformedTimestampIsRejected() {
        for (String at : List.of("+1000000001-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-06-10", "1718034330", "")) {
            assertInvalidParameter(at, () -> Cursor.decode(b64(at + "|x|5"), "cursor"), "cursor");
        }
    }

    @Test
    void trailingFieldsAreRejected() {
        assertInvalidParameter(() -> Cursor.decode(b64(AT + "|x|5|6"), "cursor"), "cursor");
    }
}
