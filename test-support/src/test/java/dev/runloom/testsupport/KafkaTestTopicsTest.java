package dev.runloom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaTestTopicsTest {
    private final String bootstrap = TestInfrastructure.get().kafkaBootstrapServers();

    @Test
    void producesAndReadsTopicsFromTheBeginning() throws Exception {
        String topic = TestInfrastructure.get().uniqueTopicPrefix() + "things";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaTestTopics kafka = new KafkaTestTopics(bootstrap)) {
            kafka.produce(new ProducerRecord<>(topic, "a", bytes("a1")));
            kafka.produce(new ProducerRecord<>(topic, "b", bytes("b1")));
            kafka.produce(new ProducerRecord<>(topic, "a", bytes("a2")));

            // waits for one, lingers, and so shows the copy beyond it too
            assertThat(kafka.read(topic, r -> "a".equals(r.key()), 1, Duration.ofSeconds(20)))
                    .extracting(r -> text(r)).containsExactly("a1", "a2");
            // fewer than asked for once the timeout passed: the caller's assertion decides
            assertThat(kafka.read(topic, 4, Duration.ofSeconds(1))).extracting(r -> text(r))
                    .containsExactlyInAnyOrder("a1", "a2", "b1");
            assertThat(text(kafka.awaitFirst(topic, r -> "b".equals(r.key()), Duration.ofSeconds(20)))).isEqualTo("b1");

            assertThatThrownBy(() -> kafka.awaitFirst(topic, r -> "c".equals(r.key()), Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining(topic);
            assertThatThrownBy(() -> kafka.read(topic + ".missing", 1, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("does not exist");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ConsumerRecord<String, byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
