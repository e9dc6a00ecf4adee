package dev.runloom.records.csvimport;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;

/** The whole-file failures of a CSV import: each a 4xx problem, and nothing of the file is kept. */
final class CsvProblems {
    private CsvProblems() {
    }

    static ProblemException badFile(String code, String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", code, detail, false));
    }

    static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(Problem.of(413, "Payload Too Large", "payload_too_large",
                "CSV files are limited to " + maxBytes + " bytes", false));
    }
}
