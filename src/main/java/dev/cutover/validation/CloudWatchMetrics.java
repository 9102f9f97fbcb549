package dev.cutover.validation;

import dev.cutover.step.ResolvedConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MessageData;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Gate queries on a {@code type: cloudwatch} connection, by {@code GetMetricData}: one request for
 * all the queries of one period.
 *
 * <pre>
 * aws-metrics:
 *   type: cloudwatch
 *   region: eu-west-1
 *   accessKeyId: ${env:CW_KEY_ID}            # with secretAccessKey (and sessionToken); absent: the default chain
 *   secretAccessKey: ${env:CW_SECRET}
 *   endpoint: http://127.0.0.1:4566         # only for a stub or a proxy
 * </pre>
 *
 * Each query reads the latest datapoint of the two whole periods before now: a period still
 * filling is not read (its Sum would look low), and CloudWatch often publishes a minute late, so
 * the period before it stands in.
 */
final class CloudWatchMetrics implements MetricSource {

    static final Set<String> SETTINGS = Set.of("region", "endpoint", "accessKeyId", "secretAccessKey", "sessionToken");
    private static final Set<String> REFUSED_CODES = Set.of("AccessDenied", "AccessDeniedException",
            "UnauthorizedOperation", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
            "ExpiredTokenException", "UnrecognizedClientException", "IncompleteSignature", "MissingAuthenticationToken");

    private final String connection;
    private final String region;
    private final Duration requestTimeout;
    private final AwsCredentialsProvider credentials;
    private final CloudWatchClient client;

    private CloudWatchMetrics(String connection, String region, Duration requestTimeout,
                              AwsCredentialsProvider credentials, CloudWatchClient client) {
        this.connection = connection;
        this.region = region;
        this.requestTimeout = requestTimeout;
        this.credentials = credentials;
        this.client = client;
    }

