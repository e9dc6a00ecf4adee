package dev.runloom.models.providers;

import dev.runloom.models.ChatMessage;
import dev.runloom.models.LocalModel;
import dev.runloom.models.ModelCall;
import dev.runloom.models.ModelCallPolicy;
import dev.runloom.models.ModelCaller;
import dev.runloom.models.ModelProvider;
import dev.runloom.models.ModelRequest;
import dev.runloom.models.Models;
import dev.runloom.testsupport.FakeModelServer;
import dev.runloom.testsupport.FakeModelServer.Reply;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Providers, aliases and prices as configuration (YAML-style keys and environment variables) become beans. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderConfigurationTest {
    private final FakeModelServer openAi = new FakeModelServer();
    private final FakeModelServer anthropic = new FakeModelServer();

    @AfterAll
    void stop() {
        openAi.close();
        anthropic.close();
    }

    private static ModelRequest hello(String model) {
        return new ModelRequest(model, null, List.of(ChatMessage.user("hello")), null, null);
    }

    @Test
    void nothingConfiguredMeansTheLocalModelOnly() {
        try (ApplicationContext context = ApplicationContext.run(Map.of())) {
            assertThat(context.getBeansOfType(ModelProvider.class)).singleElement().isInstanceOf(LocalModel.class);
            Models models = context.getBean(Models.class);
            assertThat(models.serves("local")).isTrue();
            assertThat(models.serves("gpt-4o")).isFalse();
            ModelCaller caller = context.getBean(ModelCaller.class);
            assertThat(caller.defaultTimeout()).hasSeconds(60);
            assertThat(caller.call(hello("local"), ModelCallPolicy.once()).response().text()).startsWith("Local model reply");
        }
    }

    @Test
    void yamlStyleConfigurationRoutesAliasesAndPricesCalls() {
        Map<String, Object> properties = Map.ofEntries(
                Map.entry("runloom.models.providers.openai.base-url", openAi.baseUrl()),
                Map.entry("runloom.models.providers.openai.api-key", "sk-yaml"),
                Map.entry("runloom.models.providers.claude.kind", "anthropic"),
                Map.entry("runloom.models.providers.claude.base-url", anthropic.baseUrl()),
                Map.entry("runloom.models.providers.claude.api-key", "sk-ant-yaml"),
                Map.entry("runloom.models.aliases.gpt-4o.provider", "openai"),
                Map.entry("runloom.models.aliases.gpt-4o.model", "gpt-4o-2024-08-06"),
                Map.entry("runloom.models.aliases.gpt41.name", "gpt-4.1"),
                Map.entry("runloom.models.aliases.gpt41.provider", "openai"),
                Map.entry("runloom.models.prices.gpt-4o.input-per-million", "2.5"),
                Map.entry("runloom.models.prices.gpt-4o.output-per-million", "10"));
        try (ApplicationContext context = ApplicationContext.run(properties)) {
            Models models = context.getBean(Models.class);
            assertThat(models.serves("gpt-4o")).isTrue();
            assertThat(models.serves("gpt-4.1")).isTrue();
            assertThat(models.serves("claude/claude-haiku-4-5")).isTrue();
            assertThat(models.serves("openai/o3-mini")).isTrue();
            assertThat(models.serves("mistral/large")).isFalse();
            assertThat(context.getBeansOfType(ModelProvider.class)).hasSize(3);

            openAi.enqueue(Reply.openAi("hi there", 1000, 100, 0));
            ModelCall call = context.getBean(ModelCaller.class).call(hello("gpt-4o"), ModelCallPolicy.once());
            assertThat(call.cost()).isEqualByComparingTo("0.0035");
            assertThat(openAi.requests().getLast().header("Authorization")).isEqualTo("Bearer sk-yaml");
            assertThat(openAi.requests().getLast().body()).contains("gpt-4o-2024-08-06");

            openAi.enqueue(Reply.openAi("dotted", 1, 1, 0));
            context.getBean(ModelCaller.class).call(hello("gpt-4.1"), ModelCallPolicy.once());
            assertThat(openAi.requests().getLast().body()).contains("\"gpt-4.1\"");

            anthropic.enqueue(Reply.anthropic("bonjour", 5, 2, 0));
            ModelCall claude = context.getBean(ModelCaller.class).call(hello("claude/claude-haiku-4-5"), ModelCallPolicy.once());
            assertThat(claude.response().text()).isEqualTo("bonjour");
            assertThat(anthropic.requests().getLast().header("x-api-key")).isEqualTo("sk-ant-yaml");
        }
    }

    @Test
    void environmentVariablesConfigureAProvider() {
        // what the launcher's environment gives a service JVM: RUNLOOM_MODELS_PROVIDERS_<NAME>_<SETTING>
        PropertySource environment = PropertySource.of("env", Map.of(
                "RUNLOOM_MODELS_PROVIDERS_OPENAI_BASE_URL", openAi.baseUrl(),
                "RUNLOOM_MODELS_PROVIDERS_OPENAI_API_KEY", "sk-from-env",
                "RUNLOOM_MODELS_PROVIDERS_ANTHROPIC_API_KEY", "sk-ant-from-env",
                "RUNLOOM_MODELS_PROVIDERS_ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                "RUNLOOM_MODELS_DEFAULT_TIMEOUT", "20s"), PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
        try (ApplicationContext context = ApplicationContext.builder().propertySources(environment).start()) {
            List<ProviderSettings> settings = List.copyOf(context.getBeansOfType(ProviderSettings.class));
            assertThat(settings).extracting(ProviderSettings::name).containsExactlyInAnyOrder("openai", "anthropic");
            assertThat(settings).filteredOn(s -> s.name().equals("anthropic")).singleElement()
                    .satisfies(s -> assertThat(s.kind()).isEqualTo("anthropic"));
            ModelCaller caller = context.getBean(ModelCaller.class);
            assertThat(caller.defaultTimeout()).hasSeconds(20);

            openAi.enqueue(Reply.openAi("from env", 1, 1, 0));
            assertThat(caller.call(hello("openai/gpt-4o-mini"), ModelCallPolicy.once()).response().text()).isEqualTo("from env");
            assertThat(openAi.requests().getLast().header("Authorization")).isEqualTo("Bearer sk-from-env");
            anthropic.enqueue(Reply.anthropic("env too", 1, 1, 0));
            assertThat(caller.call(hello("anthropic/claude-sonnet-4-5"), ModelCallPolicy.once()).response().text()).isEqualTo("env too");
        }
    }

    @Test
    void aKeylessProviderSendsNoAuthorizationButItsHeaders() {
        // a local Ollama through its OpenAI-compatible endpoint; an Azure-style key header
        PropertySource environment = PropertySource.of("env", Map.of(
                "RUNLOOM_MODELS_PROVIDERS_OLLAMA_BASE_URL", openAi.baseUrl()), PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
        try (ApplicationContext context = ApplicationContext.builder().propertySources(environment)
                .properties(Map.of("runloom.models.providers.ollama.headers.api-key", "azure-style")).start()) {
            openAi.enqueue(Reply.openAi("llama says hi", 1, 1, 0));
            ModelCall call = context.getBean(ModelCaller.class).call(hello("ollama/llama3.2"), ModelCallPolicy.once());
            assertThat(call.response().text()).isEqualTo("llama says hi");
            assertThat(openAi.requests().getLast().header("Authorization")).isNull();
            assertThat(openAi.requests().getLast().header("api-key")).isEqualTo("azure-style");
            assertThat(openAi.requests().getLast().body()).contains("\"llama3.2\"");
        }
    }

    @Test
    void keysNeverShowInSettingsText() {
        ProviderSettings settings = new ProviderSettings("openai");
        settings.setApiKey("sk-secret-123");
        settings.setHeaders(Map.of("api-key", "azure-secret"));
        assertThat(settings.toString()).doesNotContain("sk-secret-123").doesNotContain("azure-secret").contains("****");
        assertThat(new OpenAiCompatibleProvider(settings, List.of(), java.time.Duration.ofSeconds(1)).toString())
                .doesNotContain("sk-secret-123");
    }
}
