/**
 * Pre-flight checks: the precautions of the openEuler live-migration guide, checked over QMP
 * before anything is changed.
 */
package io.qmp4j.migration.check;
