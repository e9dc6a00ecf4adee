package dev.runloom.local.contracts;

import dev.runloom.agents.events.AgentEvents;
import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;
import dev.runloom.flows.batches.BatchWorkEvents;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.schedules.events.ScheduleEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/asyncapi.yaml true to the code: the event catalogs (streams and event types) and the
 * payload records they name are the source of truth; this test fails, listing every mismatch, when
 * the document and the code drift apart — a stream or type without its channel or message, a
 * payload component that is not documented (or documented but gone), a wrong {@code required}
 * list, a wrong JSON type.
 *
 * <p>The conventions of the document it relies on (written down at the top of the YAML):
 * <ul>
 *   <li>one channel per stream, {@code address} = the stream name, and one {@code <stream>.dlq}
 *       channel per stream carrying {@code #/components/messages/deadLetter};</li>
 *   <li>one message per event type on its stream's channel; the CloudEvents type is the message
 *       {@code name} and the {@code const} of its {@code ce_type} header; {@code ce_source} is the
 *       {@code const} {@code urn:runloom:<producer>};</li>
 *   <li>payload {@code properties} = the record's components; a component annotated
 *       {@code @Nullable} is not {@code required} and its type includes {@code 'null'}
 *       ({@code type: [string, 'null']}, or a {@code oneOf}/{@code anyOf} with {@code type: 'null'});
 *       a component of type {@link Object} is any JSON value (no {@code type});</li>
 *   <li>internal streams' channels carry {@code x-internal: true}; operations say their service in
 *       {@code x-service}.</li>
 * </ul>
 */
class AsyncApiContractTest {

    /** The published contracts, one catalog per producer's contract module. */
    private static final List<EventCatalog> PUBLISHED =
            List.of(new RecordEvents(), new FlowEvents(), new ScheduleEvents(), new AgentEvents());
    /** Streams internal to one service, declared like contracts so the topic bootstrap and the document know them. */
    private static final List<EventCatalog> INTERNAL = List.of(new BatchWorkEvents());

    /** The CloudEvents attributes and extensions every event carries (service-kernel's CloudEventCodec). */
    private static final List<String> REQUIRED_HEADERS = List.of("ce_id", "ce_source", "ce_type", "ce_subject",
            "ce_time", "ce_specversion", "content-type", "ce_runloomorg");
    /** Present only when a trace is active. */
    private static final String TRACEPARENT_HEADER = "ce_traceparent";
    /** Present on the events of schedule runs (service-kernel's CloudEventCodec.SCHEDULE_RUN_EXTENSION, not on this classpath). */
    private static final String SCHEDULE_RUN_HEADER = "ce_runloomschedulerun";
    private static final String SCHEDULE_RUN_SCHEMA = "#/components/schemas/CeRunloomschedulerun";
    /** What service-kernel's DeadLetters adds to a dead-lettered message. */
    private static final List<String> DEAD_LETTER_HEADERS =
            List.of("runloom_dlq_error", "runloom_dlq_consumer", "runloom_dlq_origin");
    private static final String DEAD_LETTER_MESSAGE = "#/components/messages/deadLetter";

    private static Path file;
    private static Map<String, Object> doc;

    @BeforeAll
    static void load() throws IOException {
        file = locate();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // a duplicated channel or message id must not silently win
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = map(new Yaml(new SafeConstructor(options)).load(reader), file.toString());
        }
    }

    // ------------------------------------------------------------------------------------ tests

    @Test
    void isAnAsyncApi3DocumentWithAKafkaServer() {
        assertThat(doc.get("asyncapi")).as("%s: asyncapi version", file).isEqualTo("3.0.0");
        Map<String, Object> info = map(doc.get("info"), "info");
        assertThat(info).as("info").containsKeys("title", "version", "description");
        assertThat(map(doc.get("servers"), "servers").values())
                .as("servers: at least one with protocol kafka")
                .anySatisfy(server -> assertThat(map(server, "server").get("protocol")).isEqualTo("kafka"));
    }

    @Test
    void everyStreamHasExactlyOneChannelAndEveryChannelADeclaredStream() {
        List<String> problems = new ArrayList<>();
        Map<String, EventStream> streams = streams(problems);
        Map<String, List<String>> byAddress = new LinkedHashMap<>();
        channels().forEach((id, channel) -> byAddress.computeIfAbsent(
                String.valueOf(map(channel, "channel " + id).get("address")), a -> new ArrayList<>()).add(id));

        for (String stream : streams.keySet()) {
            expectOneChannel(byAddress, stream, "stream " + stream, problems);
            expectOneChannel(byAddress, EventStream.deadLetterTopic(stream), "dead-letter topic of " + stream, problems);
        }
        for (Map.Entry<String, List<String>> entry : byAddress.entrySet()) {
            String address = entry.getKey();
            String stream = address.endsWith(".dlq") ? address.substring(0, address.length() - ".dlq".length()) : address;
            if (!streams.containsKey(stream)) {
                problems.add("channel(s) " + entry.getValue() + " have address '" + address
                        + "', which no event catalog declares (streams: " + streams.keySet() + ")");
            }
        }
        assertThat(problems).as("channels of %s vs. the event catalogs", file).isEmpty();
    }

    @Test
    void deadLetterChannelsCarryTheDeadLetterMessage() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> deadLetter = map(resolve(Map.of("$ref", DEAD_LETTER_MESSAGE)), DEAD_LETTER_MESSAGE);
        Map<String, Object> headers = map(resolve(deadLetter.get("headers")), "deadLetter headers");
        Map<String, Object> properties = map(headers.get("properties"), "deadLetter headers.properties");
        for (String header : DEAD_LETTER_HEADERS) {
            if (!properties.containsKey(header) || !strings(headers.get("required")).contains(header)) {
                problems.add("deadLetter message: header " + header + " must be documented and required");
            }
        }
        for (String stream : streams(problems).keySet()) {
            String address = EventStream.deadLetterTopic(stream);
            channelAt(address).ifPresent(channel -> {
                Map<String, Object> messages = map(channel.get("messages"), address + " messages");
                if (messages.isEmpty()) {
                    problems.add("channel " + address + " has no message; expected " + DEAD_LETTER_MESSAGE);
                }
                messages.forEach((id, message) -> {
                    if (!DEAD_LETTER_MESSAGE.equals(map(message, id).get("$ref"))) {
                        problems.add("channel " + address + " message '" + id + "' must be {$ref: " + DEAD_LETTER_MESSAGE + "}");
                    }
                });
            });
        }
        assertThat(problems).as("dead-letter channels of %s", file).isEmpty();
    }

    @Test
    void internalStreamsAndOnlyThoseAreMarkedInternal() {
        List<String> problems = new ArrayList<>();
        Set<String> internal = INTERNAL.stream().flatMap(c -> c.streams().stream()).map(EventStream::name)
                .collect(Collectors.toSet());
        for (String stream : streams(problems).keySet()) {
            boolean expected = internal.contains(stream);
            for (String address : List.of(stream, EventStream.deadLetterTopic(stream))) {
                channelAt(address).ifPresent(channel -> {
                    if (Boolean.TRUE.equals(channel.get("x-internal")) != expected) {
                        problems.add("channel " + address + (expected ? " must" : " must not") + " have x-internal: true");
                    }
                });
            }
        }
        assertThat(problems).as("x-internal markers in %s", file).isEmpty();
    }

    @Test
    void everyEventTypeHasOneMessageOnItsStreamsChannel() {
        List<String> problems = new ArrayList<>();
        streams(problems);
        for (EventCatalog catalog : catalogs()) {
            for (EventStream stream : catalog.streams()) {
                channelAt(stream.name()).ifPresent(channel -> {
                    Map<String, EventType<?>> declared = new LinkedHashMap<>();
                    catalog.types().stream().filter(t -> t.stream().equals(stream)).forEach(t -> declared.put(t.type(), t));
                    Map<String, List<String>> documented = new LinkedHashMap<>();
                    map(channel.get("messages"), stream.name() + " messages").forEach((id, message) ->
                            documented.computeIfAbsent(ceType(map(resolve(message), id)), t -> new ArrayList<>()).add(id));
                    for (String type : declared.keySet()) {
                        List<String> ids = documented.getOrDefault(type, List.of());
                        if (ids.size() != 1) {
                            problems.add("event type " + type + " needs exactly one message on channel " + stream.name()
                                    + " (message whose ce_type header const is the type); found " + ids);
                        }
                    }
                    documented.forEach((type, ids) -> {
                        if (!declared.containsKey(type)) {
                            problems.add("channel " + stream.name() + " documents message(s) " + ids + " of type '" + type
                                    + "', which " + catalog.getClass().getSimpleName() + " does not declare on that stream");
                        }
                    });
                });
            }
        }
        assertThat(problems).as("messages of %s vs. the event types", file).isEmpty();
    }

    @Test
    void messagesCarryTheEnvelopeAndKeyOfTheirType() {
        List<String> problems = new ArrayList<>();
        for (EventCatalog catalog : catalogs()) {
            for (EventType<?> type : catalog.types()) {
                message(type).ifPresent(message -> {
                    String where = "message " + type.type();
                    if (!type.type().equals(message.get("name"))) {
                        problems.add(where + ": name must be the CloudEvents type, is '" + message.get("name") + "'");
                    }
                    Object contentType = message.getOrDefault("contentType", doc.get("defaultContentType"));
                    if (!"application/json".equals(contentType)) {
                        problems.add(where + ": contentType must be application/json, is " + contentType);
                    }
                    Map<String, Object> headers = map(resolve(message.get("headers")), where + " headers");
                    Map<String, Object> properties = map(headers.get("properties"), where + " headers.properties");
                    List<String> required = strings(headers.get("required"));
                    for (String header : REQUIRED_HEADERS) {
                        if (!properties.containsKey(header)) {
                            problems.add(where + ": header " + header + " is not documented");
                        } else if (!required.contains(header)) {
                            problems.add(where + ": header " + header + " must be required");
                        }
                    }
                    if (!properties.containsKey(TRACEPARENT_HEADER)) {
                        problems.add(where + ": header " + TRACEPARENT_HEADER + " is not documented");
                    } else if (required.contains(TRACEPARENT_HEADER)) {
                        problems.add(where + ": header " + TRACEPARENT_HEADER + " is only present with a trace, so not required");
                    }
                    expectConst(properties, "ce_source", "urn:runloom:" + catalog.producer(), where, problems);
                    expectConst(properties, "ce_specversion", "1.0", where, problems);
                    expectConst(properties, "content-type", "application/json", where, problems);
                    if (properties.containsKey("ce_time")
                            && !"date-time".equals(map(resolve(properties.get("ce_time")), "ce_time").get("format"))) {
                        problems.add(where + ": header ce_time must be format date-time");
                    }

                    Map<String, Object> kafka = map(map(message.get("bindings"), where + " bindings").get("kafka"),
                            where + " bindings.kafka");
                    Map<String, Object> key = map(resolve(kafka.get("key")), where + " bindings.kafka.key");
                    String keyDescription = String.valueOf(key.get("description")).toLowerCase();
                    if (!"string".equals(key.get("type"))
                            || !keyDescription.contains(type.stream().key().toLowerCase())) {
                        problems.add(where + ": bindings.kafka.key must be {type: string} with a description naming the "
                                + "stream's key '" + type.stream().key() + "'; is " + key);
                    }
                });
            }
        }
        assertThat(problems).as("message envelopes in %s", file).isEmpty();
    }

    /**
     * The events of schedule runs — the published payloads with a {@code scheduleRunId} — document the
     * {@code ce_runloomschedulerun} extension (set when the run id is, so not required; consumers filter on
     * it without reading the payload); no other message does.
     */
    @Test
    void scheduleRunExtensionIsDocumentedOnTheEventsOfScheduleRunsOnly() {
        List<String> problems = new ArrayList<>();
        for (EventCatalog catalog : catalogs()) {
            for (EventType<?> type : catalog.types()) {
                boolean expected = PUBLISHED.contains(catalog) && Arrays.stream(type.payload().getRecordComponents())
                        .anyMatch(c -> c.getName().equals("scheduleRunId"));
                message(type).ifPresent(message -> {
                    String where = "message " + type.type();
                    Map<String, Object> headers = map(resolve(message.get("headers")), where + " headers");
                    Map<String, Object> properties = map(headers.get("properties"), where + " headers.properties");
                    if (expected && !properties.containsKey(SCHEDULE_RUN_HEADER)) {
                        problems.add(where + ": header " + SCHEDULE_RUN_HEADER + " is not documented");
                    } else if (expected && !SCHEDULE_RUN_SCHEMA.equals(map(properties.get(SCHEDULE_RUN_HEADER),
                            SCHEDULE_RUN_HEADER).get("$ref"))) {
                        problems.add(where + ": header " + SCHEDULE_RUN_HEADER + " must be {$ref: " + SCHEDULE_RUN_SCHEMA + "}");
                    } else if (!expected && properties.containsKey(SCHEDULE_RUN_HEADER)) {
                        problems.add(where + ": header " + SCHEDULE_RUN_HEADER + " is documented, but its producer never sets it");
                    }
                    if (strings(headers.get("required")).contains(SCHEDULE_RUN_HEADER)) {
                        problems.add(where + ": header " + SCHEDULE_RUN_HEADER + " is only present for schedule runs, so not required");
                    }
                });
            }
        }
        resolve(Map.of("$ref", SCHEDULE_RUN_SCHEMA)); // the schema exists
        assertThat(problems).as("the %s header in %s", SCHEDULE_RUN_HEADER, file).isEmpty();
    }

    @Test
    void payloadSchemasMatchThePayloadRecords() {
        List<String> problems = new ArrayList<>();
        for (EventType<?> type : types()) {
            message(type).ifPresent(message -> checkRecord(type.type() + " payload", type.payload(),
                    message.get("payload"), problems, new ArrayList<>()));
        }
        assertThat(problems)
                .as("payload schemas in %s vs. the payload records (a component added to a record must be documented)", file)
                .isEmpty();
    }

    @Test
    void examplesShowEveryComponentWithAValueOfItsType() {
        List<String> problems = new ArrayList<>();
        for (EventType<?> type : types()) {
            message(type).ifPresent(message -> {
                Object examples = message.get("examples");
                for (Object example : examples == null ? List.of() : list(examples, type.type() + " examples")) {
                    Map<String, Object> ex = map(example, type.type() + " example");
                    String where = type.type() + " example '" + ex.get("name") + "'";
                    Map<String, Object> headers = ex.get("headers") == null ? Map.of() : map(ex.get("headers"), where);
                    if (!headers.isEmpty() && !type.type().equals(headers.get("ce_type"))) {
                        problems.add(where + ": headers.ce_type is '" + headers.get("ce_type") + "'");
                    }
                    checkValue(where + " payload", type.payload(), false, ex.get("payload"), problems);
                }
            });
        }
        assertThat(problems).as("message examples in %s vs. the payload records", file).isEmpty();
    }

    @Test
    void operationsSendFromTheProducerAndReferenceTheirChannelsMessages() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> channels = channels();
        Map<String, List<String>> sendersByChannel = new LinkedHashMap<>();
        Map<String, Object> operations = map(doc.get("operations"), "operations");
        operations.forEach((id, node) -> {
            Map<String, Object> operation = map(node, "operation " + id);
            String where = "operation " + id;
            Object action = operation.get("action");
            if (!"send".equals(action) && !"receive".equals(action)) {
                problems.add(where + ": action must be send or receive, is " + action);
            }
            if (!(operation.get("x-service") instanceof String)) {
                problems.add(where + ": x-service (the service performing it) is missing");
            }
            String channelRef = String.valueOf(map(operation.get("channel"), where + " channel").get("$ref"));
            String channelId = channelRef.startsWith("#/channels/") ? channelRef.substring("#/channels/".length()) : null;
            if (channelId == null || !channels.containsKey(channelId)) {
                problems.add(where + ": channel $ref '" + channelRef + "' does not name a channel");
                return;
            }
            Object messages = operation.get("messages");
            for (Object ref : messages == null ? List.of() : list(messages, where + " messages")) {
                String messageRef = String.valueOf(map(ref, where + " message").get("$ref"));
                String prefix = channelRef + "/messages/";
                if (!messageRef.startsWith(prefix) || !map(map(channels.get(channelId), channelId).get("messages"),
                        channelId).containsKey(messageRef.substring(prefix.length()))) {
                    problems.add(where + ": message $ref '" + messageRef + "' is not a message of " + channelRef);
                }
            }
            if ("send".equals(action)) {
                sendersByChannel.computeIfAbsent(channelId, c -> new ArrayList<>()).add(id);
            } else if (operation.get("x-service") instanceof String service) {
                Object group = map(map(map(operation.get("bindings"), where + " bindings").get("kafka"),
                        where + " bindings.kafka").get("groupId"), where + " groupId").get("const");
                if (!(group instanceof String g) || !g.startsWith(service + ".")) {
                    problems.add(where + ": bindings.kafka.groupId.const must be the consumer '" + service
                            + ".<name>', is " + group);
                }
            }
        });
        for (EventCatalog catalog : catalogs()) {
            for (EventStream stream : catalog.streams()) {
                String channelId = channelIdAt(stream.name());
                if (channelId == null) {
                    continue; // reported by everyStreamHasExactlyOneChannelAndEveryChannelADeclaredStream
                }
                List<String> senders = sendersByChannel.getOrDefault(channelId, List.of());
                if (senders.size() != 1) {
                    problems.add("stream " + stream.name() + " needs exactly one send operation (by " + catalog.producer()
                            + "); found " + senders);
                } else if (!catalog.producer().equals(map(operations.get(senders.get(0)), senders.get(0)).get("x-service"))) {
                    problems.add("operation " + senders.get(0) + " sends on " + stream.name()
                            + " so its x-service must be " + catalog.producer());
                }
            }
        }
        assertThat(problems).as("operations in %s", file).isEmpty();
    }

    // ----------------------------------------------------------------- payloads vs. records

    /** Compares an object schema with a record: property names, required, and each property's type. */
    private static void checkRecord(String where, Class<?> record, Object schemaNode, List<String> problems,
                                    List<Class<?>> visiting) {
        if (visiting.contains(record)) {
            return; // recursive record: already being checked further up
        }
        Map<String, Object> schema = map(resolve(schemaNode), where);
        if (!"object".equals(schema.get("type"))) {
            problems.add(where + ": " + record.getSimpleName() + " is a record, so the schema must be type object, is "
                    + schema.get("type"));
        }
        Map<String, Object> properties = schema.get("properties") == null ? Map.of()
                : map(schema.get("properties"), where + ".properties");
        Map<String, RecordComponent> components = new LinkedHashMap<>();
        for (RecordComponent component : record.getRecordComponents()) {
            components.put(component.getName(), component);
        }
        for (String name : components.keySet()) {
            if (!properties.containsKey(name)) {
                problems.add(where + ": " + record.getName() + " has component '" + name
                        + "' which is not documented (add it to the schema's properties)");
            }
        }
        for (String name : properties.keySet()) {
            if (!components.containsKey(name)) {
                problems.add(where + ": property '" + name + "' is documented but " + record.getName()
                        + " has no such component (components: " + components.keySet() + ")");
            }
        }
        Set<String> expectedRequired = components.values().stream().filter(c -> !nullable(c))
                .map(RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> required = new TreeSet<>(schema.get("required") == null ? List.of() : strings(schema.get("required")));
        if (!required.equals(expectedRequired)) {
            Set<String> missing = new TreeSet<>(expectedRequired);
            missing.removeAll(required);
            Set<String> extra = new TreeSet<>(required);
            extra.removeAll(expectedRequired);
            problems.add(where + ": required must be the components of " + record.getSimpleName()
                    + " not annotated @Nullable; missing " + missing + ", not allowed " + extra);
        }
        List<Class<?>> deeper = new ArrayList<>(visiting);
        deeper.add(record);
        components.forEach((name, component) -> {
            if (properties.containsKey(name)) {
                checkType(where + "." + name, component.getGenericType(), nullable(component), properties.get(name),
                        problems, deeper);
            }
        });
    }

    /**
     * Checks a property schema against a Java type. {@code nullable} is null where it cannot be
     * known (list elements, map values), true or false for a record component.
     */
    private static void checkType(String where, Type javaType, Boolean nullable, Object schemaNode,
                                  List<String> problems, List<Class<?>> visiting) {
        Map<String, Object> schema = map(resolve(schemaNode), where);
        boolean allowsNull = false;
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (schema.containsKey(combinator)) {
                List<Map<String, Object>> alternatives = new ArrayList<>();
                for (Object alternative : list(schema.get(combinator), where + "." + combinator)) {
                    Map<String, Object> resolved = map(resolve(alternative), where + "." + combinator);
                    if ("null".equals(resolved.get("type"))) {
                        allowsNull = true;
                    } else {
                        alternatives.add(resolved);
                    }
                }
                if (alternatives.size() != 1) {
                    problems.add(where + ": " + combinator + " may only combine one schema with {type: 'null'}");
                    return;
                }
                schema = alternatives.get(0);
            }
        }
        Class<?> raw = raw(javaType);
        if (raw == Object.class) {
            if (schema.containsKey("type")) {
                problems.add(where + ": the Java type is Object (any JSON value), so the schema must not restrict type; has "
                        + schema.get("type"));
            }
            return;
        }
        Set<String> types = new LinkedHashSet<>();
        Object type = schema.get("type");
        if (type instanceof String single) {
            types.add(single);
        } else if (type instanceof List<?> several) {
            several.forEach(t -> types.add(String.valueOf(t)));
        }
        allowsNull |= types.remove("null");
        if (nullable != null && nullable != allowsNull) {
            problems.add(where + (nullable
                    ? ": the component is @Nullable, so the schema must allow null (type: [<type>, 'null'])"
                    : ": the component is never null, so the schema must not allow null"));
        }
        String expected = jsonType(raw);
        if (expected == null) {
            problems.add(where + ": no JSON mapping known for Java type " + javaType.getTypeName()
                    + " (extend AsyncApiContractTest.jsonType)");
            return;
        }
        if (!types.equals(Set.of(expected))) {
            problems.add(where + ": Java type " + javaType.getTypeName() + " is JSON '" + expected + "', schema says "
                    + (types.isEmpty() ? "nothing" : types));
            return;
        }
        Object format = schema.get("format");
        String expectedFormat = jsonFormat(raw);
        if (expectedFormat != null && !expectedFormat.equals(format)
                && (isTemporal(raw) || format != null)) { // date-time is required; int32/int64 checked when given
            problems.add(where + ": Java type " + javaType.getTypeName() + " needs format " + expectedFormat + ", has " + format);
        }
        if (raw.isRecord()) {
            checkRecord(where, raw, schema, problems, visiting);
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            if (!schema.containsKey("items")) {
                problems.add(where + ": an array schema needs items");
            } else {
                checkType(where + "[]", elementType(javaType), null, schema.get("items"), problems, visiting);
            }
        }
    }

    /** Checks an example value against the Java type: every component present, values of the right kind. */
    private static void checkValue(String where, Type javaType, boolean nullable, Object value, List<String> problems) {
        Class<?> raw = raw(javaType);
        if (value == null) {
            if (!nullable && raw != Object.class) {
                problems.add(where + ": null, but the component is never null");
            }
            return;
        }
        if (raw.isRecord()) {
            if (!(value instanceof Map<?, ?> object)) {
                problems.add(where + ": expected an object (" + raw.getSimpleName() + "), is " + value);
                return;
            }
            Set<String> names = Arrays.stream(raw.getRecordComponents()).map(RecordComponent::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> keys = object.keySet().stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            if (!keys.equals(names)) {
                problems.add(where + ": an example shows every component (nulls included) of " + raw.getSimpleName()
                        + "; components " + names + ", example keys " + keys);
            }
            for (RecordComponent component : raw.getRecordComponents()) {
                if (object.containsKey(component.getName())) {
                    checkValue(where + "." + component.getName(), component.getGenericType(), nullable(component),
                            object.get(component.getName()), problems);
                }
            }
            return;
        }
        String expected = jsonType(raw);
        boolean ok = expected == null || switch (expected) {
            case "string" -> value instanceof String s && (!isTemporal(raw) || parsesAsDateTime(s));
            case "integer" -> value instanceof Integer || value instanceof Long || value instanceof BigInteger;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            default -> true;
        };
        if (!ok) {
            problems.add(where + ": " + value + " is not a valid " + javaType.getTypeName());
        } else if (value instanceof List<?> elements) {
            for (int i = 0; i < elements.size(); i++) {
                checkValue(where + "[" + i + "]", elementType(javaType), true, elements.get(i), problems);
            }
        }
    }

    /** The JSON type Micronaut Serialization writes a Java type as; null when unknown. */
    private static String jsonType(Class<?> raw) {
        if (raw == String.class || raw == Character.class || raw == char.class || raw.isEnum()
                || isTemporal(raw) || raw == LocalDate.class) {
            return "string";
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
                || raw == short.class || raw == Short.class || raw == byte.class || raw == Byte.class
                || raw == BigInteger.class) {
            return "integer";
        }
        if (raw == BigDecimal.class || raw == double.class || raw == Double.class || raw == float.class
                || raw == Float.class) {
            return "number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "boolean";
        }
        if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
            return "object";
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return "array";
        }
        return null;
    }

    private static String jsonFormat(Class<?> raw) {
        if (isTemporal(raw)) {
            return "date-time";
        }
        if (raw == LocalDate.class) {
            return "date";
        }
        if (raw == int.class || raw == Integer.class) {
            return "int32";
        }
        if (raw == long.class || raw == Long.class) {
            return "int64";
        }
        return null;
    }

    private static boolean isTemporal(Class<?> raw) {
        return raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class;
    }

    private static boolean parsesAsDateTime(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Whether a record component may be null: {@code @Nullable} (Micronaut's, or any annotation of
     * that simple name) on the component, its accessor, its field or its type.
     */
    private static boolean nullable(RecordComponent component) {
        List<AnnotatedElement> places = new ArrayList<>(List.of(component, component.getAccessor(),
                component.getAnnotatedType()));
        try {
            Field field = component.getDeclaringRecord().getDeclaredField(component.getName());
            places.add(field);
        } catch (NoSuchFieldException e) {
            // every record component has a field; nothing more to look at
        }
        for (AnnotatedElement place : places) {
            for (Annotation annotation : place.getAnnotations()) {
                if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        if (type instanceof WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        return Object.class; // type variables: unknown, any JSON value
    }

    private static Type elementType(Type collection) {
        if (collection instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        if (collection instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
            return p.getActualTypeArguments()[0];
        }
        return Object.class;
    }

    // ------------------------------------------------------------------------- the document

    private static List<EventCatalog> catalogs() {
        List<EventCatalog> all = new ArrayList<>(PUBLISHED);
        all.addAll(INTERNAL);
        return all;
    }

    private static List<EventType<?>> types() {
        return catalogs().stream().flatMap(c -> c.types().stream()).toList();
    }

    /** Every stream by name; a stream declared by two catalogs, or a type on an undeclared stream, is a problem. */
    private static Map<String, EventStream> streams(List<String> problems) {
        Map<String, EventStream> streams = new LinkedHashMap<>();
        for (EventCatalog catalog : catalogs()) {
            for (EventStream stream : catalog.streams()) {
                if (streams.putIfAbsent(stream.name(), stream) != null) {
                    problems.add("stream " + stream.name() + " is declared by more than one catalog");
                }
            }
            for (EventType<?> type : catalog.types()) {
                if (!catalog.streams().contains(type.stream())) {
                    problems.add(catalog.getClass().getSimpleName() + " declares type " + type.type()
                            + " on stream " + type.stream().name() + ", which is not among its streams()");
                }
            }
        }
        return streams;
    }

    private static Map<String, Object> channels() {
        return map(doc.get("channels"), "channels");
    }

    private static String channelIdAt(String address) {
        List<String> ids = channels().entrySet().stream()
                .filter(e -> address.equals(map(e.getValue(), e.getKey()).get("address")))
                .map(Map.Entry::getKey).toList();
        return ids.size() == 1 ? ids.get(0) : null;
    }

    /** The channel with that address, when there is exactly one (other cases are reported by the channel test). */
    private static Optional<Map<String, Object>> channelAt(String address) {
        String id = channelIdAt(address);
        return id == null ? Optional.empty() : Optional.of(map(channels().get(id), id));
    }

    /** The message of a type on its stream's channel, when there is exactly one (else reported elsewhere). */
    private static Optional<Map<String, Object>> message(EventType<?> type) {
        return channelAt(type.stream().name()).flatMap(channel -> {
            List<Map<String, Object>> found = map(channel.get("messages"), type.stream().name() + " messages").entrySet()
                    .stream().map(e -> map(resolve(e.getValue()), e.getKey()))
                    .filter(m -> type.type().equals(ceType(m))).toList();
            return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
        });
    }

    /** A message's CloudEvents type: the {@code const} of its {@code ce_type} header. */
    private static String ceType(Map<String, Object> message) {
        if (message.get("headers") == null) {
            return "(no headers)";
        }
        Map<String, Object> headers = map(resolve(message.get("headers")), "headers");
        Object properties = headers.get("properties");
        if (!(properties instanceof Map<?, ?> map) || !(map.get("ce_type") instanceof Map<?, ?>)) {
            return "(no ce_type header)";
        }
        return String.valueOf(map(resolve(map.get("ce_type")), "ce_type").get("const"));
    }

    private static void expectConst(Map<String, Object> properties, String header, String value, String where,
                                    List<String> problems) {
        if (properties.containsKey(header)) {
            Object actual = map(resolve(properties.get(header)), header).get("const");
            if (!value.equals(actual)) {
                problems.add(where + ": header " + header + " must have const '" + value + "', has " + actual);
            }
        }
    }

    /** Follows local {@code $ref}s ({@code #/a/b/c}) until the node is not a reference. */
    private static Object resolve(Object node) {
        Object current = node;
        for (int hops = 0; current instanceof Map<?, ?> m && m.get("$ref") instanceof String ref; hops++) {
            if (hops > 20) {
                throw new AssertionError("$ref cycle at " + ref);
            }
            if (!ref.startsWith("#/")) {
                throw new AssertionError("only local $refs are supported, got " + ref);
            }
            Object target = doc;
            for (String part : ref.substring(2).split("/")) {
                String key = part.replace("~1", "/").replace("~0", "~");
                if (!(target instanceof Map<?, ?> container) || !container.containsKey(key)) {
                    throw new AssertionError("$ref " + ref + " does not resolve in " + file);
                }
                target = container.get(key);
            }
            current = target;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String where) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new AssertionError(where + ": expected a mapping in " + file + ", found " + node);
    }

    private static List<?> list(Object node, String where) {
        if (node instanceof List<?> l) {
            return l;
        }
        throw new AssertionError(where + ": expected a list in " + file + ", found " + node);
    }

    private static List<String> strings(Object node) {
        return node instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static void expectOneChannel(Map<String, List<String>> byAddress, String address, String what,
                                         List<String> problems) {
        List<String> ids = byAddress.getOrDefault(address, List.of());
        if (ids.size() != 1) {
            problems.add(what + " needs exactly one channel with address '" + address + "'; found " + ids);
        }
    }

    /**
     * docs/asyncapi.yaml of the repository: under {@code runloom.home} (set by surefire to the
     * reactor root) or the first {@code docs/asyncapi.yaml} found walking up from the working
     * directory (deploy/local when surefire runs the module alone).
     */
    private static Path locate() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty("runloom.home");
        if (home != null && !home.isBlank() && !home.contains("${")) {
            candidates.add(Path.of(home, "docs", "asyncapi.yaml"));
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve("docs").resolve("asyncapi.yaml"));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::normalize)
                .orElseThrow(() -> new AssertionError("docs/asyncapi.yaml not found; looked at " + candidates));
    }
}
