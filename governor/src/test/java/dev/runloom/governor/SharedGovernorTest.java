package dev.runloom.governor;

import dev.runloom.models.CallOrigin;
import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelCallException;
import dev.runloom.models.ModelCallPolicy;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelFailure;
import dev.runloom.models.ModelProvider;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.Models;
import dev.runloom.models.PriceTable;
import dev.runloom.models.Sleeper;
import dev.runloom.models.providers.OpenAiCompatibleProvider;
import dev.runloom.models.providers.ProviderSettings;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.FakeModelServer.Reply;
import dev.runloom.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The governor as two replicas see it: two {@link GovernorDatabase} pools, two {@link SqlGovernor}s
 * and two {@link ModelCaller}s on ONE PostgreSQL database, calling the real OpenAI-compatible client
 * against a {@link FakeModelServer} on loopback. Every test uses fresh organization ids.
 */
class SharedGovernorTest {
    private static final String MODEL = "openai/gpt-4o-mini";
    private static final ModelCallPolicy NO_RETRIES = ModelCallPolicy.once();

    private final FakeModelServer provider = new FakeModelServer();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final List<GovernorDatabase> databases = new ArrayList<>();
    private String url;

    @BeforeEach
    void database() {
        url = TestInfrastructure.get().newDatabase("governor");
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        provider.close();
        databases.forEach(GovernorDatabase::close);
    }

    /** One replica: its own pool on the shared database, its own governor and caller. */
    private ModelCaller replica(String name, GovernorSettings settings) {
        TestInfrastructure infra = TestInfrastructure.get();
        GovernorDatabase db = new GovernorDatabase(url, infra.dbUser(), infra.dbPassword(), 4);
        databases.add(db);
        SqlGovernor governor = new SqlGovernor(new GovernorStore(db.dataSource()), settings, name);
        ProviderSettings openai = new ProviderSettings("openai");
        openai.setBaseUrl(provider.baseUrl());
        openai.setApiKey("sk-test");
        List<ModelProvider> providers = List.of(new LocalModel(),
                new OpenAiCompatibleProvider(openai, List.of(), Duration.ofSeconds(10)));
        PriceTable.Entry price = new PriceTable.Entry("gpt-4o-mini");
        price.setInputPerMillion(new java.math.BigDecimal("0.15"));
        price.setOutputPerMillion(new java.math.BigDecimal("0.60"));
        Models models = new Models(providers, new PriceTable(List.of(price)));
        return new ModelCaller(models, Duration.ofSeconds(10), Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofSeconds(5), Sleeper.REAL, governor);
    }

    private static GovernorSettings settings(int orgConcurrency, int reserve, long orgTokensPerMinute) {
        GovernorSettings s = new GovernorSettings();
        Map<String, Object> openai = new HashMap<>();
        openai.put("org-concurrency", orgConcurrency);
        openai.put("interactive-reserve", reserve);
        openai.put("org-tokens-per-minute", orgTokensPerMinute);
        s.setLimits(Map.of("openai", openai));
        s.setPollInterval(Duration.ofMillis(30));
        s.setMaxWaitBatch(Duration.ofSeconds(20));
        s.setMaxWaitInteractive(Duration.ofSeconds(20));
        return s;
    }

    private static ModelRequest hello() {
        return new ModelRequest(MODEL, null, List.of(ChatMessage.user("hello")), null, null);
    }

    private static String org() {
        return "org_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** The most requests the fake provider was serving at once, each taking {@code serviceMs} from its arrival. */
    private int peakConcurrency(List<FakeModelServer.Recorded> requests, long serviceMs) {
        int peak = 0;
        for (FakeModelServer.Recorded r : requests) {
            int overlapping = 0;
            for (FakeModelServer.Recorded o : requests) {
                if (o.atNanos() <= r.atNanos() && r.atNanos() < o.atNanos() + (serviceMs - 30) * 1_000_000) {
                    overlapping++;
                }
            }
            peak = Math.max(peak, overlapping);
        }
        return peak;
    }

    @Test
    void theOrganizationsConcurrencyLimitHoldsAcrossReplicas() {
        GovernorSettings settings = settings(2, 0, 0);
        ModelCaller replicaA = replica("replica-a", settings);
        ModelCaller replicaB = replica("replica-b", settings);
        provider.answerByDefault(Reply.openAi("ok", 10, 5, 0).delayed(300));
        String org = org();
        CallOrigin origin = CallOrigin.batch(org);
        long start = System.nanoTime();
        List<CompletableFuture<ModelCall>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ModelCaller caller = i % 2 == 0 ? replicaA : replicaB;
            calls.add(CompletableFuture.supplyAsync(() -> caller.call(hello(), NO_RETRIES, origin), pool));
        }
        calls.forEach(c -> assertThat(c.join().response().text()).isEqualTo("ok"));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(provider.requests()).hasSize(8);
        // each replica alone would allow 2: together 4. The shared limit keeps it at 2.
        assertThat(peakConcurrency(provider.requests(), 300)).isEqualTo(2);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(4 * 300 - 50);
    }

