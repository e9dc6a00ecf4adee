package dev.runloom.common.web;

import dev.runloom.common.problem.Problem;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.micronaut.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Two protections at the connection, for the gateway and every service:
 * <ul>
 *   <li>a request line over {@code micronaut.server.netty.max-initial-line-length} answers 414
 *       {@code uri_too_long}, headers over {@code max-header-size} answer 431
 *       {@code headers_too_large} (Micronaut would say 413, which means a large body);</li>
 *   <li>a request's head (request line and headers) must arrive whole within
 *       {@code runloom.http.request-head-timeout} (10 s) of its first byte, else the connection is
 *       closed: a client trickling a header a byte at a time (slowloris) cannot hold a connection
 *       forever, while idle keep-alive connections are left to {@code micronaut.server.idle-timeout}
 *       and a slow server-side request is never cut.</li>
 * </ul>
 */
@Singleton
public class HttpEdgeLimits implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEdgeLimits.class);

    private final JsonMapper json;
    private final Duration headTimeout;

    public HttpEdgeLimits(JsonMapper json, @Value("${runloom.http.request-head-timeout:10s}") Duration headTimeout) {
        this.json = json;
        this.headTimeout = headTimeout;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new ConnectionCustomizer(null));
        return event.getBean();
    }

    /** Adds the handlers once each HTTP/1 connection's pipeline is built. */
    private final class ConnectionCustomizer implements NettyServerCustomizer {
        private final Channel channel;

        ConnectionCustomizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new ConnectionCustomizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel != null) {
                install(channel.pipeline());
            }
        }
    }

    void install(ChannelPipeline pipeline) {
        if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                && pipeline.get("runloom-head-timer") == null) {
            HeadTimer timer = new HeadTimer(headTimeout);
            pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "runloom-head-timer", timer);
            pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, "runloom-head-limits",
                    new HeadLimits(timer));
        }
    }

    /** Arms when a request's first byte arrives, disarms when its head has been decoded. */
    static final class HeadTimer extends ChannelDuplexHandler {
        private final long timeoutMillis;
        private boolean betweenRequests = true;
        private ScheduledFuture<?> deadline;

        HeadTimer(Duration timeout) {
            this.timeoutMillis = timeout.toMillis();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (betweenRequests && msg instanceof ByteBuf buf && buf.isReadable()) {
                betweenRequests = false;
                deadline = ctx.executor().schedule(() -> {
                    LOG.info("closing a connection from {}: request head not complete within {} ms",
                            ctx.channel().remoteAddress(), timeoutMillis);
                    ctx.close();
                }, timeoutMillis, TimeUnit.MILLISECONDS);
            }
            super.channelRead(ctx, msg);
        }

        void headComplete() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        void requestComplete() {
            betweenRequests = true;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            headComplete();
            super.channelInactive(ctx);
        }
    }

    /** Sees decoded requests: completes the timer, and answers 414/431 for heads Netty refused as too long. */
    final class HeadLimits extends ChannelInboundHandlerAdapter {
        private final HeadTimer timer;

        HeadLimits(HeadTimer timer) {
            this.timer = timer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest request) {
                timer.headComplete();
                Throwable cause = request.decoderResult().cause();
                if (cause instanceof TooLongHttpLineException) {
                    ReferenceCountUtil.release(msg);
                    reject(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                            "The request line (method and URL) is too long");
                    return;
                }
                if (cause instanceof TooLongHttpHeaderException) {
                    ReferenceCountUtil.release(msg);
                    reject(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                            "The request headers are too large");
                    return;
                }
            }
            if (msg instanceof LastHttpContent && msg instanceof HttpObject) {
                timer.requestComplete();
            }
            super.channelRead(ctx, msg);
        }

        private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String code, String detail)
                throws IOException {
            byte[] body = json.writeValueAsBytes(Problem.of(status.code(), status.reasonPhrase(), code, detail, false));
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            // the rest of the connection's bytes cannot be trusted to frame a next request: answer and close
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
