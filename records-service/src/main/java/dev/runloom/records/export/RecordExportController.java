package dev.runloom.records.export;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.records.record.RecordQuery;
import dev.runloom.records.record.RecordQueryParams;
import dev.runloom.records.record.RecordService;
import dev.runloom.records.record.RecordSort;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * {@code GET /v1/records/export} (reference §3.2 R5): the records that {@code type}, {@code search}
 * and {@code filter} select (as in the list), as CSV — columns {@code id, type, name, createdAt,
 * updatedAt}, then one per metadata leaf path seen among them (nested keys dotted, at most
 * {@link #MAX_METADATA_COLUMNS}), lists and objects as JSON text.
 *
 * <p>Streamed with constant memory for any size: the columns are found first (so a bad request is
 * still a problem response), then a producer reads the rows from a fetch-size query inside one
 * read transaction and writes them through a {@link BoundedPipe} that the server drains to the
 * client.
 */
@Controller("/v1/records")
public class RecordExportController {
    static final int MAX_METADATA_COLUMNS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(RecordExportController.class);
    private static final MediaType TEXT_CSV = MediaType.of("text/csv;charset=utf-8");

    private final RecordService records;
    private final RecordQueryParams queries;
    private final JsonMapper json;
    private final ExecutorService executor;

    public RecordExportController(RecordService records, RecordQueryParams queries, JsonMapper json,
                                  @Named(TaskExecutors.BLOCKING) ExecutorService executor) {
        this.records = records;
        this.queries = queries;
        this.json = json;
        this.executor = executor;
    }

    @Get(value = "/export", produces = "text/csv")
    public StreamedFile export(Tenant tenant,
                               @Nullable @QueryValue String type,
                               @Nullable @QueryValue String search,
                               @Nullable @QueryValue String filter,
                               @Nullable @QueryValue String sortBy,
                               @Nullable @QueryValue String sortOrder) {
        RecordQuery query = queries.fromQuery(type, search, filter);
        RecordSort sort = RecordSort.parse(sortBy, sortOrder);
        List<String> metadataColumns = records.metadataPaths(tenant, query, MAX_METADATA_COLUMNS);
        BoundedPipe pipe = new BoundedPipe(16, 64 * 1024);
        executor.execute(() -> write(tenant, query, sort, metadataColumns, pipe));
        return new StreamedFile(pipe.source(), TEXT_CSV).attach(type == null ? "records.csv" : "records-export.csv");
    }

    private void write(Tenant tenant, RecordQuery query, RecordSort sort, List<String> metadataColumns,
                       BoundedPipe pipe) {
        List<String> header = new ArrayList<>(List.of("id", "type", "name", "createdAt", "updatedAt"));
        header.addAll(metadataColumns);
        try {
            // closed only on success: a failure must end the body with an error, never a normal end
            CSVPrinter csv = new CSVPrinter(new OutputStreamWriter(pipe.sink(), StandardCharsets.UTF_8),
                    CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get());
            List<String> cells = new ArrayList<>(header.size());
            records.forEach(tenant, query, sort, (id, type, name, metadata, createdAt, updatedAt) -> {
                cells.clear();
                cells.add(id);
                cells.add(CsvCells.text(type));
                cells.add(CsvCells.text(name));
                cells.add(createdAt.toString());
                cells.add(updatedAt.toString());
                Map<String, Object> flat = CsvCells.flatten(readObject(metadata));
                for (String column : metadataColumns) {
                    cells.add(CsvCells.value(flat.get(column), this::writeJson));
                }
                try {
                    csv.printRecord(cells);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            csv.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("records export for {} ended early: {}", tenant.organizationId(), e.toString());
            pipe.fail(e instanceof IOException io ? io : new IOException("export failed", e));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readObject(String text) {
        try {
            return json.readValue(text.getBytes(StandardCharsets.UTF_8), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String writeJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
