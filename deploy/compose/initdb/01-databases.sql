-- One database per service (each service owns its tables and runs its own Flyway migrations at
-- start-up). Run once by the postgres image on an empty data volume, as POSTGRES_USER, which
-- therefore owns the six databases.
CREATE DATABASE runloom_records;
CREATE DATABASE runloom_flows;
CREATE DATABASE runloom_schedules;
CREATE DATABASE runloom_agents;
CREATE DATABASE runloom_gateway;
-- shared by flows-service and agents-service: the LLM governor's leases and limits (docs/operations.md)
CREATE DATABASE runloom_governor;
