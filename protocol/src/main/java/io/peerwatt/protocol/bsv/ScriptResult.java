package io.peerwatt.protocol.bsv;

/**
 * The outcome of running scripts: {@link ScriptError#OK} or why they failed, with a human message
 * naming the opcode and where it sits (script part, byte offset).
 *
 * @param error the node-compatible error code
 * @param message human-readable detail; "ok" on success
 */
public record ScriptResult(ScriptError error, String message) {
  static final ScriptResult SUCCESS = new ScriptResult(ScriptError.OK, "ok");

  public boolean ok() {
    return error == ScriptError.OK;
  }

  @Override
  public String toString() {
    return ok() ? "OK" : error.name() + ": " + message;
  }
}