    /**
     * @param requestTimeout how long one read may take, the SDK's retries included
     * @throws IllegalArgumentException when the connection is not a usable cloudwatch connection
     */
    static CloudWatchMetrics of(ResolvedConnection connection, Duration requestTimeout) {
        String name = connection.name();
        if (!"cloudwatch".equals(connection.type())) {
            throw new IllegalArgumentException("connection '" + name + "' is of type " + connection.type()
                    + ", not cloudwatch");
        }
        List<String> unknown = connection.settingNames().stream().filter(s -> !SETTINGS.contains(s)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "': unknown setting(s) " + unknown
                    + "; a cloudwatch connection accepts region, endpoint, accessKeyId, secretAccessKey and sessionToken");
        }
        String region = connection.setting("region").map(String::trim).filter(r -> !r.isEmpty()).orElseThrow(() ->
                new IllegalArgumentException("connection '" + name + "' needs region:, e.g. eu-west-1 (the region "
                        + "whose metrics the gate reads)"));
        Optional<String> keyId = connection.setting("accessKeyId").map(String::trim);
        Optional<String> secret = connection.setting("secretAccessKey").map(String::trim);
        Optional<String> session = connection.setting("sessionToken").map(String::trim);
        if (keyId.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException("connection '" + name + "': give accessKeyId and secretAccessKey together "
                    + "(as secret references, e.g. ${env:CW_SECRET}), or neither to use the default credentials chain");
        }
        if (session.isPresent() && keyId.isEmpty()) {
            throw new IllegalArgumentException("connection '" + name + "': sessionToken needs accessKeyId and "
                    + "secretAccessKey too");
        }
        URI endpoint = connection.setting("endpoint").map(String::trim).map(e -> {
            try {
                URI uri = URI.create(e);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    throw new IllegalArgumentException("scheme");
                }
                return uri;
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("connection '" + name + "': endpoint must be an http:// or https:// "
                        + "URL; leave it out to reach CloudWatch in the region");
            }
        }).orElse(null);
        AwsCredentialsProvider credentials = keyId.<AwsCredentialsProvider>map(id -> StaticCredentialsProvider.create(
                session.<software.amazon.awssdk.auth.credentials.AwsCredentials>map(
                        token -> AwsSessionCredentials.create(id, secret.get(), token))
                        .orElseGet(() -> AwsBasicCredentials.create(id, secret.get()))))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        CloudWatchClientBuilder builder = CloudWatchClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                // Explicit: the classpath holds more than one SDK HTTP client.
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(requestTimeout).socketTimeout(requestTimeout))
                // The SDK retries throttling and 5xx itself, briefly: the whole call, retries included,
                // must fit one sample, and the gate asks again next interval anyway.
                .overrideConfiguration(o -> o.apiCallTimeout(requestTimeout)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(3)
                                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(1)))
                                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(250),
                                        Duration.ofSeconds(1)))
                                .build()));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return new CloudWatchMetrics(name, region, requestTimeout, credentials, builder.build());
    }

    @Override
    public Map<String, MetricReading> read(List<GateQuery> queries) throws MetricQueryException {
        Map<String, MetricReading> readings = new LinkedHashMap<>();
        queries.forEach(q -> readings.put(q.name(), null));
        Map<Duration, List<GateQuery>> byPeriod = new TreeMap<>();
        for (GateQuery query : queries) {
            byPeriod.computeIfAbsent(((MetricQuery.CloudWatch) query.query()).period(), p -> new ArrayList<>()).add(query);
        }
        for (Map.Entry<Duration, List<GateQuery>> group : byPeriod.entrySet()) {
            readings.putAll(read(group.getKey(), group.getValue()));
        }
        return readings;
    }

    private Map<String, MetricReading> read(Duration period, List<GateQuery> queries) throws MetricQueryException {
        Map<String, GateQuery> byId = ids(queries);
        long seconds = period.toSeconds();
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / seconds * seconds);
        GetMetricDataRequest.Builder request = GetMetricDataRequest.builder()
                .startTime(end.minus(period.multipliedBy(2))).endTime(end)
                .scanBy(ScanBy.TIMESTAMP_DESCENDING)
                .metricDataQueries(byId.entrySet().stream().map(e -> query(e.getKey(), e.getValue(), period)).toList());
        Map<String, List<MetricDataResult>> results = new LinkedHashMap<>();
        Set<String> messages = new LinkedHashSet<>();
        String nextToken = null;
        do {
            GetMetricDataResponse response;
            try {
                response = client.getMetricData(request.nextToken(nextToken).build());
            } catch (CloudWatchException e) {
                MetricReading unreadable = refusedOrUnreadable(e);
                Map<String, MetricReading> all = new LinkedHashMap<>();
                byId.values().forEach(q -> all.put(q.name(), unreadable));
                return all;
            } catch (ApiCallTimeoutException e) {
                MetricReading unreadable = new MetricReading.Unreadable("CloudWatch " + connection + " in " + region
                        + " did not answer GetMetricData within " + requestTimeout.toSeconds() + "s, the SDK's retries "
                        + "included (throttled or slow)");
                Map<String, MetricReading> all = new LinkedHashMap<>();
                byId.values().forEach(q -> all.put(q.name(), unreadable));
                return all;
            } catch (SdkClientException e) {
                if (String.valueOf(e.getMessage()).contains("credentials")) {
                    throw new MetricQueryException("CloudWatch " + connection + ": no AWS credentials ("
                            + e.getMessage() + "); set accessKeyId and secretAccessKey on the connection, or give "
                            + "the service a role or profile");
                }
                MetricReading unreadable = new MetricReading.Unreadable("CloudWatch " + connection + " in " + region
                        + " cannot be reached: " + e.getMessage());
                Map<String, MetricReading> all = new LinkedHashMap<>();
                byId.values().forEach(q -> all.put(q.name(), unreadable));
                return all;
            }
            response.metricDataResults().forEach(r -> results.computeIfAbsent(r.id(), id -> new ArrayList<>()).add(r));
            response.messages().stream().map(CloudWatchMetrics::text).forEach(messages::add);
            nextToken = response.nextToken();
        } while (nextToken != null && !nextToken.isEmpty());
        Map<String, MetricReading> readings = new LinkedHashMap<>();
        byId.forEach((id, query) -> readings.put(query.name(),
                reading(results.getOrDefault(id, List.of()), period, messages)));
        return readings;
    }

    /** Throws for what no retry can change; answers Unreadable for throttling and server errors. */
    private MetricReading refusedOrUnreadable(CloudWatchException e) throws MetricQueryException {
        String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? String.valueOf(e.getMessage()) : e.awsErrorDetails().errorMessage();
        String said = "CloudWatch " + connection + " in " + region + " answered HTTP " + e.statusCode()
                + (code.isEmpty() ? "" : " " + code) + " to GetMetricData: " + message;
        if (e.isThrottlingException() || e.statusCode() == 429) {
            return new MetricReading.Unreadable(said + " (still throttled after the SDK's retries)");
        }
        if (e.statusCode() >= 500) {
            return new MetricReading.Unreadable(said);
        }
        if (e.statusCode() == 401 || e.statusCode() == 403 || REFUSED_CODES.contains(code)) {
            throw new MetricQueryException(said + "; the connection's credentials need the IAM permission "
                    + "cloudwatch:GetMetricData in " + region);
        }
        throw new MetricQueryException(said + "; check the queries' expression, metric, stat and period");
    }

    private MetricReading reading(List<MetricDataResult> results, Duration period, Set<String> messages) {
        String window = "in the last two whole periods (2 x " + period.toSeconds() + "s)";
        if (results.isEmpty()) {
            return new MetricReading.NoData("CloudWatch returned no series " + window);
        }
        Set<String> labels = new LinkedHashSet<>();
        results.forEach(r -> labels.add(r.label() == null ? "" : r.label()));
        if (labels.size() > 1) {
            return new MetricReading.SeveralSeries(List.copyOf(labels));
        }
        String status = results.get(results.size() - 1).statusCodeAsString();
        Set<String> said = new LinkedHashSet<>(messages);
        results.forEach(r -> r.messages().stream().map(CloudWatchMetrics::text).forEach(said::add));
        String why = said.isEmpty() ? "" : " (" + String.join("; ", said) + ")";
        if ("Forbidden".equals(status)) {
            return new MetricReading.Refused("CloudWatch " + connection + " answered Forbidden for it" + why
                    + "; the credentials may not read this metric (another account's, or an IAM condition)");
        }
        if ("InternalError".equals(status)) {
            return new MetricReading.Unreadable("CloudWatch " + connection + " answered InternalError for it" + why);
        }
        if ("PartialData".equals(status)) {
            return new MetricReading.Unreadable("CloudWatch " + connection + " answered PartialData for it" + why
                    + ": the value may be incomplete, so it is not judged");
        }
        Instant latest = null;
        Double value = null;
        for (MetricDataResult result : results) {
            for (int i = 0; i < Math.min(result.timestamps().size(), result.values().size()); i++) {
                if (latest == null || result.timestamps().get(i).isAfter(latest)) {
                    latest = result.timestamps().get(i);
                    value = result.values().get(i);
                }
            }
        }
        if (value == null) {
            return new MetricReading.NoData("no datapoint " + window + why);
        }
        return Double.isNaN(value) ? new MetricReading.NoData("the value is NaN") : new MetricReading.Value(value);
    }

    private static MetricDataQuery query(String id, GateQuery gate, Duration period) {
        MetricDataQuery.Builder query = MetricDataQuery.builder().id(id).returnData(true);  // no label: CloudWatch's own tell several series apart
        if (gate.query() instanceof MetricQuery.Stat stat) {
            return query.metricStat(MetricStat.builder()
                    .metric(Metric.builder().namespace(stat.namespace()).metricName(stat.metric())
                            .dimensions(stat.dimensions().entrySet().stream()
                                    .map(d -> Dimension.builder().name(d.getKey()).value(d.getValue()).build()).toList())
                            .build())
                    .stat(stat.stat()).period((int) period.toSeconds()).build()).build();
        }
        return query.expression(((MetricQuery.Expression) gate.query()).expression()).period((int) period.toSeconds()).build();
    }

    /**
     * CloudWatch ids start with a lower-case letter and hold letters, digits and _; the query's name
     * made so, that an expression can name another query of the gate, e.g. {@code errors / requests}.
     */
    static Map<String, GateQuery> ids(List<GateQuery> queries) {
        Map<String, GateQuery> byId = new LinkedHashMap<>();
        for (GateQuery query : queries) {
            String id = query.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            if (id.isEmpty() || !Character.isLetter(id.charAt(0))) {
                id = "q_" + id;
            }
            String unique = id;
            for (int n = 2; byId.containsKey(unique); n++) {
                unique = id + "_" + n;
            }
            byId.put(unique, query);
        }
        return byId;
    }

    private static String text(MessageData message) {
        return (message.code() == null ? "" : message.code() + ": ") + (message.value() == null ? "" : message.value());
    }

    @Override
    public String hint() {
        return "check the region, the endpoint if set, and that the credentials may call cloudwatch:GetMetricData";
    }

    @Override
    public void close() {
        client.close();
        // The client leaves a provider it was given open; the default chain's may hold refresh threads.
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }
}
