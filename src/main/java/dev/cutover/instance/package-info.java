/**
 * Service instances: who this process is ({@link dev.cutover.instance.ServiceInstance}) and which
 * instances are alive ({@link dev.cutover.instance.InstanceLeases}), by a lease row each instance
 * renews in the service's own database. Work that belongs to an instance (a phase execution, a sync
 * run, later a partition on a worker) records the instance's id; an instance takes such work over
 * only once its owner's lease has expired, announced by a {@link dev.cutover.instance.LeaseCheck}
 * every few seconds.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Service instances", allowedDependencies = {})
package dev.cutover.instance;
