package io.peerwatt.trading.openadr;

/** The OpenADR objects the VTN keeps ({@code objectTypes} of the document). */
public enum ObjectType {
  PROGRAM("programName"),
  EVENT("eventName"),
  REPORT("reportName"),
  SUBSCRIPTION(null),
  VEN("venName"),
  RESOURCE("resourceName");

  private final String nameField;

  ObjectType(String nameField) {
    this.nameField = nameField;
  }

  /** The property holding the object's name, or null when it has none. */
  String nameField() {
    return nameField;
  }

  /** Whether VENs see it by its targets (programs, events) rather than by its clientID. */
  boolean visibleByTargets() {
    return this == PROGRAM || this == EVENT;
  }

  /** "program" for 404 texts. */
  String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
