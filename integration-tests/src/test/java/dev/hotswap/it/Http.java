package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** An app in a child JVM, asked over HTTP on loopback; every wait bounded by {@link ChildJvm#WAIT}. */
final class Http {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    /** The app that printed {@code port=N} at start. */
    Http(ChildJvm child) {
        this.base = "http://127.0.0.1:" + child.awaitStart("port=").substring("port=".length()).strip();
    }

    /** The body of a 200 answer to GET. */
    String get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    int status(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET()).statusCode();
    }

    /** The answer to a POST of JSON. */
    HttpResponse<String> postJson(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The body of the first 200 answer to GET that {@code wanted} accepts. */
    String awaitBody(String path, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + ChildJvm.WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && wanted.test(r.body())) {
                return r.body();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("GET " + path + " never answered as expected within " + ChildJvm.WAIT.toSeconds()
                + " s; last answer: " + last);
    }

    void awaitStatus(String path, int status) throws Exception {
        long deadline = System.nanoTime() + ChildJvm.WAIT.toNanos();
        int last = 0;
        while (System.nanoTime() < deadline) {
            last = status(path);
            if (last == status) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("GET " + path + " never answered " + status + "; last: " + last);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
