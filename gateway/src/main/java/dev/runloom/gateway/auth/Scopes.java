package dev.runloom.gateway.auth;

import io.micronaut.http.HttpMethod;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which scope each {@code /v1} route needs, in one table: the first rule whose method and path
 * match wins; a path no rule names needs {@code *} (fail closed — a new route must be added here).
 * A key holding {@code *} may do everything, {@code RECORDS:*} everything on records, otherwise the
 * exact scope is needed (WRITE does not imply READ; EXECUTE is its own scope). Case-insensitive.
 */
public final class Scopes {
    public static final String ALL = "*";
    private static final String ANY_ID = "[^/]+";

    /** Everything a key may be granted. */
    public static final Set<String> KNOWN = Set.of(ALL,
            "RECORDS:READ", "RECORDS:WRITE", "RECORDS:*",
            "FLOWS:READ", "FLOWS:WRITE", "FLOWS:EXECUTE", "FLOWS:*",
            "SCHEDULES:READ", "SCHEDULES:WRITE", "SCHEDULES:EXECUTE", "SCHEDULES:*",
            "AGENTS:READ", "AGENTS:WRITE", "AGENTS:EXECUTE", "AGENTS:*",
            "API_KEYS:READ", "API_KEYS:WRITE", "API_KEYS:*",
            "USAGE:READ", "USAGE:WRITE", "USAGE:*");

    private record Rule(Set<HttpMethod> methods, Pattern path, String scope) {
        boolean matches(HttpMethod method, String rawPath) {
            return (methods.isEmpty() || methods.contains(method)) && path.matcher(rawPath).matches();
        }
    }

    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<HttpMethod> ANY = Set.of();

    private static List<Rule> rules() {
        return List.of(
                // starting work is EXECUTE, not WRITE
                rule(Set.of(HttpMethod.POST), "/v1/flows/" + ANY_ID + "/(run|run-on-record-type|execute)(/.*)?", "FLOWS:EXECUTE"),
                rule(Set.of(HttpMethod.POST), "/v1/flows/(run|execute)(/.*)?", "FLOWS:EXECUTE"),
                rule(Set.of(HttpMethod.POST), "/v1/batch(/.*)?", "FLOWS:EXECUTE"),
                // Runloom extensions: the organization's LLM governor view, cost ledger and budgets
                rule(READS, "/v1/(governor|costs|budgets)(/.*)?", "USAGE:READ"),
                rule(ANY, "/v1/(governor|costs|budgets)(/.*)?", "USAGE:WRITE"),
                rule(Set.of(HttpMethod.POST), "/v1/schedules/" + ANY_ID + "/(run|trigger)", "SCHEDULES:EXECUTE"),
                rule(Set.of(HttpMethod.POST), "/v1/agents/" + ANY_ID + "/(execute|approve|resume)", "AGENTS:EXECUTE"),
                // A3/A4: the service fetches a URL the caller chose (SSRF-guarded) and A4 stores it: never a READ key's
                rule(Set.of(HttpMethod.POST), "/v1/agents/(fetch-agent-card|" + ANY_ID + "/refresh-agent-card)", "AGENTS:WRITE"),
                // a POST that only reads: previewing a filter changes nothing
                rule(Set.of(HttpMethod.POST), "/v1/records/preview-filter", "RECORDS:READ"),
                rule(READS, "/v1/records(/.*)?", "RECORDS:READ"),
                rule(ANY, "/v1/records(/.*)?", "RECORDS:WRITE"),
                rule(READS, "/v1/(flows|flow-versions|flow-steps|batch)(/.*)?", "FLOWS:READ"),
                rule(ANY, "/v1/(flows|flow-versions|flow-steps)(/.*)?", "FLOWS:WRITE"),
                rule(READS, "/v1/schedules(/.*)?", "SCHEDULES:READ"),
                rule(ANY, "/v1/schedules(/.*)?", "SCHEDULES:WRITE"),
                rule(READS, "/v1/(agents|agent-versions)(/.*)?", "AGENTS:READ"),
                rule(ANY, "/v1/(agents|agent-versions)(/.*)?", "AGENTS:WRITE"),
                rule(READS, "/v1/api-keys(/.*)?", "API_KEYS:READ"),
                rule(ANY, "/v1/api-keys(/.*)?", "API_KEYS:WRITE"));
    }

    private static final List<Rule> RULES = rules();

    private Scopes() {
    }

    private static Rule rule(Set<HttpMethod> methods, String path, String scope) {
        return new Rule(methods, Pattern.compile(path), scope);
    }

    /** The scope a request needs: from the table, or {@code *} for a path the table does not name. */
    public static String requiredFor(HttpMethod method, String rawPath) {
        for (Rule rule : RULES) {
            if (rule.matches(method, rawPath)) {
                return rule.scope();
            }
        }
        return ALL;
    }

    /** Whether the granted scopes include {@code required}. */
    public static boolean grants(Set<String> granted, String required) {
        String resource = required.contains(":") ? required.substring(0, required.indexOf(':')) : required;
        for (String scope : granted) {
            String s = scope.trim().toUpperCase(Locale.ROOT);
            if (s.equals(ALL) || s.equals(required) || s.equals(resource + ":*")) {
                return true;
            }
        }
        return false;
    }

    /** The canonical (upper-case) form of a scope, or null when it is not one a key can hold. */
    public static String canonical(String scope) {
        if (scope == null) {
            return null;
        }
        String s = scope.trim().toUpperCase(Locale.ROOT);
        return KNOWN.contains(s) ? s : null;
    }
}
