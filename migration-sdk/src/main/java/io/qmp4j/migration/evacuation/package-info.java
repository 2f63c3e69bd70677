/**
 * Many migrations at once: an {@link io.qmp4j.migration.evacuation.Evacuation} moves a set of VMs
 * (a host being emptied, VMs being consolidated), at most N at a time overall and per source
 * host, under a total bandwidth budget shared among the running ones and re-balanced as they
 * start and finish, in an order chosen from each VM's measured dirty rate and RAM.
 */
package io.qmp4j.migration.evacuation;
