package dev.cutover.dns;

import dev.cutover.step.StepArguments;
import dev.cutover.step.StepFailedException;
import dev.cutover.step.StepParameter;
import dev.cutover.step.StepParameter.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code dns-ttl}: lowers a record's TTL days ahead of the switch (e.g. to 60 s), so that resolvers
 * drop the old answer quickly when the record moves. Values stay as they are; a TTL already at or
 * below the target is left alone. The original record is saved first; the inverse restores it.
 */
@Component
class DnsTtlStepType extends RecordStepType {

    DnsTtlStepType(ReversibleRecordChange changes) {
        super(changes);
    }

    @Override
    public String name() {
        return "dns-ttl";
    }

    @Override
    public String description() {
        return "Lowers a DNS record's TTL ahead of the switch, saving the original record; verified by resolving it "
                + "from the authoritative server; rollback restores the saved record exactly";
    }

    @Override
    List<StepParameter> recordParameters() {
        return List.of(
                StepParameter.oneOf("type", true, "the record type whose TTL is lowered", DnsRecordTypes.ALL),
                StepParameter.required("ttl", Kind.DURATION, "the TTL to lower it to, e.g. 60s"));
    }

    @Override
    String summary(StepArguments args) {
        return "TTL of " + args.requiredString("record") + " " + args.requiredString("type") + " is at most "
                + ttl(args) + " s";
    }

    @Override
    ReversibleRecordChange.Plan plan(StepArguments args) {
        String type = args.requiredString("type");
        long ttl = ttl(args);
        Instant now = Instant.now();
        return new ReversibleRecordChange.Plan() {
            @Override
            public List<RecordKey> keys(String name) {
                return List.of(new RecordKey(name, type));
            }

            @Override
            public Map<RecordKey, Optional<RecordSet>> expected(String name, SavedOriginal original)
                    throws StepFailedException {
                RecordKey key = new RecordKey(name, type);
                RecordSet before = original.original(key).orElseThrow(() -> new StepFailedException("there is no "
                        + key + " record to lower the TTL of", original.evidence()));
                return Map.of(key, Optional.of(before.withTtl(Math.min(before.ttlSeconds(), ttl))));
            }

            /** Resolvers that fetched the record just before may serve it with the old TTL until then. */
            @Override
            public Map<String, Object> notes(SavedOriginal original) {
                return original.found().stream().findFirst()
                        .<Map<String, Object>>map(set -> Map.of("oldTtlCachedUntil",
                                now.plusSeconds(set.ttlSeconds()).toString()))
                        .orElse(Map.of());
            }
        };
    }

    private static long ttl(StepArguments args) {
        return args.duration("ttl").orElseThrow().toSeconds();
    }
}
