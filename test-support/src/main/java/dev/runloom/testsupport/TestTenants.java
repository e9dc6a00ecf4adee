package dev.runloom.testsupport;

import dev.runloom.common.tenant.Tenant;

import java.util.Set;

/** The two organizations every service test acts as; one must never see the other's objects. */
public final class TestTenants {
    public static final Tenant ORG_A = new Tenant("org_a", "user_a", Set.of("*"));
    public static final Tenant ORG_B = new Tenant("org_b", "user_b", Set.of("*"));

    private TestTenants() {
    }
}
