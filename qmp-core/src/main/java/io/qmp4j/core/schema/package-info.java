/**
 * Introspection of the connected QEMU's QAPI schema ({@code query-qmp-schema}): which commands,
 * arguments, members, enum values and events it has, and a check of a command's arguments
 * against it.
 */
package io.qmp4j.core.schema;
