package dev.runloom.outbound;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * The guarded client as a bean: the system resolver and the Apache connector unless a test replaces
 * them ({@code @Replaces(HostResolver.class)}), configured by {@link OutboundHttpSettings}.
 */
@Factory
public class OutboundHttpFactory {

    @Singleton
    HostResolver hostResolver() {
        return HostResolver.SYSTEM;
    }

    @Singleton
    @Bean(preDestroy = "close")
    ApacheConnector apacheConnector(OutboundHttpSettings settings) {
        return new ApacheConnector(settings.getConnectTimeout());
    }

    @Singleton
    GuardedHttpClient guardedHttpClient(HostResolver resolver, Connector connector, OutboundHttpSettings settings) {
        return new GuardedHttpClient(resolver, connector, settings.allowedHostSet(), settings.limits());
    }
}
