/**
 * Companions to the generated vocabulary of {@link io.qmp4j.core.qapi}: factories for the
 * commands and values people build most (TLS credentials and secrets, block nodes and NBD
 * exports, socket addresses, capability lists, yank instances) and unit helpers. Each returns a
 * generated type; none defines a command of its own.
 */
package io.qmp4j.core.command;
