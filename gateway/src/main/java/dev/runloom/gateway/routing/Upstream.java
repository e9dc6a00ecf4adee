package dev.runloom.gateway.routing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The replicas of one service, as the gateway picks among them: round robin, skipping a replica
 * whose connection was refused for {@link #QUARANTINE_NANOS} (it is likely dead or restarting), so
 * one dead replica costs one failed connect per quarantine period instead of every third request.
 * When every replica is quarantined the round robin goes on regardless: a restarted replica answers
 * at once, and a service that is down entirely fails fast either way.
 *
 * <p>Configured as a comma-separated list of base URLs ({@code RUNLOOM_FLOWS_URL=http://a,http://b});
 * a single URL is one replica. There is no active health check: a replica is judged by its last
 * connect, which is what a request to it would have found.
 */
public final class Upstream {
    static final long QUARANTINE_NANOS = 2_000_000_000L;

    private final List<URI> replicas;
    private final AtomicInteger next = new AtomicInteger();
    /** per replica: System.nanoTime() until which it is skipped; 0 when healthy */
    private final AtomicLongArray quarantinedUntil;
    private final LongSupplier clock;

    public Upstream(List<URI> replicas) {
        this(replicas, System::nanoTime);
    }

    Upstream(List<URI> replicas, LongSupplier clock) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a service needs at least one URL");
        }
        this.replicas = List.copyOf(replicas);
        this.quarantinedUntil = new AtomicLongArray(replicas.size());
        this.clock = clock;
    }

    /** Parses {@code http://a:1,http://b:2} (blanks around commas allowed). */
    public static Upstream parse(String urls) {
        List<URI> list = java.util.Arrays.stream(urls.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
        return new Upstream(list);
    }

    public List<URI> replicas() {
        return replicas;
    }

    /** The next replica in turn that is not quarantined (or simply the next, if all are). */
    public URI choose() {
        int size = replicas.size();
        int start = Math.floorMod(next.getAndIncrement(), size);
        long now = clock.getAsLong();
        for (int i = 0; i < size; i++) {
            int candidate = (start + i) % size;
            long until = quarantinedUntil.get(candidate);
            if (until == 0 || until - now <= 0) {
                return replicas.get(candidate);
            }
        }
        return replicas.get(start);
    }

    /** A connect to this replica was refused or timed out: skip it for a while. */
    public void connectFailed(URI replica) {
        int index = replicas.indexOf(replica);
        if (index >= 0) {
            quarantinedUntil.set(index, clock.getAsLong() + QUARANTINE_NANOS);
        }
    }

    /** It answered: back in the rotation at once. */
    public void answered(URI replica) {
        int index = replicas.indexOf(replica);
        if (index >= 0 && quarantinedUntil.get(index) != 0) {
            quarantinedUntil.set(index, 0);
        }
    }
}
