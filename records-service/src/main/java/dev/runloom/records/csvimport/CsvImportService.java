package dev.runloom.records.csvimport;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.records.events.RecordEvents;
import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Imports a CSV file of records in one transaction: stream → parse → {@code COPY} into staging →
 * drop rows whose name comes again later → merge into {@code records} and append one RecordCreated
 * or RecordUpdated event per merged record, both in one statement run by the database. Rows with
 * errors are skipped and reported; a fault of the whole file (or of the request) rolls everything
 * back, so an import lands whole or not at all.
 */
@Singleton
public class CsvImportService {
    private static final Logger LOG = LoggerFactory.getLogger(CsvImportService.class);

    private final RecordImportRepository imports;
    private final Outbox outbox;
    private final long maxFileBytes;
    private final int maxErrors;
    private final int maxLineChars;

    public CsvImportService(RecordImportRepository imports, Outbox outbox,
                            @Value("${runloom.records.csv-import.max-file-bytes:536870912}") long maxFileBytes,
                            @Value("${runloom.records.csv-import.max-errors:100}") int maxErrors,
                            @Value("${runloom.records.csv-import.max-line-chars:8388608}") int maxLineChars) {
        this.imports = imports;
        this.outbox = outbox;
        this.maxFileBytes = maxFileBytes;
        this.maxErrors = maxErrors;
        this.maxLineChars = maxLineChars;
    }

    /**
     * @param file      the CSV bytes, read once, as they arrive
     * @param afterFile runs once the file is read, before anything is merged (checks the rest of the request)
     */
    @Transactional
    public CsvImportResult importCsv(Tenant tenant, ImportOptions options, InputStream file, Runnable afterFile) {
        long started = System.nanoTime();
        RowErrors errors = new RowErrors(maxErrors);
        LimitedInputStream limited = new LimitedInputStream(file, maxFileBytes);
        StagingCopy staging = imports.openStaging();
        long totalRows;
        try {
            totalRows = CsvRowReader.read(limited, options, maxLineChars, errors, staging::add, rows -> LOG.info(
                    "csv import of type '{}' for {}: {} rows read ({} MB)", options.type(), tenant.organizationId(),
                    rows, limited.count() / (1024 * 1024)));
            staging.finish();
        } catch (UploadTooLargeException e) {
            staging.cancel();
            throw CsvProblems.tooLarge(maxFileBytes);
        } catch (RuntimeException e) {
            staging.cancel();
            throw e;
        }
        afterFile.run();
        long staged = staging.rows();
        long readMillis = (System.nanoTime() - started) / 1_000_000;

        long phase = System.nanoTime();
        RecordImportRepository.Superseded superseded = imports.dropSupersededRows(maxErrors);
        long dedupeMillis = (System.nanoTime() - phase) / 1_000_000;
        errors.addCounted(superseded.rows().stream().map(row -> new RowError(row, options.nameColumn(),
                "the name appears again in a later row; the last row with this name was imported")).toList(),
                superseded.total());
        imports.lockType(tenant.organizationId(), options.type());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        phase = System.nanoTime();
        Map<String, Long> events = outbox.appendSelected(RecordEvents.RECORDS, RecordImportRepository.MERGE,
                RecordImportRepository.MERGED_RECORD_EVENTS,
                tenant.organizationId(), tenant.userId(), options.type(), now, now,
                RecordEvents.RECORD_CREATED.type(), RecordEvents.RECORD_UPDATED.type(), tenant.organizationId(),
                tenant.organizationId(), options.type(), now.toString());
        long created = events.getOrDefault(RecordEvents.RECORD_CREATED.type(), 0L);
        long updated = events.getOrDefault(RecordEvents.RECORD_UPDATED.type(), 0L);

        long mergeMillis = (System.nanoTime() - phase) / 1_000_000;
        LOG.info("csv import of type '{}' for {}: {} rows ({} MB) read and staged in {} ms, de-duplicated in {} ms, "
                        + "merged with their events in {} ms; {} created, {} updated, {} errors; {} ms in all before commit",
                options.type(), tenant.organizationId(), totalRows, limited.count() / (1024 * 1024), readMillis,
                dedupeMillis, mergeMillis, created, updated, errors.count(), (System.nanoTime() - started) / 1_000_000);
        long skipped = totalRows - staged + superseded.total();
        return new CsvImportResult(created, updated, skipped, totalRows, errors.kept(),
                errors.count(), errors.count() > errors.kept().size());
    }
}
