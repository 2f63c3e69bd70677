/**
 * Live migration of QEMU VMs over QMP, without libvirt: {@link io.qmp4j.migration.Migration#builder()}
 * composes the typed commands of qmp-core into complete flows with pre-flight checks, progress,
 * timeout actions, cancel and rollback.
 */
package io.qmp4j.migration;
