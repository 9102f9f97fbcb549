package dev.cutover.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs JSON to a channel's receiver with the JDK's HTTP client (already there, has per-request
 * timeouts, no extra dependency), over HTTP/1.1: no cleartext HTTP/2 upgrade to trip a plain receiver. 2xx is delivered; 429, 5xx, no answer or a timeout are worth
 * another attempt; any other status (a wrong URL, a revoked webhook, a bad routing key) is final.
 */
final class HttpChannelSender {

    private final HttpClient client;
    private final JsonMapper json;
    private final Duration timeout;

    HttpChannelSender(JsonMapper json, Duration timeout) {
        this.json = json;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    AttemptResult post(URI url, Map<String, String> headers, Object body, DeliverySecrets secrets) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", ChannelPayloads.SOURCE)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        headers.forEach((name, value) -> request.header(name, secrets.resolve(value)));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return AttemptResult.delivered(status);
            }
            String reason = "the receiver answered HTTP " + status + excerpt(response.body(), secrets);
            return status == 429 || status >= 500 ? AttemptResult.retry(status, reason)
                    : AttemptResult.finalFailure(status, reason);
        } catch (HttpTimeoutException e) {
            return AttemptResult.retry(null, "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            return AttemptResult.retry(null, "could not reach the receiver: " + secrets.mask(describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AttemptResult.finalFailure(null, "interrupted: the service is stopping");
        } catch (IllegalArgumentException e) {
            return AttemptResult.finalFailure(null, "the URL or a header is not valid: " + secrets.mask(e.getMessage()));
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String excerpt(String body, DeliverySecrets secrets) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = secrets.mask(body.strip().replaceAll("\\s+", " "));
        return " (" + (flat.length() <= 200 ? flat : flat.substring(0, 200) + "…") + ")";
    }
}
