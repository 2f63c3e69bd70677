package io.qmp4j.core.command;

/**
 * The reply to {@code query-kvm}.
 *
 * @param enabled whether QEMU runs under KVM
 * @param present whether KVM is available
 * @since 0.1
 */
public record KvmInfo(boolean enabled, boolean present) {
}
