package io.qmp4j.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test whose behaviour does not depend on the QEMU version (or that has a 10.0 counterpart of
 * its own): it runs on the system's QEMU only, and an {@link OnQemu10} subclass skips it, printing
 * {@link #value() why}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ExtendWith(OneQemu.Condition.class)
@interface OneQemu {

    /** @return why running it on a second version would add nothing */
    String value();

    /** Disables a {@link OneQemu} test in an {@link OnQemu10} class. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<OneQemu> one = context.getTestMethod().map(m -> m.getAnnotation(OneQemu.class));
            boolean on10 = context.getTestClass().map(c -> c.isAnnotationPresent(OnQemu10.class)).orElse(false);
            if (one.isPresent() && on10) {
                return ConditionEvaluationResult.disabled("runs on QEMU 7.2 only: " + one.get().value());
            }
            return ConditionEvaluationResult.enabled("runs on this class's QEMU");
        }
    }
}
