package dev.runloom.common.jdbc;

import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.function.BooleanSupplier;

/**
 * Part of a transaction that can be undone on its own: for writes whose keeping is only known after
 * them — e.g. a hot row's lock taken last, so that it is held only until the commit, finds the
 * writes before it unwanted.
 */
@Singleton
public class Savepoints {
    private final JdbcOperations jdbc;

    public Savepoints(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Runs {@code work} in the current transaction behind a savepoint: when it answers false,
     * everything it wrote is undone and the transaction carries on. An exception from {@code work}
     * propagates (the transaction's own rollback undoes it).
     *
     * @return what {@code work} answered
     */
    public boolean keepIf(BooleanSupplier work) {
        Connection connection = jdbc.getConnection();
        Savepoint savepoint;
        try {
            savepoint = connection.setSavepoint();
        } catch (SQLException e) {
            throw new DataAccessException("cannot set a savepoint: " + e.getMessage(), e);
        }
        boolean keep = work.getAsBoolean();
        try {
            if (keep) {
                connection.releaseSavepoint(savepoint);
            } else {
                connection.rollback(savepoint);
            }
        } catch (SQLException e) {
            throw new DataAccessException("cannot end a savepoint: " + e.getMessage(), e);
        }
        return keep;
    }
}
