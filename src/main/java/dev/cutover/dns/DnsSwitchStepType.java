package dev.cutover.dns;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
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
class DnsSwitchStepType extends RecordStepType {

    /** The TTL of a record that had no predecessor and no {@code ttl:}. */
    static final long DEFAULT_TTL_SECONDS = 60;

    DnsSwitchStepType(ReversibleRecordChange changes) {
        super(changes);
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
    List<StepParameter> recordParameters() {
        return List.of(
                StepParameter.oneOf("type", true, "the type of the new record", DnsRecordTypes.ALL),
                StepParameter.required("values", Kind.LIST, "the new values, e.g. [my-alb-123.eu-west-1.elb.amazonaws.com.] "
                        + "or [203.0.113.10, 203.0.113.11]"),
                StepParameter.optional("ttl", Kind.DURATION, "the new record's TTL (default: the TTL it replaces, else 60s)"),
                StepParameter.oneOf("replaces", false, "a record type now at the name that the new record replaces "
                        + "and that is removed in the same change, e.g. A when switching to a CNAME", DnsRecordTypes.ALL));
    }

    @Override
    String summary(StepArguments args) {
        return args.requiredString("record") + " " + args.requiredString("type") + " points at "
                + String.join(",", args.list("values"));
    }

    @Override
    ReversibleRecordChange.Plan plan(StepArguments args) {
        String type = args.requiredString("type");
        Optional<String> replaced = args.string("replaces").filter(other -> !other.equalsIgnoreCase(type));
        List<String> values = args.list("values");
        Optional<Long> ttl = args.duration("ttl").map(Duration::toSeconds);
        return new ReversibleRecordChange.Plan() {
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
