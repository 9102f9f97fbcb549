/**
 * DNS: the {@link dev.cutover.dns.DnsSwitch} port with its {@code route53} (AWS SDK v2) and
 * {@code rfc2136} (dynamic update with TSIG, e.g. BIND) adapters, and the step types {@code dns-ttl}
 * and {@code dns-switch}, whose inverse restores exactly the record each saved before changing it,
 * and {@code dns-shift}, which moves traffic by Route 53 weights ({@link dev.cutover.dns.WeightedRecords})
 * and guards each step through the {@link dev.cutover.step.MetricGuard} port.
 */
@org.springframework.modulith.ApplicationModule(displayName = "DNS", allowedDependencies = "step")
package dev.cutover.dns;