    @Test
    void anotherOrganizationIsNotHeldBackByThisOnesLimit() {
        GovernorSettings settings = settings(1, 0, 0);
        ModelCaller replicaA = replica("replica-a", settings);
        ModelCaller replicaB = replica("replica-b", settings);
        provider.answerByDefault(Reply.openAi("ok", 10, 5, 0).delayed(400));
        String busy = org();
        CompletableFuture<ModelCall> first = CompletableFuture.supplyAsync(
                () -> replicaA.call(hello(), NO_RETRIES, CallOrigin.batch(busy)), pool);
        CompletableFuture<ModelCall> second = CompletableFuture.supplyAsync(
                () -> replicaA.call(hello(), NO_RETRIES, CallOrigin.batch(busy)), pool);
        sleep(100);
        long start = System.nanoTime();
        replicaB.call(hello(), NO_RETRIES, CallOrigin.batch(org()));
        long otherMs = (System.nanoTime() - start) / 1_000_000;
        first.join();
        second.join();
        assertThat(otherMs).isLessThan(700); // one call's 400 ms, not behind busy's two
    }

    @Test
    void aRetryAfterPausesTheOrganizationOnEveryReplicaAndCallsWaitInsteadOfFailing() {
        GovernorSettings settings = settings(8, 0, 0);
        ModelCaller replicaA = replica("replica-a", settings);
        ModelCaller replicaB = replica("replica-b", settings);
        String org = org();
        String other = org();
        provider.enqueue(Reply.withHeaders(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1")));
        provider.answerByDefault(Reply.openAi("ok", 10, 5, 0));

        // no retries in the policy: without the governor, this call would fail on its 429
        CompletableFuture<ModelCall> limited = CompletableFuture.supplyAsync(
                () -> replicaA.call(hello(), NO_RETRIES, CallOrigin.batch(org)), pool);
        Poll.until(() -> provider.requests().size() == 1);
        sleep(150); // the 429 was answered and the pause recorded
        long pausedAt = System.nanoTime();
        // the other replica's call for the same organization waits for the pause too
        CompletableFuture<ModelCall> waiting = CompletableFuture.supplyAsync(
                () -> replicaB.call(hello(), NO_RETRIES, CallOrigin.interactive(org)), pool);
        // another organization is not paused
        ModelCall unaffected = replicaB.call(hello(), NO_RETRIES, CallOrigin.batch(other));
        assertThat((System.nanoTime() - pausedAt) / 1_000_000).isLessThan(600);
        assertThat(unaffected.response().text()).isEqualTo("ok");

        assertThat(limited.join().response().text()).isEqualTo("ok");
        assertThat(waiting.join().response().text()).isEqualTo("ok");
        List<FakeModelServer.Recorded> requests = provider.requests();
        assertThat(requests).hasSize(4);
        long firstAt = requests.getFirst().atNanos();
        // the paused organization's next requests came only after the Retry-After (1 s) was over
        long pausedRequests = requests.stream().skip(1)
                .filter(r -> (r.atNanos() - firstAt) / 1_000_000 < 900).count();
        assertThat(pausedRequests).isEqualTo(1); // only the other organization's call
        assertThat(limited.join().retries()).isEqualTo(1); // two requests were sent for it
    }

    @Test
    void aRateLimitedCallFailsWhenThePauseOutlastsItsWait() {
        GovernorSettings settings = settings(8, 0, 0);
        settings.setMaxWaitBatch(Duration.ofSeconds(2));
        ModelCaller replicaA = replica("replica-a", settings);
        provider.enqueue(Reply.withHeaders(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "30")));
        assertThatThrownBy(() -> replicaA.call(hello(), NO_RETRIES, CallOrigin.batch(org())))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.RATE_LIMITED);
                    assertThat(e.failure().retryable()).isTrue();
                    assertThat(e.getMessage()).contains("governor");
                });
        assertThat(provider.requests()).hasSize(1);
    }

    @Test
    void interactiveCallsFindASlotWhileBatchWorkWaits() {
        // 2 slots, 1 reserved for interactive calls: batch work runs one at a time
        GovernorSettings settings = settings(2, 1, 0);
        ModelCaller replicaA = replica("replica-a", settings);
        ModelCaller replicaB = replica("replica-b", settings);
        provider.answerByDefault(Reply.openAi("ok", 10, 5, 0).delayed(400));
        String org = org();
        List<CompletableFuture<ModelCall>> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(CompletableFuture.supplyAsync(() -> replicaA.call(hello(), NO_RETRIES, CallOrigin.batch(org)), pool));
        }
        sleep(150);
        long start = System.nanoTime();
        replicaB.call(hello(), NO_RETRIES, CallOrigin.interactive(org));
        long interactiveMs = (System.nanoTime() - start) / 1_000_000;
        batch.forEach(CompletableFuture::join);

        assertThat(interactiveMs).isLessThan(750); // its own 400 ms, not behind 4 × 400 ms of batch work
        assertThat(peakConcurrency(provider.requests(), 400)).isEqualTo(2); // one batch + the interactive one
    }

    @Test
    void aCrashedReplicasLeaseExpires() throws Exception {
        GovernorSettings settings = settings(1, 0, 0);
        TestInfrastructure infra = TestInfrastructure.get();
        GovernorDatabase db = new GovernorDatabase(url, infra.dbUser(), infra.dbPassword(), 2);
        databases.add(db);
        SqlGovernor crashed = new SqlGovernor(new GovernorStore(db.dataSource()), settings, "crashed");
        String org = org();
        // taken and never given back: the replica died mid-call
        crashed.acquire(CallOrigin.batch(org), "openai", Duration.ofSeconds(1), Instant.now().plusSeconds(5));

        ModelCaller survivor = replica("survivor", settings);
        provider.answerByDefault(Reply.openAi("ok", 10, 5, 0));
        long start = System.nanoTime();
        assertThat(survivor.call(hello(), NO_RETRIES, CallOrigin.batch(org)).response().text()).isEqualTo("ok");
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMs).isBetween(600L, 5_000L);
    }

    @Test
    void tokensPerMinuteAreShared() {
        GovernorSettings settings = settings(8, 0, 20);
        settings.setMaxWaitInteractive(Duration.ofMillis(800));
        ModelCaller replicaA = replica("replica-a", settings);
        ModelCaller replicaB = replica("replica-b", settings);
        provider.answerByDefault(Reply.openAi("ok", 15, 10, 0)); // 25 tokens
        String org = org();
        // the minute may roll over between the two calls; then the second one gets a fresh window
        Instant minute = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        replicaA.call(hello(), NO_RETRIES, CallOrigin.interactive(org));
        try {
            replicaB.call(hello(), NO_RETRIES, CallOrigin.interactive(org));
            assertThat(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)).isAfter(minute);
        } catch (ModelCallException e) {
            assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.RATE_LIMITED);
            assertThat(e.getMessage()).contains("tokens per minute");
            assertThat(provider.requests()).hasSize(1);
        }
        // another organization has its own window
        assertThat(replicaB.call(hello(), NO_RETRIES, CallOrigin.interactive(org())).response().text()).isEqualTo("ok");
    }

    @Test
    void callsWithoutAnOriginOrToTheLocalModelAreNotGoverned() {
        GovernorSettings settings = settings(1, 0, 0);
        ModelCaller replicaA = replica("replica-a", settings);
        ModelRequest local = new ModelRequest(LocalModel.NAME, null, List.of(ChatMessage.user("hi")), null, null);
        assertThat(replicaA.call(local, NO_RETRIES, CallOrigin.batch(org())).response().text()).isNotEmpty();
        provider.answerByDefault(Reply.openAi("ok", 1, 1, 0));
        assertThat(replicaA.call(hello(), NO_RETRIES).response().text()).isEqualTo("ok");
    }

    @Test
    void limitsFallBackToDefaultField() {
        GovernorSettings s = new GovernorSettings();
        s.setLimits(Map.of("default", Map.of("org-concurrency", 3, "interactiveReserve", 1),
                "openai", Map.of("tokens-per-minute", "1000")));
        GovernorLimits openai = s.limitsOf("openai");
        assertThat(openai.orgConcurrency()).isEqualTo(3);
        assertThat(openai.interactiveReserve()).isEqualTo(1);
        assertThat(openai.tokensPerMinute()).isEqualTo(1000);
        assertThat(s.limitsOf("anthropic").tokensPerMinute()).isZero();
        assertThat(GovernorLimits.usable(3, true, 1)).isEqualTo(2);
        assertThat(GovernorLimits.usable(1, true, 2)).isEqualTo(1);
        assertThat(GovernorLimits.usable(3, false, 1)).isEqualTo(3);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Poll {
        static void until(java.util.function.BooleanSupplier condition) {
            long end = System.nanoTime() + 5_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("condition not met in 5 s");
                }
                sleep(10);
            }
        }
    }
}
