/**
 * The migration engine. Not part of the API; may change without notice.
 */
package io.qmp4j.migration.internal;
