/**
 * Typed QMP commands: one record per command, whose components are its arguments, with a
 * record for its result.
 */
package io.qmp4j.core.command;
