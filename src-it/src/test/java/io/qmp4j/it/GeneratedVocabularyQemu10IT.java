package io.qmp4j.it;

/** {@link GeneratedVocabularyIT} on QEMU 10.0. */
@OnQemu10
class GeneratedVocabularyQemu10IT extends GeneratedVocabularyIT {
}
