package dev.runloom.schedules;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The one source of "now" for everything time-dependent here (validation of one-time triggers,
 * fire times, run timestamps). Tests replace this bean with a clock they move, so they never wait.
 */
@Factory
public class ClockFactory {
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
