package dev.runloom.records;

import io.micronaut.runtime.Micronaut;

public final class RecordsApplication {
    private RecordsApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(RecordsApplication.class, args);
    }
}
