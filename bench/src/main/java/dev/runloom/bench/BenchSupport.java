package dev.runloom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.runloom.local.LocalPlatform;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every benchmark scenario needs: its platform's limits, its arguments and its figures. */
final class BenchSupport {
    /**
     * The gateway's rate limits far above any load a scenario drives (the defaults, 600 requests a minute
     * per key, would measure the limiter instead of the platform).
     */
    static final Map<String, String> UNTHROTTLED = Map.of("RUNLOOM_RATE_LIMIT_PER_KEY", "100000000",
            "RUNLOOM_RATE_LIMIT_PER_ORG", "100000000");

    private BenchSupport() {
    }

    /** {@code --name value} pairs; anything else is refused with the scenario's usage line. */
    static Map<String, String> parse(String[] args, String usage) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: " + usage);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    /** The nearest-rank percentile {@code p} (0–1) of sorted values; NaN when there are none. */
    static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)));
    }

    /** Three decimals, for the printed table and the JSON figures. */
    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Prints the figures as a markdown table and writes them as JSON to
     * {@code bench/results/<name>-<epoch millis>.json}; returns that file.
     */
    static Path report(String name, Map<String, Object> figures) throws IOException {
        System.out.println();
        System.out.println("| metric | value |");
        System.out.println("|---|---|");
        figures.forEach((k, v) -> System.out.printf("| %s | %s |%n", k,
                v instanceof List<?> rows ? rows.size() + " rows (in the JSON)" : v));
        Path out = Path.of("bench", "results");
        Files.createDirectories(out);
        Path file = out.resolve(name + "-" + System.currentTimeMillis() + ".json");
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("\nJSON written to " + file);
        return file;
    }

    /** A connection to one service's database on a platform the bench started ({@code records}, {@code flows} …). */
    static Connection database(LocalPlatform platform, String service) throws SQLException {
        return DriverManager.getConnection(platform.jdbcUrl(service), platform.databaseUser(), platform.databasePassword());
    }
}
