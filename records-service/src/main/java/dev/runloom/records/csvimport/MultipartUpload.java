package dev.runloom.records.csvimport;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body read as it streams in (mime4j's pull parser): the text fields
 * that precede the {@code file} part are collected, then the file is handed out as a stream and
 * read straight into the import. Fields must therefore come before the file (as {@code curl -F} and
 * browsers send them in the order given) or be passed as query parameters; an option field after
 * the file is refused by {@link #finish()} rather than silently ignored.
 */
final class MultipartUpload {
    static final String FILE_FIELD = "file";
    private static final int MAX_FIELD_BYTES = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;\\s]+))");

    private final MimeTokenStream parts;
    private final Map<String, String> fields = new LinkedHashMap<>();
    private InputStream file;

    private MultipartUpload(MimeTokenStream parts) {
        this.parts = parts;
    }

    /** Reads up to the start of the {@code file} part. */
    static MultipartUpload open(InputStream body, String contentType) {
        MimeTokenStream parts = new MimeTokenStream(MimeConfig.custom()
                .setMaxLineLen(-1).setMaxHeaderLen(16 * 1024).setMaxHeaderCount(50).setMaxContentLen(-1).build());
        parts.setRecursionMode(RecursionMode.M_NO_RECURSE);
        parts.parseHeadless(body, contentType);
        MultipartUpload upload = new MultipartUpload(parts);
        upload.readUpToFile();
        return upload;
    }

    Map<String, String> fields() {
        return fields;
    }

    InputStream file() {
        return file;
    }

    /**
     * Reads whatever follows the file; an import option there would have been ignored, so it is refused.
     */
    void finish(Set<String> optionNames) {
        try {
            String partName = null;
            for (EntityState state = parts.next(); state != EntityState.T_END_OF_STREAM; state = parts.next()) {
                if (state == EntityState.T_FIELD) {
                    String name = dispositionName(parts.getField());
                    partName = name != null ? name : partName;
                } else if (state == EntityState.T_BODY) {
                    if (partName != null && optionNames.contains(partName)) {
                        throw CsvProblems.badFile("upload_field_after_file", "Form field '" + partName
                                + "' comes after the file; send the fields before the file part, or as query parameters");
                    }
                    parts.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    partName = null;
                }
            }
        } catch (IOException | MimeException e) {
            throw CsvProblems.badFile("upload_malformed", "The multipart body is malformed: " + e.getMessage());
        }
    }

    private void readUpToFile() {
        try {
            String partName = null;
            for (EntityState state = parts.getState(); state != EntityState.T_END_OF_STREAM; state = parts.next()) {
                if (state == EntityState.T_START_BODYPART) {
                    partName = null;
                } else if (state == EntityState.T_FIELD) {
                    String name = dispositionName(parts.getField());
                    partName = name != null ? name : partName;
                } else if (state == EntityState.T_BODY) {
                    if (FILE_FIELD.equals(partName)) {
                        file = parts.getDecodedInputStream();
                        return;
                    }
                    if (partName != null) {
                        fields.put(partName, text(parts.getDecodedInputStream(), partName));
                    }
                }
            }
        } catch (IOException | MimeException e) {
            throw CsvProblems.badFile("upload_malformed", "The multipart body is malformed: " + e.getMessage());
        }
        throw CsvProblems.badFile("csv_file_missing", "The multipart body has no part named 'file' holding the CSV");
    }

    private static String dispositionName(Field field) {
        if (!"content-disposition".equalsIgnoreCase(field.getName())) {
            return null;
        }
        Matcher matcher = NAME.matcher(field.getBody());
        if (!matcher.find()) {
            return null;
        }
        return matcher.group(1) != null ? matcher.group(1).replaceAll("\\\\(.)", "$1") : matcher.group(2);
    }

    private static String text(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
        if (bytes.length > MAX_FIELD_BYTES) {
            throw CsvProblems.badFile("upload_field_too_large", "Form field '" + name + "' is longer than "
                    + MAX_FIELD_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
