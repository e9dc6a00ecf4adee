package dev.runloom.models;

import io.micronaut.serde.annotation.Serdeable;

@Serdeable
public record ChatMessage(String role, String content) {
}
