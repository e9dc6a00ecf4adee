package dev.runloom.local;

import java.util.List;

/** One of the platform's services as the launcher starts it: its module, main class and database. */
record ServiceSpec(String name, String module, String mainClass, String envPrefix, String database) {

    /** Start order: the backends first, the gateway (the public door) last. */
    static final List<ServiceSpec> ALL = List.of(
            new ServiceSpec("records", "records-service", "dev.runloom.records.RecordsApplication", "RUNLOOM_RECORDS", "runloom_records"),
            new ServiceSpec("flows", "flows-service", "dev.runloom.flows.FlowsApplication", "RUNLOOM_FLOWS", "runloom_flows"),
            new ServiceSpec("schedules", "schedules-service", "dev.runloom.schedules.SchedulesApplication", "RUNLOOM_SCHEDULES", "runloom_schedules"),
            new ServiceSpec("agents", "agents-service", "dev.runloom.agents.AgentsApplication", "RUNLOOM_AGENTS", "runloom_agents"),
            new ServiceSpec("gateway", "gateway", "dev.runloom.gateway.GatewayApplication", "RUNLOOM_GATEWAY", "runloom_gateway"));
}
