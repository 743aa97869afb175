package io.peerwatt.trading.openadr;

import java.util.Set;

/**
 * Who calls the VTN, from its bearer token: a business-logic client (BL: the grid operator's
 * systems, or a utility logged in to the platform) or a VEN (a gateway).
 *
 * @param clientId the OAuth client id; what the VTN writes into the {@code clientID} of the objects
 *     the caller creates
 * @param businessLogic BL (reads everything, writes programs and events) rather than a VEN
 * @param scopes the scopes the token grants
 * @param venName a VEN's name (its gateway's device id), null for BL
 */
public record VtnCaller(
    String clientId, boolean businessLogic, Set<String> scopes, String venName) {

  /** The scopes a BL client may hold. {@code read_bl} is used by the document, not declared. */
  public static final Set<String> BL_SCOPES =
      Set.of(
          "read_all",
          "read_bl",
          "read_targets",
          "read_ven_objects",
          "write_programs",
          "write_events",
          "write_subscriptions",
          "write_vens");

  /** The scopes a VEN may hold. */
  public static final Set<String> VEN_SCOPES =
      Set.of(
          "read_targets", "read_ven_objects", "write_reports", "write_subscriptions", "write_vens");

  /**
   * Whether the token allows an operation that asks for {@code scope}. {@code read_all} reads what
   * the narrower read scopes read.
   */
  public boolean allows(String scope) {
    if (scopes.contains(scope)) {
      return true;
    }
    return (scope.equals("read_targets") || scope.equals("read_ven_objects"))
        && scopes.contains("read_all");
  }
}
