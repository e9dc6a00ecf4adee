package dev.runloom.records.csvimport;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient.Reply;
import io.micronaut.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends CSV uploads the way curl -F and browsers do, over the JDK's HTTP client (Micronaut's
 * client builds multipart bodies only from its own MultipartBody, which cannot send a malformed one).
 */
final class CsvUploads {
    static final String PATH = "/v1/records/upload-csv";
    private static final String BOUNDARY = "----runloom-test-boundary-7MA4YWxkTrZu0gW";

    private final URI server;
    private final InternalTokens tokens;
    private final JsonMapper json;
    private final HttpClient http = HttpClient.newHttpClient();

    CsvUploads(URI server, InternalTokens tokens, JsonMapper json) {
        this.server = server;
        this.tokens = tokens;
        this.json = json;
    }

    /** Fields first, then the file part. */
    Reply upload(Tenant tenant, Map<String, String> fields, byte[] csv) {
        return send(tenant, PATH, contentType(), multipart(fields, csv, Map.of()));
    }

    Reply upload(Tenant tenant, Map<String, String> fields, String csv) {
        return upload(tenant, fields, csv.getBytes(StandardCharsets.UTF_8));
    }

    Reply send(Tenant tenant, String pathAndQuery, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(server.resolve(pathAndQuery))
                .header(InternalTokens.HEADER, tokens.sign(tenant))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] multipart(Map<String, String> before, byte[] csv, Map<String, String> after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(csv.length + 1024);
        before.forEach((name, value) -> field(out, name, value));
        write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"records.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n");
        out.writeBytes(csv);
        write(out, "\r\n");
        after.forEach((name, value) -> field(out, name, value));
        write(out, "--" + BOUNDARY + "--\r\n");
        return out.toByteArray();
    }

    static String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        write(out, "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
