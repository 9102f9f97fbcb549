package dev.cutover.validation;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The CloudWatch adapter passes the {@link MetricSourceContract}, through the real SDK against {@link CloudWatchApiStub}. */
class CloudWatchContractAgainstCloudWatchStubTests extends MetricSourceContract {

    private static final String SECRET = "cW-Secret-Access-Key-do-not-leak/8f3k2";
    private static CloudWatchApiStub cloudWatch;

    @BeforeAll
    static void start() {
        cloudWatch = new CloudWatchApiStub();
        cloudWatch.deny("AKIDREFUSED", "AccessDenied");
    }

    @AfterAll
    static void stop() {
        if (cloudWatch != null) {
            cloudWatch.close();
        }
    }

    @Override
    protected String type() {
        return "cloudwatch";
    }

    @Override
    protected Map<String, String> settings(boolean refused) {
        return Map.of("region", "eu-west-1", "endpoint", cloudWatch.endpoint(),
                "accessKeyId", refused ? "AKIDREFUSED" : "AKIDGATE", "secretAccessKey", "${env:" + SECRET_ENV + "}");
    }

    @Override
    protected String secret(boolean refused) {
        return SECRET;
    }

    @Override
    protected void set(String metric, double value) {
        cloudWatch.put(metric, value);
    }

    @Override
    protected Map<String, String> reads(String metric) {
        return Map.of("namespace", "Shop/App", "metric", metric, "stat", "Average", "period", "60s");
    }

    @Override
    protected String refusalSays() {
        return "answered HTTP 403 AccessDenied to GetMetricData: User: arn:aws:iam::123456789012:user/gate is not "
                + "authorized to perform: cloudwatch:GetMetricData";
    }
}
