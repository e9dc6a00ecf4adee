package dev.runloom.models.providers;

import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelProvider;
import dev.runloom.models.Models;
import dev.runloom.models.PriceTable;
import dev.runloom.models.Sleeper;
import dev.runloom.testsupport.FakeModelServer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The real LangChain4j clients, configured as a deployment would, against a {@link FakeModelServer}. */
final class FakeProviderFixture {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final Models models;
    final ModelCaller caller;

    FakeProviderFixture(FakeModelServer openAiServer, FakeModelServer anthropicServer) {
        ProviderSettings openai = new ProviderSettings("openai");
        openai.setBaseUrl(openAiServer.baseUrl());
        openai.setApiKey("sk-test-openai");
        ProviderSettings anthropic = new ProviderSettings("anthropic");
        anthropic.setBaseUrl(anthropicServer.baseUrl());
        anthropic.setApiKey("sk-ant-test");
        List<ModelAlias> aliases = List.of(alias("gpt-4o", "openai", "gpt-4o-2024-08-06"),
                alias("mini", "openai", "gpt-4o-mini"), alias("claude", "anthropic", "claude-sonnet-4-5"));
        List<ModelProvider> providers = List.of(new LocalModel(),
                new OpenAiCompatibleProvider(openai, aliases, Duration.ofSeconds(10)),
                new AnthropicProvider(anthropic, aliases, Duration.ofSeconds(10)));
        PriceTable prices = new PriceTable(List.of(price("gpt-4o", "2.5", "10", "1.25"), price("gpt-4o-mini", "0.15", "0.6", null),
                price("claude", "3", "15", "0.3")));
        models = new Models(providers, prices);
        Sleeper recording = d -> {
            waits.add(d);
            Sleeper.REAL.sleep(d);
        };
        caller = new ModelCaller(models, Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofSeconds(1),
                Duration.ofSeconds(5), recording);
    }

    static ModelAlias alias(String name, String provider, String model) {
        ModelAlias alias = new ModelAlias(name);
        alias.setProvider(provider);
        alias.setModel(model);
        return alias;
    }

    static PriceTable.Entry price(String model, String input, String output, String cached) {
        PriceTable.Entry e = new PriceTable.Entry(model);
        e.setInputPerMillion(new BigDecimal(input));
        e.setOutputPerMillion(new BigDecimal(output));
        if (cached != null) {
            e.setCachedInputPerMillion(new BigDecimal(cached));
        }
        return e;
    }
}
