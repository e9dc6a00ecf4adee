package dev.runloom.flows.recordsource;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * records-service's internal keyset-paged read of the records of a type: the one synchronous
 * cross-service call (DESIGN §3), made when a batch starts because it needs the set as of now.
 */
@Client(id = "records")
public interface RecordsApi {

    @Get("/internal/records{?type,after,limit}")
    RecordsPage list(@QueryValue String type, @Nullable @QueryValue String after, @QueryValue int limit,
                     @Header(InternalTokens.HEADER) String token);

    /** With the records list's chip filter (JSON); {@code type} may be left out when the filter is not empty. */
    @Get("/internal/records{?type,filter,after,limit}")
    RecordsPage listMatching(@Nullable @QueryValue String type, @QueryValue String filter,
                             @Nullable @QueryValue String after, @QueryValue int limit,
                             @Header(InternalTokens.HEADER) String token);

    @Serdeable
    record RecordsPage(@Nullable List<SourceRecord> data, @Nullable String nextAfter) {
    }
}
