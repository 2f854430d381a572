package org.pibms.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.pibms.core.CommandSink;
import org.pibms.core.LoopTiming;
import org.pibms.core.SnapshotSource;
import org.pibms.core.settings.Settings;
import org.pibms.core.settings.WebSettings;

/**
 * The web app on the JDK's HTTP server: the pages and their scripts from the jar, the JSON API
 * under {@code /api/}, and {@code /metrics} for Prometheus. A few threads serve it; none of them
 * touches the pack: they read snapshots and queue commands, like every other client.
 */
public final class WebServer implements AutoCloseable {

    static final int THREADS = 3;
    /** Beyond this many waiting requests the server closes new connections (ThreadPoolExecutor's abort). */
    static final int QUEUED_REQUESTS = 32;
    private static final String STATIC = "/org/pibms/web/static/";

    /** Every file the app serves, by its URL; the pages are reached without their .html. */
    private static final Map<String, String> FILES = files();

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final CountDownLatch closed = new CountDownLatch(1);

    private WebServer(HttpServer server, ThreadPoolExecutor workers) {
        this.server = server;
        this.workers = workers;
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/", "index.html");
        files.put("/control", "control.html");
        files.put("/settings", "settings.html");
        files.put("/events", "events.html");
        for (String name : new String[] {"app.css", "app.js", "status.js", "control.js", "settings.js", "events.js"}) {
            files.put("/" + name, name);
        }
        return files;
    }

    /**
     * Listens on the configured address and port and starts serving.
     *
     * @param settings the whole config: the settings page shows it, and checks changes against its pack
     * @throws IOException if the address cannot be bound (in use, or not this machine's)
     */
    public static WebServer open(WebSettings web, Settings settings, SnapshotSource snapshots, CommandSink commands,
            LoopTiming loop) throws IOException {
        Map<String, Resource> resources = new LinkedHashMap<>();
        FILES.forEach((url, name) -> resources.put(url, Resource.load(name)));
        Api api = new Api(snapshots, commands, new Sessions(web.password(), System::currentTimeMillis),
                new SettingsView(settings.listing(), settings.protectedPack()),
                new EventQuery(settings.daemon().stateDirectory()));
        HttpServer server = HttpServer.create(new InetSocketAddress(web.address(), web.port()), QUEUED_REQUESTS);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS), runnable -> {
                    Thread thread = new Thread(runnable, "pibms-web");
                    thread.setDaemon(true);
                    return thread;
                });
        server.setExecutor(workers);
        server.createContext("/api/", api);
        server.createContext("/metrics", Metrics.handler(Metrics.registry(snapshots, loop)));
        server.createContext("/", exchange -> serveFile(exchange, resources));
        server.start();
        return new WebServer(server, workers);
    }

    /** A file of the app, read from the jar once at start. */
    private record Resource(byte[] bytes, String contentType) {

        static Resource load(String name) {
            try (InputStream in = WebServer.class.getResourceAsStream(STATIC + name)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks the web app's " + STATIC + name);
                }
                return new Resource(in.readAllBytes(), contentType(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the web app's " + name + " from the jar", e);
            }
        }

        private static String contentType(String name) {
            if (name.endsWith(".html")) {
                return "text/html; charset=utf-8";
            }
            if (name.endsWith(".css")) {
                return "text/css; charset=utf-8";
            }
            return "text/javascript; charset=utf-8";
        }
    }

    private static void serveFile(HttpExchange exchange, Map<String, Resource> resources) throws IOException {
        String method = exchange.getRequestMethod();
        Resource resource = resources.get(exchange.getRequestURI().getPath());
        if (resource == null) {
            Http.send(exchange, 404, "text/plain; charset=utf-8", ("no page " + exchange.getRequestURI().getPath()
                    + "\n").getBytes(StandardCharsets.UTF_8));
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Http.send(exchange, 405, "text/plain; charset=utf-8", new byte[0]);
        } else {
            // the files change only with the jar, and a new jar means a restart: a minute's caching is safe
            exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
            Http.send(exchange, 200, resource.contentType(), resource.bytes());
        }
    }

    /** Blocks until {@link #close()}. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops listening and ends the threads at once: the daemon closes the app before it opens the
     * MOSFETs, and JDK 17's {@code stop(delay)} waits the whole delay even when no request is open.
     */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        server.stop(0);
        workers.shutdownNow();
        closed.countDown();
    }
}
