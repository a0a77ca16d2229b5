package io.f2c.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The build's guard on the wire contract: the current schema of a record type must be its latest
 * released version, and the released versions with it must keep the type's {@link
 * CompatibilityRule}. Each problem is one line saying what is wrong and what to do.
 */
final class SchemaGuard {
  private SchemaGuard() {}

  static List<String> problems(String name, Schema current, List<Schema> released) {
    List<String> problems = new ArrayList<>();
    CompatibilityRule rule = CompatibilityRule.of(name);
    if (released.isEmpty()) {
      problems.add(name + " has no released version: add " + SchemaReleases.resource(name, 1));
      return problems;
    }
    List<Schema> chain = new ArrayList<>(released);
    Schema latest = released.get(released.size() - 1);
    if (!latest.equals(current)) {
      problems.add(
          "src/main/avro/"
              + name
              + ".avsc differs from its latest released version v"
              + released.size()
              + ": release it by copying it to kafka-schemas/src/main/resources"
              + SchemaReleases.resource(name, released.size() + 1)
              + " and adding that file's SHA-256 to SHA256SUMS (released files are never edited)");
      chain.add(current);
    }
    Schema newest = chain.get(chain.size() - 1);
    for (int i = 0; i < chain.size() - 1; i++) {
      Schema older = chain.get(i);
      String version = "v" + (i + 1);
      // Every rule: the newest reader resolves every older version.
      check(problems, name + " cannot read records of " + version, newest, older);
      boolean previous = i == chain.size() - 2;
      if (rule.oldReadersReadEveryNewer() || (rule.appendOnly() && previous)) {
        check(
            problems,
            name + " " + version + " readers cannot read the newest records",
            older,
            newest);
      }
      if (rule.appendOnly()) {
        appendsOnly(problems, name, version, older, chain.get(i + 1));
      }
    }
    return problems;
  }

  private static void check(List<String> problems, String what, Schema reader, Schema writer) {
    SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
      problems.add(what + ": " + result.getResult().getIncompatibilities());
    }
  }

  /**
   * {@code newer} keeps {@code older}'s top-level fields, in order and unchanged, and appends only
   * fields with defaults.
   */
  private static void appendsOnly(
      List<String> problems, String name, String version, Schema older, Schema newer) {
    List<Schema.Field> before = older.getFields();
    List<Schema.Field> after = newer.getFields();
    for (int i = 0; i < before.size(); i++) {
      Schema.Field was = before.get(i);
      Schema.Field now = i < after.size() ? after.get(i) : null;
      if (now == null
          || !now.name().equals(was.name())
          || !now.schema().equals(was.schema())
          || !Objects.equals(now.defaultVal(), was.defaultVal())) {
        problems.add(
            name
                + " after "
                + version
                + " changes field '"
                + was.name()
                + "': this topic's versions may only append top-level fields with defaults");
        return;
      }
    }
    for (Schema.Field added : after.subList(before.size(), after.size())) {
      if (!added.hasDefaultValue()) {
        problems.add(
            name + " after " + version + " appends '" + added.name() + "' without a default");
      }
    }
  }
}
