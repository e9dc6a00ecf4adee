package dev.runloom.agents.a2a;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a refresh of an agent card changed (A4): skills (by {@code id}, else {@code name}) present now
 * but not before, and gone since. {@code rolesAutoApplied} is always empty: Runloom has no roles to
 * apply from a card.
 */
@Serdeable
public record ChangeReport(List<Skill> skillsAdded, List<Skill> skillsRemoved, List<String> rolesAutoApplied) {

    @Serdeable
    public record Skill(@Nullable String id, @Nullable String name) {
    }

    static ChangeReport between(List<Map<String, Object>> before, List<Map<String, Object>> after) {
        Map<String, Skill> old = byKey(before);
        Map<String, Skill> now = byKey(after);
        List<Skill> added = new ArrayList<>();
        now.forEach((key, skill) -> {
            if (!old.containsKey(key)) {
                added.add(skill);
            }
        });
        List<Skill> removed = new ArrayList<>();
        old.forEach((key, skill) -> {
            if (!now.containsKey(key)) {
                removed.add(skill);
            }
        });
        return new ChangeReport(List.copyOf(added), List.copyOf(removed), List.of());
    }

    private static Map<String, Skill> byKey(List<Map<String, Object>> skills) {
        Map<String, Skill> keyed = new LinkedHashMap<>();
        for (Map<String, Object> skill : skills) {
            String id = skill.get("id") instanceof String s ? s : null;
            String name = skill.get("name") instanceof String s ? s : null;
            String key = id != null ? "id:" + id : name != null ? "name:" + name : null;
            if (key != null) {
                keyed.putIfAbsent(key, new Skill(id, name));
            }
        }
        return keyed;
    }
}
