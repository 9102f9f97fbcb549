package dev.cutover.dns;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepContext;
import dev.cutover.step.StepOutcome;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import dev.cutover.step.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code dns-switch}: points a record at the new target (e.g. a CNAME to the AWS load balancer's
 * name, or A records), in one atomic change that may also remove the record type it replaces (A
 * records giving way to a CNAME), and waits until the change is in sync. The original is saved
 * first; the inverse restores it exactly, values and TTL.
 */
@Component
class DnsSwitchStepType implements StepType {

    /** The TTL of a record that had no predecessor and no {@code ttl:}. */
    static final long DEFAULT_TTL_SECONDS = 60;

    private final RecordSteps steps;

    DnsSwitchStepType(RecordSteps steps) {
        this.steps = steps;
    }

    @Override
    public String name() {
        return "dns-switch";
    }

    @Override
    public String description() {
        return "Points a DNS record at the target (e.g. a CNAME to the load balancer) and waits until the change is in "
                + "sync; verified by resolving it from the authoritative server; rollback restores the saved record";
    }

    @Override
    public List<StepParameter> parameters() {
        return List.of(
                StepParameter.required("connection", Kind.CONNECTION, "the DNS zone's connection (route53 or rfc2136)"),
                StepParameter.required("record", Kind.STRING, "the record's name, absolute (www.example.com.) or "
                        + "relative to the connection's zone (www)"),
                StepParameter.oneOf("type", true, "the type of the new record", DnsRecordTypes.ALL),
                StepParameter.required("values", Kind.LIST, "the new values, e.g. [my-alb-123.eu-west-1.elb.amazonaws.com.] "
                        + "or [203.0.113.10, 203.0.113.11]"),
                StepParameter.optional("ttl", Kind.DURATION, "the new record's TTL (default: the TTL it replaces, else 60s)"),
                StepParameter.oneOf("replaces", false, "a record type now at the name that the new record replaces "
                        + "and that is removed in the same change, e.g. A when switching to a CNAME", DnsRecordTypes.ALL));
    }

    @Override
    public StepOutcome execute(StepContext context) throws Exception {
        StepArguments args = context.arguments();
        return steps.change(context, plan(args), args.requiredString("record") + " " + args.requiredString("type")
                + " points at " + String.join(",", args.list("values")));
    }

    @Override
    public StepOutcome verify(StepContext context, StepOutcome executed) throws Exception {
        return steps.verify(context, executed, plan(context.arguments()));
    }

    @Override
    public StepOutcome rollback(StepContext context) throws Exception {
        return steps.restore(context);
    }

    @Override
    public boolean hasOwnRollback() {
        return true;
    }

    private static RecordSteps.Plan plan(StepArguments args) {
        String type = args.requiredString("type");
        Optional<String> replaced = args.string("replaces").filter(other -> !other.equalsIgnoreCase(type));
        List<String> values = args.list("values");
        Optional<Long> ttl = args.duration("ttl").map(Duration::toSeconds);
        return new RecordSteps.Plan() {
            @Override
            public List<RecordKey> keys(String name) {
                List<RecordKey> keys = new ArrayList<>(List.of(new RecordKey(name, type)));
                replaced.ifPresent(other -> keys.add(new RecordKey(name, other)));
                return keys;
            }

            @Override
            public Map<RecordKey, Optional<RecordSet>> expected(String name, SavedOriginal original) {
                List<RecordKey> keys = keys(name);
                long newTtl = ttl.orElseGet(() -> keys.stream().map(original::original).flatMap(Optional::stream)
                        .findFirst().map(RecordSet::ttlSeconds).orElse(DEFAULT_TTL_SECONDS));
                Map<RecordKey, Optional<RecordSet>> expected = new LinkedHashMap<>();
                expected.put(keys.get(0), Optional.of(new RecordSet(name, type, newTtl, values)));
                keys.stream().skip(1).forEach(key -> expected.put(key, Optional.empty()));
                return expected;
            }
        };
    }
}
