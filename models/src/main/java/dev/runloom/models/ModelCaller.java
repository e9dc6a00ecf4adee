package dev.runloom.models;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Calls a model with a {@link ModelCallPolicy}: the one layer that owns retries (the clients' own
 * are off). Per model: an attempt, and on a retryable failure ({@link ModelFailure}) a wait — a 429's
 * {@code Retry-After} when the provider sent one, else exponential backoff with jitter — and another,
 * up to {@code retries} more; then the fallback model the same way. Every attempt is bounded by its
 * timeout, so a call always ends. JSON asked for is validated here for every provider: a reply that
 * does not parse fails the call. Flows' {@code prompt} step and agents use this class.
 *
 * <p>With a {@link CallGovernor} and a {@link CallOrigin}, every attempt first takes a permit (shared
 * limits across replicas: concurrency, tokens per minute, interactive before batch) and gives it back
 * with the tokens used. A 429 then pauses the organization's traffic to that provider for everybody
 * and the call waits for its turn again, without spending one of its policy's retries (up to
 * {@link CallGovernor#maxRateLimitedAttempts()} times, within {@link CallGovernor#maxWait}): rate
 * limits slow work down instead of failing it.
 */
@Singleton
public class ModelCaller {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCaller.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Models models;
    private final Duration defaultTimeout;
    private final Duration defaultBaseBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final Sleeper sleeper;
    private final @Nullable CallGovernor governor;
    /** How long past its attempt timeout a permit stays valid (then it expires, held or not). */
    private static final Duration PERMIT_GRACE = Duration.ofSeconds(30);

    @Inject
    public ModelCaller(Models models,
                       @Value("${runloom.models.default-timeout:60s}") Duration defaultTimeout,
                       @Value("${runloom.models.retry.base-backoff:500ms}") Duration baseBackoff,
                       @Value("${runloom.models.retry.max-backoff:30s}") Duration maxBackoff,
                       @Value("${runloom.models.retry.max-retry-after:60s}") Duration maxRetryAfter,
                       Optional<CallGovernor> governor) {
        this(models, defaultTimeout, baseBackoff, maxBackoff, maxRetryAfter, Sleeper.REAL, governor.orElse(null));
    }

    public ModelCaller(Models models, Duration defaultTimeout, Duration baseBackoff, Duration maxBackoff,
                       Duration maxRetryAfter, Sleeper sleeper) {
        this(models, defaultTimeout, baseBackoff, maxBackoff, maxRetryAfter, sleeper, null);
    }

    public ModelCaller(Models models, Duration defaultTimeout, Duration baseBackoff, Duration maxBackoff,
                       Duration maxRetryAfter, Sleeper sleeper, @Nullable CallGovernor governor) {
        this.models = models;
        this.defaultTimeout = defaultTimeout;
        this.defaultBaseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.sleeper = sleeper;
        this.governor = governor;
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    public boolean serves(String model) {
        return models.serves(model);
    }

    /** @throws ModelCallException when every attempt failed; its message names the model and what went wrong */
    public ModelCall call(ModelRequest request, ModelCallPolicy policy) {
        return run(request, policy, null, null);
    }

    /** As {@link #call(ModelRequest, ModelCallPolicy)}, governed for {@code origin} (see the class comment). */
    public ModelCall call(ModelRequest request, ModelCallPolicy policy, @Nullable CallOrigin origin) {
        return run(request, policy, origin, null);
    }

    /**
     * As {@link #call}, streaming the reply's text to {@code deltas}. Once a delta was delivered, a
     * failure is final: a retry would repeat text the consumer already has.
     */
    public ModelCall stream(ModelRequest request, ModelCallPolicy policy, Consumer<String> deltas) {
        return run(request, policy, null, deltas);
    }

    /** As {@link #stream(ModelRequest, ModelCallPolicy, Consumer)}, governed for {@code origin}. */
    public ModelCall stream(ModelRequest request, ModelCallPolicy policy, @Nullable CallOrigin origin,
                            Consumer<String> deltas) {
        return run(request, policy, origin, deltas);
    }

    private ModelCall run(ModelRequest request, ModelCallPolicy policy, @Nullable CallOrigin origin,
                          @Nullable Consumer<String> deltas) {
        long start = System.nanoTime();
        Instant governedUntil = governor != null && origin != null ? Instant.now().plus(governor.maxWait(origin.priority())) : null;
        Duration timeout = policy.attemptTimeout() != null ? policy.attemptTimeout()
                : request.timeout() != null ? request.timeout() : defaultTimeout;
        Duration baseBackoff = policy.baseBackoff() != null ? policy.baseBackoff() : defaultBaseBackoff;
        List<String> candidates = new ArrayList<>(List.of(request.model()));
        if (policy.fallbackModel() != null && !policy.fallbackModel().equals(request.model())) {
            candidates.add(policy.fallbackModel());
        }
        AtomicBoolean delivered = new AtomicBoolean();
        Consumer<String> tracking = deltas == null ? null : text -> {
            delivered.set(true);
            deltas.accept(text);
        };
        int attempts = 0;
        ModelFailure failure = null;
        Throwable error = null;
        ModelCall spent = null;
        String model = request.model();
        List<String> story = new ArrayList<>();
        for (String candidate : candidates) {
            model = candidate;
            ModelRequest attempt = request.withModel(candidate).withTimeout(timeout);
            String provider = governedUntil == null ? null
                    : models.providerName(candidate).filter(governor::governs).orElse(null);
            int rateLimited = 0;
            boolean requeued = false;
            for (int retry = 0; retry <= policy.retries(); retry++) {
                if (retry > 0 && !requeued) {
                    Duration wait = waitBefore(retry, failure, baseBackoff);
                    if (wait == null) {
                        break;
                    }
                    if (!sleep(wait)) {
                        throw finalFailure(failure, attempts, model, spent, error, story, "interrupted while waiting to retry");
                    }
                }
                requeued = false;
                CallGovernor.Permit permit = null;
                if (provider != null) {
                    try {
                        permit = governor.acquire(origin, provider, timeout.plus(PERMIT_GRACE), governedUntil);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        ModelFailure waited = failure != null ? failure
                                : new ModelFailure(ModelFailure.Kind.RATE_LIMITED, "no call was made", null);
                        throw finalFailure(waited, attempts, model, spent, error, story, "interrupted while waiting for the governor");
                    } catch (CallGovernor.GovernorWaitExceeded e) {
                        failure = new ModelFailure(ModelFailure.Kind.RATE_LIMITED, e.getMessage()
                                + (failure != null ? "; the last attempt: " + failure.message() : ""), null);
                        story.add(candidate + ": " + failure.message());
                        throw finalFailure(failure, attempts, model, spent, error, story, null);
                    }
                }
                attempts++;
                long tokens = 0;
                try {
                    ModelCall call = tracking == null ? models.complete(attempt) : models.stream(attempt, tracking);
                    spent = call;
                    tokens = call.response().usage().totalTokens();
                    ModelCall checked = checked(attempt, call);
                    return checked.withRetries(attempts - 1, (System.nanoTime() - start) / 1_000_000);
                } catch (RuntimeException e) {
                    error = e;
                    failure = ModelFailure.classify(e);
                    if (failure.kind() != ModelFailure.Kind.INVALID_JSON) {
                        spent = null;
                    }
                    LOG.debug("model {} attempt {} failed: {}", candidate, attempts, failure.message());
                    if (provider != null && failure.kind() == ModelFailure.Kind.RATE_LIMITED && !delivered.get()
                            && rateLimited < governor.maxRateLimitedAttempts()) {
                        rateLimited++;
                        Duration pause = failure.retryAfter() != null ? failure.retryAfter() : governor.defaultPause(rateLimited);
                        governor.pause(origin, provider, pause);
                        LOG.info("{} rate-limited organization {} (429 #{}); its calls to {} pause for {} ms", provider,
                                origin.organizationId(), rateLimited, provider, pause.toMillis());
                        requeued = true;
                        retry--; // waiting for the governor is not one of the policy's retries
                        continue;
                    }
                    if (!failure.retryable() || delivered.get()) {
                        break;
                    }
                } finally {
                    if (permit != null) {
                        permit.release(tokens);
                    }
                }
            }
            story.add(candidate + ": " + failure.message());
            if (delivered.get()) {
                break;
            }
        }
        throw finalFailure(failure, attempts, model, spent, error, story, null);
    }

    /** The reply as the caller asked for it: JSON asked for must parse (fences around it are tolerated). */
    private static ModelCall checked(ModelRequest request, ModelCall call) {
        if (!request.wantsJson() || !call.response().toolCalls().isEmpty()) {
            return call;
        }
        String json = stripFences(call.response().text());
        if (!isOneJsonValue(json)) {
            String excerpt = call.response().text().strip();
            excerpt = excerpt.length() > 120 ? excerpt.substring(0, 120) + "…" : excerpt;
            String cut = "length".equals(call.response().finishReason()) ? " (the reply was cut at the token limit)" : "";
            throw new InvalidJsonAnswerException("JSON was asked for but model " + request.model()
                    + " answered something that is not valid JSON" + cut + ": " + (excerpt.isEmpty() ? "(empty)" : excerpt));
        }
        ModelResponse r = call.response();
        return new ModelCall(new ModelResponse(r.model(), json, r.usage(), r.finishReason(), r.toolCalls()),
                call.cost(), call.price(), call.durationMs(), call.retries());
    }

    static String stripFences(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("```")) {
            trimmed = trimmed.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        return trimmed;
    }

    static boolean isOneJsonValue(String text) {
        if (text.isEmpty()) {
            return false;
        }
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Null: do not retry (the provider asks for a longer wait than we accept). */
    private @Nullable Duration waitBefore(int retry, ModelFailure failure, Duration baseBackoff) {
        if (failure.retryAfter() != null) {
            if (failure.retryAfter().compareTo(maxRetryAfter) > 0) {
                return null;
            }
            return failure.retryAfter();
        }
        long base = baseBackoff.toMillis() << Math.min(retry - 1, 20);
        long capped = Math.min(base, maxBackoff.toMillis());
        // "equal jitter": half fixed, half random, so replicas retrying together spread out
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private boolean sleep(Duration wait) {
        try {
            sleeper.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ModelCallException finalFailure(ModelFailure failure, int attempts, String model, @Nullable ModelCall spent,
                                            @Nullable Throwable error, List<String> story, @Nullable String extra) {
        String message;
        if (story.size() > 1) {
            message = "every model failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + " — "
                    + String.join("; ", story);
        } else {
            message = "model " + model + " failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + ": " + failure.message();
        }
        if (failure.retryAfter() != null && failure.retryAfter().compareTo(maxRetryAfter) > 0) {
            message += " (the provider asked to retry after " + failure.retryAfter().toSeconds()
                    + " s, more than the " + maxRetryAfter.toSeconds() + " s allowed)";
        }
        if (extra != null) {
            message += " (" + extra + ")";
        }
        return new ModelCallException(message, failure, attempts, model, spent, error);
    }
}
