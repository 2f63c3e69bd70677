/**
 * Implementation details of qmp4j: the Netty pipeline, transports, correlation and event
 * delivery. Not part of the API; may change without notice.
 */
package io.qmp4j.core.internal;
