package dev.runloom.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./runloom admin create-org <name>}: creates an organization and its first API key on the
 * running local platform, through the gateway's admin path ({@code POST /v1/admin/organizations})
 * with the admin key the launcher keeps in the data directory. Prints the answer (the key is shown
 * this once). Same {@code RUNLOOM_DATA_DIR} and {@code RUNLOOM_PORT} as the running platform.
 */
final class AdminCommand {
    private AdminCommand() {
    }

    static int run(String[] args, Path dataDir, int port) throws Exception {
        if (args.length != 3 || !args[1].equals("create-org") || args[2].isBlank()) {
            System.err.println("usage: ./runloom admin create-org <name>");
            return 2;
        }
        if (!Files.exists(dataDir.resolve("admin-key"))) {
            System.err.println("no admin key in " + dataDir + ": start the platform first (./runloom)");
            return 1;
        }
        String adminKey = LocalPlatform.adminKey(dataDir);
        String body = "{\"name\":" + jsonString(args[2].trim()) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/organizations"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("Runloom is not running on port " + port + " (start it with ./runloom)");
            return 1;
        }
        System.out.println(response.body());
        return response.statusCode() == 201 ? 0 : 1;
    }

    static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
