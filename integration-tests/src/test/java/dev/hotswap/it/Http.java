package dev.hotswap.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A child app's web side on loopback, as the Spring tests ask it: every wait bounded by
 * {@link ChildJvm#WAIT}, and the app's request counter, which must go on across every edit.
 */
final class Http {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;
    private int lastCount;

    /** The app whose child printed {@code port=N}. */
    Http(ChildJvm child) {
        this.base = "http://127.0.0.1:" + child.await("port=").substring("port=".length()).strip();
    }

    /** The request counter ({@code /count}): it went on counting, never back to the start. */
    void count() throws Exception {
        int now = Integer.parseInt(get("/count"));
        assertThat(now).as("requests counted so far, across every edit").isGreaterThan(lastCount);
        lastCount = now;
    }

    /** The first 200 answer {@code wanted} accepts, asked again until {@link ChildJvm#WAIT} has passed. */
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

    String get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    int status(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET()).statusCode();
    }

    String post(String path, String json) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
