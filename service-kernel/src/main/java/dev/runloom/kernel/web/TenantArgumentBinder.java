package dev.runloom.kernel.web;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Lets a controller method declare a {@link Tenant} parameter, filled from the verified internal token. */
@Singleton
public class TenantArgumentBinder implements TypedRequestArgumentBinder<Tenant> {
    @Override
    public Argument<Tenant> argumentType() {
        return Argument.of(Tenant.class);
    }

    @Override
    public BindingResult<Tenant> bind(ArgumentConversionContext<Tenant> context, HttpRequest<?> source) {
        Optional<Tenant> tenant = source.getAttribute(InternalAuthFilter.TENANT_ATTRIBUTE, Tenant.class);
        return () -> tenant;
    }
}
