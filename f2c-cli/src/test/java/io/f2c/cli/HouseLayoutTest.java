package io.f2c.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house as the README describes it: its module table names each module's project dependencies
 * as the poms declare them, and no package lives in two modules' main sources.
 */
class HouseLayoutTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern MODULE = Pattern.compile("<module>([\\w-]+)</module>");
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
  private static final Pattern PROJECT_ARTIFACT =
      Pattern.compile("<groupId>io\\.f2c</groupId>\\s*<artifactId>([\\w-]+)</artifactId>");

  @Test
  void readmeModuleTableMatchesThePoms() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    for (String module : modules()) {
      Matcher row =
          Pattern.compile("(?m)^\\| `" + module + "` \\|.*\\| ([^|]*) \\|$").matcher(readme);
      assertTrue(row.find(), "README.md's module table has no row for " + module);
      Set<String> documented = new TreeSet<>();
      for (String name : row.group(1).split(",")) {
        if (!name.isBlank() && !name.trim().equals("-")) {
          documented.add(name.trim());
        }
      }
      assertEquals(compileDependencies(module), documented, "depends-on column of " + module);
    }
  }

  @Test
  void noPackageSpansTwoModules() throws IOException {
    Map<String, Set<String>> modulesOf = new TreeMap<>();
    for (String module : modules()) {
      Path sources = ROOT.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        files
            .filter(f -> f.toString().endsWith(".java"))
            .map(f -> sources.relativize(f.getParent()).toString().replace('/', '.'))
            .forEach(p -> modulesOf.computeIfAbsent(p, k -> new TreeSet<>()).add(module));
      }
    }
    List<String> split = new ArrayList<>();
    modulesOf.forEach(
        (pkg, in) -> {
          if (in.size() > 1) {
            split.add(pkg + " in " + in);
          }
        });
    assertTrue(split.isEmpty(), "packages in more than one module: " + split);
    assertTrue(modulesOf.size() > 10, "found the sources: " + modulesOf.keySet());
  }

  private static List<String> modules() throws IOException {
    Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  /** The project modules a module depends on outside the test scope. */
  private static Set<String> compileDependencies(String module) throws IOException {
    Matcher d = DEPENDENCY.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
    Set<String> deps = new TreeSet<>();
    while (d.find()) {
      Matcher artifact = PROJECT_ARTIFACT.matcher(d.group(1));
      if (artifact.find() && !d.group(1).contains("<scope>test</scope>")) {
        deps.add(artifact.group(1));
      }
    }
    return deps;
  }
}
