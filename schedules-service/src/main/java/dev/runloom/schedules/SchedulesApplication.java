package dev.runloom.schedules;

import io.micronaut.runtime.Micronaut;

public final class SchedulesApplication {
    private SchedulesApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(SchedulesApplication.class, args);
    }
}
