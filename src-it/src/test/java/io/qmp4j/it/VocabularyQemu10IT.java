package io.qmp4j.it;

/** {@link VocabularyIT} on QEMU 10.0: the typed vocabulary and the schema checks. */
@OnQemu10
class VocabularyQemu10IT extends VocabularyIT {
}
