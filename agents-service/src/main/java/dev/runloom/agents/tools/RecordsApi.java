package dev.runloom.agents.tools;

import dev.runloom.common.tenant.InternalTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/** records-service's internal keyset-paged read of the records of a type (as flows-service calls it). */
@Client(id = "records")
public interface RecordsApi {

    @Get("/internal/records{?type,after,limit}")
    RecordsPage list(@QueryValue String type, @Nullable @QueryValue String after, @QueryValue int limit,
                     @Header(InternalTokens.HEADER) String token);

    @Serdeable
    record RecordsPage(@Nullable List<Record> data, @Nullable String nextAfter) {
    }

    @Serdeable
    record Record(String id, String name, String type, @Nullable Map<String, Object> metadata) {
    }
}
