package dev.runloom.records.csvimport;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/records/upload-csv} (reference §3.2 R9): a CSV file of records, as the
 * {@code file} part of a {@code multipart/form-data} body or as a raw {@code text/csv} body. Options
 * ({@code type}, {@code nameColumn}, {@code delimiter}, {@code mapping}, {@code types}) come as query
 * parameters or as form fields before the file. The body is read as it arrives — never held whole —
 * so the size limit is the import's own ({@code runloom.records.csv-import.max-file-bytes}), not
 * the server's buffer.
 */
@Controller("/v1/records")
public class CsvImportController {
    static final Set<String> OPTION_NAMES = Set.of("type", "nameColumn", "delimiter", "mapping", "types");

    private final CsvImportService service;
    private final ImportOptionsParser options;

    public CsvImportController(CsvImportService service, ImportOptionsParser options) {
        this.service = service;
        this.options = options;
    }

    @Post(value = "/upload-csv", consumes = {MediaType.MULTIPART_FORM_DATA, "text/csv"})
    public CsvImportResult upload(Tenant tenant, HttpRequest<?> request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : OPTION_NAMES) {
            request.getParameters().getFirst(name).ifPresent(value -> parameters.put(name, value));
        }
        InputStream body = ((ServerHttpRequest<?>) request).byteBody().toInputStream();
        try {
            return importBody(tenant, request, parameters, body);
        } catch (RuntimeException e) {
            discardRest(body);
            throw e;
        }
    }

    /**
     * An import refused part-way leaves the rest of the body unread; read it (it is bounded by
     * {@code micronaut.server.max-request-size}) so the connection's next request is not read from
     * the middle of this one's body.
     */
    private static void discardRest(InputStream body) {
        try (body) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed or over its limit: nothing more can come from it anyway
        }
    }

    private CsvImportResult importBody(Tenant tenant, HttpRequest<?> request, Map<String, String> parameters,
                                       InputStream body) {
        String contentType = request.getHeaders().get(HttpHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.MULTIPART_FORM_DATA)) {
            MultipartUpload upload = MultipartUpload.open(body, contentType);
            upload.fields().forEach((name, value) -> {
                if (OPTION_NAMES.contains(name)) {
                    parameters.put(name, value);
                }
            });
            return service.importCsv(tenant, options.parse(parameters), upload.file(), () -> upload.finish(OPTION_NAMES));
        }
        return service.importCsv(tenant, options.parse(parameters), body, () -> { });
    }
}
