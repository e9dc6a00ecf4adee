package dev.runloom.records.csvimport;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV file as it streams in, one row at a time (nothing but the current row is held): the
 * first row is the header, each later row becomes a {@link StagedRow} for the sink or per-row
 * errors. Whole-file faults — not UTF-8, unbalanced quotes, an empty or header-only file, a header
 * that does not fit the options — throw a 4xx {@link dev.runloom.common.problem.ProblemException}.
 */
final class CsvRowReader {
    static final int MAX_NAME_LENGTH = 500;
    static final int MAX_COLUMNS = 1000;
    static final int MAX_CELL_LENGTH = 1_000_000;

    /** Receives the valid rows in file order. */
    interface Sink {
        void accept(StagedRow row);
    }

    /** Reports progress now and then (a million-row import takes a while). */
    interface Progress {
        void rowsRead(long rows);
    }

    private record Target(int index, String column, String key, ValueType type) {
    }

    private CsvRowReader() {
    }

    /**
     * @return how many data rows the file had (valid or not)
     * @throws UploadTooLargeException when the file passes the size limit
     */
    static long read(InputStream file, ImportOptions options, int maxLineChars, RowErrors errors, Sink sink,
                     Progress progress) throws UploadTooLargeException {
        BufferedReader reader = new BufferedReader(new LineLengthGuard(new InputStreamReader(file,
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)), maxLineChars), 1 << 16);
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(options.delimiter()).setIgnoreEmptyLines(true).get();
        try {
            skipByteOrderMark(reader);
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get();
            Iterator<CSVRecord> rows = parser.iterator();
            if (!rows.hasNext()) {
                throw CsvProblems.badFile("csv_empty", "The file is empty: expected a header row and at least one data row");
            }
            List<String> header = rows.next().toList();
            int nameIndex = nameIndex(header, options);
            List<Target> targets = targets(header, options, nameIndex);
            long count = 0;
            StringBuilder json = new StringBuilder(256);
            while (rows.hasNext()) {
                CSVRecord row = rows.next();
                count++;
                StagedRow staged = stage(row, header, nameIndex, targets, options.nameColumn(), errors, json);
                if (staged != null) {
                    sink.accept(staged);
                }
                if (count % 100_000 == 0) {
                    progress.rowsRead(count);
                }
            }
            if (count == 0) {
                throw CsvProblems.badFile("csv_no_rows", "The file has a header but no data rows");
            }
            return count;
        } catch (UncheckedIOException e) {
            throw translate(e.getCause(), maxLineChars);
        } catch (IOException e) {
            throw translate(e, maxLineChars);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // commons-csv reports unbalanced quotes and the like this way
            throw CsvProblems.badFile("csv_malformed", "The file is not valid CSV: " + e.getMessage());
        }
    }

    private static RuntimeException translate(IOException e, int maxLineChars) throws UploadTooLargeException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UploadTooLargeException tooLarge) {
                throw tooLarge;
            }
            if (t instanceof LineLengthGuard.LineTooLongException) {
                return CsvProblems.badFile("csv_line_too_long", "The file has a line longer than " + maxLineChars
                        + " characters; a row may span lines (quoted line breaks), one line may not");
            }
            if (t instanceof CharacterCodingException) {
                return CsvProblems.badFile("csv_not_utf8", "The file is not UTF-8 text; save it as CSV UTF-8 and retry");
            }
        }
        return CsvProblems.badFile("csv_malformed", "The file is not valid CSV: " + e.getMessage());
    }

    private static void skipByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
    }

    private static int nameIndex(List<String> header, ImportOptions options) {
        if (header.size() > MAX_COLUMNS) {
            throw CsvProblems.badFile("csv_too_many_columns", "The header has " + header.size()
                    + " columns; at most " + MAX_COLUMNS + " are supported");
        }
        Set<String> seen = new HashSet<>();
        for (String column : header) {
            if (!column.isEmpty() && !seen.add(column)) {
                throw CsvProblems.badFile("csv_invalid_header", "The header names column '" + column + "' twice");
            }
        }
        int index = header.indexOf(options.nameColumn());
        if (index >= 0) {
            return index;
        }
        if (header.size() == 1) {
            for (char candidate : new char[]{',', ';', '\t', '|'}) {
                if (candidate != options.delimiter() && header.get(0).indexOf(candidate) >= 0) {
                    String shown = candidate == '\t' ? "tab" : String.valueOf(candidate);
                    throw CsvProblems.badFile("csv_wrong_delimiter", "The header is one column, '"
                            + ValueType.abbreviate(header.get(0)) + "': the file looks " + shown
                            + "-separated, not '" + (options.delimiter() == '\t' ? "tab" : options.delimiter())
                            + "'-separated; pass delimiter=" + shown);
                }
            }
        }
        throw CsvProblems.badFile("csv_name_column_missing", "The header has no column '" + options.nameColumn()
                + "' (columns: " + String.join(", ", header.stream().map(ValueType::abbreviate).toList())
                + "); pass nameColumn to say which column holds the record names");
    }

    private static List<Target> targets(List<String> header, ImportOptions options, int nameIndex) {
        for (String column : options.types().keySet()) {
            requireColumn(header, column, "types");
        }
        List<Target> targets = new ArrayList<>();
        if (options.mapping() != null) {
            for (Map.Entry<String, ImportOptions.Column> entry : options.mapping().entrySet()) {
                int index = requireColumn(header, entry.getKey(), "mapping");
                ValueType type = entry.getValue().type() != null ? entry.getValue().type()
                        : options.types().getOrDefault(entry.getKey(), ValueType.STRING);
                targets.add(new Target(index, entry.getKey(), entry.getValue().key(), type));
            }
        } else {
            for (int i = 0; i < header.size(); i++) {
                String column = header.get(i);
                if (i != nameIndex && !column.isEmpty()) {
                    if (column.indexOf('\0') >= 0) {
                        throw CsvProblems.badFile("csv_invalid_header", "A header column contains a NUL character");
                    }
                    targets.add(new Target(i, column, column, options.types().getOrDefault(column, ValueType.STRING)));
                }
            }
        }
        return targets;
    }

    private static int requireColumn(List<String> header, String column, String parameter) {
        int index = header.indexOf(column);
        if (index < 0) {
            throw CsvProblems.badFile("csv_unknown_column", "Parameter '" + parameter + "' names column '"
                    + ValueType.abbreviate(column) + "', which the header does not have (columns: "
                    + String.join(", ", header.stream().map(ValueType::abbreviate).toList()) + ")");
        }
        return index;
    }

    private static StagedRow stage(CSVRecord row, List<String> header, int nameIndex, List<Target> targets,
                                   String nameColumn, RowErrors errors, StringBuilder json) {
        long rowNumber = row.getRecordNumber();
        if (row.size() != header.size()) {
            errors.add(new RowError(rowNumber, null, "has " + row.size() + " fields; the header has " + header.size()));
            return null;
        }
        boolean valid = true;
        String name = row.get(nameIndex);
        String nameProblem = nameProblem(name);
        if (nameProblem != null) {
            errors.add(new RowError(rowNumber, nameColumn, nameProblem));
            valid = false;
        }
        json.setLength(0);
        json.append('{');
        boolean first = true;
        for (Target target : targets) {
            String cell = row.get(target.index());
            if (cell.isEmpty()) {
                continue; // an empty cell sets no key
            }
            String problem = cell.indexOf('\0') >= 0 ? "contains a NUL character"
                    : cell.length() > MAX_CELL_LENGTH ? "is longer than " + MAX_CELL_LENGTH + " characters" : null;
            int mark = json.length();
            if (problem == null) {
                if (!first) {
                    json.append(',');
                }
                JsonText.appendString(target.key(), json);
                json.append(':');
                try {
                    target.type().appendJson(cell, json);
                    first = false;
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                json.setLength(mark);
                errors.add(new RowError(rowNumber, target.column(), problem));
                valid = false;
            }
        }
        json.append('}');
        return valid ? new StagedRow(rowNumber, name, json.toString()) : null;
    }

    private static String nameProblem(String name) {
        if (name.isBlank()) {
            return "name is empty";
        }
        if (name.indexOf('\0') >= 0) {
            return "name contains a NUL character";
        }
        if (name.length() > MAX_NAME_LENGTH && name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            return "name is longer than " + MAX_NAME_LENGTH + " characters";
        }
        return null;
    }
}
