package dev.runloom.common.input;

import io.micronaut.core.type.Argument;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.Decoder;
import io.micronaut.serde.Deserializer;
import jakarta.inject.Singleton;

import java.io.IOException;

/**
 * A JSON string field takes a JSON string, nothing else: {@code {"name": 42}} is a 400 naming
 * {@code name}, not the text "42" (serde's default reads numbers and booleans into strings). One
 * bean for the gateway and every service.
 */
@Singleton
public class StrictStringDeserializer implements Deserializer<String> {

    @Override
    public String deserialize(Decoder decoder, DecoderContext context, Argument<? super String> type) throws IOException {
        JsonNode node = decoder.decodeNode();
        if (node.isString()) {
            return node.getStringValue();
        }
        // the argument is the property being read: its name is the field the client sent
        String field = type.getName();
        throw decoder.createDeserializationException((field == null || field.isEmpty() ? "" : field + ": ")
                + "must be a string, not " + kind(node), null);
    }

    @Override
    public String deserializeNullable(Decoder decoder, DecoderContext context, Argument<? super String> type)
            throws IOException {
        if (decoder.decodeNull()) {
            return null;
        }
        return deserialize(decoder, context, type);
    }

    private static String kind(JsonNode node) {
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }
}
