package io.f2c.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Guards the bug class behind the flaky bit-exact restore: DJL's {@code mul}, {@code div}, {@code
 * maximum}, {@code minimum} and {@code pow} with a Java number wrap it in a buffer that is freed
 * when the call returns, while autograd keeps it for the backward pass. On gradient paths (the
 * backbones and the trainer's forward code) use {@code TorchScalars} instead.
 */
class ScalarOperandRuleTest {
  /** Operations whose backward pass reads the scalar operand. */
  private static final Set<String> OPERATIONS = Set.of("mul", "div", "maximum", "minimum", "pow");

  /**
   * Code whose NDArray arithmetic runs outside autograd, as classes or as methods: the optimizer's
   * update and the gallery network's moving average change parameters, they compute no gradients.
   */
  private static final Set<String> OFF_GRADIENT_PATH =
      Set.of(SgdOptimizer.class.getName(), Networks.class.getName() + ".emaUpdate");

  @Test
  void noScalarOperandOnAGradientPath() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.f2c.training", "io.f2c.model.backbone");
    List<String> found = violations(production);
    assertTrue(found.isEmpty(), "use TorchScalars on gradient paths:\n" + String.join("\n", found));
  }

  @Test
  void theRuleCatchesAScalarOperand() {
    JavaClasses example = new ClassFileImporter().importClasses(ScalarOnGradientPath.class);
    List<String> found = violations(example);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).contains("mul"), found.get(0));
  }

  private static List<String> violations(JavaClasses classes) {
    return classes.stream()
        .filter(c -> !OFF_GRADIENT_PATH.contains(c.getName()))
        .flatMap(c -> c.getMethodCallsFromSelf().stream())
        .filter(call -> !OFF_GRADIENT_PATH.contains(call.getOrigin().getFullName().split("\\(")[0]))
        .filter(ScalarOperandRuleTest::scalarOperand)
        .map(JavaMethodCall::getDescription)
        .toList();
  }

  private static boolean scalarOperand(JavaMethodCall call) {
    var target = call.getTarget();
    return OPERATIONS.contains(target.getName())
        && target.getOwner().isAssignableTo(NDArray.class)
        && target.getRawParameterTypes().size() == 1
        && target.getRawParameterTypes().get(0).isEquivalentTo(Number.class);
  }

  /** What the rule must refuse: a margin applied with a Java scalar. */
  static final class ScalarOnGradientPath {
    NDArray scaled(NDArray cos) {
      return cos.mul(16f);
    }
  }
}
