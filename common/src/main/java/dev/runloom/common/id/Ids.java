package dev.runloom.common.id;

import com.github.f4b6a3.ulid.UlidCreator;

import java.util.Locale;

/** TypeID-style identifiers: {@code prefix_} + a lower-case monotonic ULID, so ids sort by creation time. */
public final class Ids {
    private Ids() {
    }

    public static String newId(String prefix) {
        return prefix + "_" + UlidCreator.getMonotonicUlid().toString().toLowerCase(Locale.ROOT);
    }
}
