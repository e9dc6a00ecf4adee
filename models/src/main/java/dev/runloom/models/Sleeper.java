package dev.runloom.models;

import java.time.Duration;

/** Waits between attempts; a seam so tests can see the waits the policy chose. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
