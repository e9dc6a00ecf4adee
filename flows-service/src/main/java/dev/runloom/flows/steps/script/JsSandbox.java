package dev.runloom.flows.steps.script;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs flow authors' JavaScript ({@code transform-data} scripts, {@code when} and {@code conditional}
 * expressions) in GraalJS community edition under {@link SandboxPolicy#CONSTRAINED}: no host classes,
 * no I/O, no threads, output streams discarded. Data goes in and out as JSON text, so no Java object is
 * ever visible to a script.
 *
 * <p>Limits: the engine enforces {@code sandbox.MaxCPUTime} per context; a watchdog thread also stops a
 * context that runs longer than a wall-clock bound, and — because the community edition has no
 * per-context memory limit (DESIGN §6) — watches the heap: above a fraction of the maximum it asks for
 * one collection and, if the heap is still that full, cancels every running script (it cannot tell
 * which one allocates). A cancelled or limited script fails its step; the engine and the service stay
 * usable. A hard memory guarantee would need scripts in a worker JVM; this is the measured middle way.
 */
@Singleton
public class JsSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(JsSandbox.class);
    private static final String INPUT = "__runloomInput";
    private static final long WATCH_INTERVAL_MS = 10;
    private static final long MIN_GC_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Engine engine;
    private final JsonMapper json;
    private final Duration cpuLimit;
    private final Duration wallLimit;
    private final double heapFraction;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Map<Context, Running> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "js-sandbox-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final ExecutorService platformThreads;
    private long lastCollectionNanos;

    public JsSandbox(JsonMapper json,
                     @Value("${runloom.flows.scripts.cpu-limit:1s}") Duration cpuLimit,
                     @Value("${runloom.flows.scripts.wall-limit:5s}") Duration wallLimit,
                     @Value("${runloom.flows.scripts.heap-limit-fraction:0.6}") double heapFraction,
                     @Value("${runloom.flows.scripts.threads:16}") int threads) {
        this.json = json;
        this.cpuLimit = cpuLimit;
        this.wallLimit = wallLimit;
        this.heapFraction = heapFraction;
        this.platformThreads = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("js-sandbox-", 0).factory());
        this.engine = Engine.newBuilder("js")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        watchdog.scheduleWithFixedDelay(this::watch, WATCH_INTERVAL_MS, WATCH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Parses an expression ({@code when}, {@code condition}). @throws ScriptException naming the syntax error */
    public JsScript expression(String expression) {
        return new JsScript(parse(wrapExpression(expression)), true);
    }

    /**
     * Parses a {@code transform-data} script: an expression ({@code input.items.length}) or a function
     * body that {@code return}s its result. @throws ScriptException naming the syntax error
     */
    public JsScript script(String script) {
        try {
            return new JsScript(parse(wrapExpression(script)), true);
        } catch (ScriptException notAnExpression) {
            return new JsScript(parse(wrapBody(script)), false);
        }
    }

    /** Whether a value is truthy as JavaScript sees it (for {@code when} and {@code condition}). */
    public boolean truthy(JsScript script, Map<String, Object> variables) {
        Object value = run(script, variables);
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
        }
        return !(value instanceof String s) || !s.isEmpty();
    }

    /**
     * Runs the script with {@code input} (and its alias {@code variables}) holding a JSON copy of the
     * variables; the result comes back as JSON values (maps, lists, strings, numbers, booleans, null).
     *
     * @throws ScriptException when it throws, runs too long or uses too much memory
     */
    public @Nullable Object run(JsScript script, Map<String, Object> variables) {
        return onPlatformThread(() -> runHere(script, variables));
    }

    /**
     * The engine measures CPU time per thread, which the JVM does not do for virtual threads (the
     * blocking executor's): from one, polyglot work runs on a platform thread of our own.
     */
    private <T> T onPlatformThread(java.util.function.Supplier<T> work) {
        if (!Thread.currentThread().isVirtual()) {
            return work.get();
        }
        Future<T> result = platformThreads.submit(work::get);
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new ScriptException("the script failed: " + e.getCause());
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new ScriptException("the script was interrupted");
        }
    }

    private @Nullable Object runHere(JsScript script, Map<String, Object> variables) {
        String input;
        try {
            input = new String(json.writeValueAsBytes(variables), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScriptException("the variables could not be given to the script as JSON: " + e.getMessage());
        }
        Context context = newContext().option("sandbox.MaxCPUTime", cpuLimit.toMillis() + "ms").build();
        Running watch = new Running(System.nanoTime());
        running.put(context, watch);
        String result;
        try {
            context.getBindings("js").putMember(INPUT, input);
            result = context.eval(script.source()).asString();
        } catch (PolyglotException e) {
            throw new ScriptException(describe(e, watch));
        } catch (IllegalStateException e) {
            // the watchdog closed the context before or while it started
            throw new ScriptException(watch.reason != null ? watch.reason : "the script was stopped: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new ScriptException("the script used too much memory");
        } finally {
            running.remove(context);
            closeQuietly(context);
        }
        try {
            return result == null ? null : json.readValue(result, Object.class);
        } catch (IOException e) {
            throw new ScriptException("the script's result could not be read: " + e.getMessage());
        }
    }

    private Source parse(String wrapped) {
        return onPlatformThread(() -> parseHere(wrapped));
    }

    private Source parseHere(String wrapped) {
        Source source = Source.newBuilder("js", wrapped, "script").cached(true).buildLiteral();
        Context context = newContext().build();
        try {
            context.parse(source);
            return source;
        } catch (PolyglotException e) {
            throw new ScriptException("JavaScript syntax error: " + e.getMessage());
        } finally {
            closeQuietly(context);
        }
    }

    /**
     * A context of the shared engine, CONSTRAINED, without the shell-style globals GraalJS adds
     * ({@code load}, {@code print}, {@code console}); {@code Polyglot} stays but is powerless, the
     * policy denies polyglot access. Scripts get plain ECMAScript and nothing else.
     */
    private Context.Builder newContext() {
        return Context.newBuilder("js")
                .engine(engine)
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("js.load", "false")
                .option("js.print", "false")
                .option("js.console", "false");
    }

    /**
     * The author's text stays on the first line, so error line numbers match what they wrote. The
     * value travels out as JSON text; {@code undefined} (no {@code return}) and functions become null.
     */
    private static String wrapExpression(String expression) {
        return wrap("return (" + expression + "\n);");
    }

    private static String wrapBody(String body) {
        return wrap(body);
    }

    private static String wrap(String functionBody) {
        return "(function(f) { const input = JSON.parse(" + INPUT + "); const s = JSON.stringify(f(input, input));"
                + " return s === undefined ? 'null' : s; })(function(input, variables) {" + functionBody + "\n})";
    }

    private String describe(PolyglotException e, Running watch) {
        if (watch.reason != null) {
            return watch.reason;
        }
        if (e.isResourceExhausted() || e.isCancelled()) {
            return "the script used more than " + cpuLimit.toMillis() + " ms of CPU time";
        }
        if (e.isSyntaxError()) {
            return "JavaScript syntax error: " + e.getMessage();
        }
        if (e.isGuestException()) {
            return "the script threw: " + e.getMessage();
        }
        return "the script failed: " + e.getMessage();
    }

    private void watch() {
        try {
            if (running.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            running.forEach((context, watch) -> {
                if (now - watch.startedNanos > wallLimit.toNanos()) {
                    cancel(context, watch, "the script ran longer than " + wallLimit.toMillis() + " ms");
                }
            });
            if (heapTooFull() && now - lastCollectionNanos > MIN_GC_INTERVAL_NANOS) {
                // garbage can fill the heap too: only what survives a collection counts
                lastCollectionNanos = now;
                System.gc();
                if (heapTooFull()) {
                    LOG.warn("heap above {}% while scripts run: cancelling {} script(s)", (int) (heapFraction * 100),
                            running.size());
                    running.forEach((context, watch) -> cancel(context, watch, "the script used too much memory"));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("script watchdog failed", e);
        }
    }

    private boolean heapTooFull() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
        return heap.getUsed() > max * heapFraction;
    }

    private static void cancel(Context context, Running watch, String reason) {
        if (watch.reason == null) {
            watch.reason = reason;
        }
        try {
            context.close(true);
        } catch (RuntimeException e) {
            // closing a context that is being cancelled anyway may throw: it is stopped either way
        }
    }

    private static void closeQuietly(Context context) {
        try {
            context.close();
        } catch (RuntimeException e) {
            // close() after a hit limit or a cancel rethrows it (DESIGN §6): the failure was reported already
        }
    }

    @PreDestroy
    public void close() {
        watchdog.shutdownNow();
        platformThreads.shutdownNow();
        try {
            engine.close(true);
        } catch (RuntimeException e) {
            LOG.debug("closing the script engine", e);
        }
    }

    private static final class Running {
        final long startedNanos;
        volatile String reason;

        Running(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }
}
