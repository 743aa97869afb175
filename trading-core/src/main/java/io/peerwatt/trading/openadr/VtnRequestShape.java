package io.peerwatt.trading.openadr;

import io.peerwatt.http.ApiError;
import io.vertx.core.json.JsonObject;
import org.jooq.DSLContext;

/** How {@link VtnObjects} shapes a client's request into the object it stores. */
final class VtnRequestShape {
  private VtnRequestShape() {}

  /**
   * The object as the VTN stores it: the request without the metadata a client may not set, its
   * objectType, and the clientID the caller's kind decides.
   *
   * @param before the object as it is, for an update; null for a create
   */
  static JsonObject shape(
      DSLContext db, ObjectType type, JsonObject request, VtnCaller caller, JsonObject before) {
    JsonObject object = VtnObjects.withoutNulls(request);
    object.remove("id");
    object.remove("createdDateTime");
    object.remove("modificationDateTime");
    String requestType = (String) object.remove("objectType");
    switch (type) {
      case VEN, RESOURCE -> {
        String blRequest = "BL_" + type.name() + "_REQUEST";
        if (caller.businessLogic()) {
          if (!blRequest.equals(requestType)) {
            throw ApiError.badRequest(
                "INVALID_REQUEST",
                "a business-logic client sends a " + blRequest + " (it names the clientID)",
                "objectType");
          }
        } else {
          if (blRequest.equals(requestType)) {
            throw ApiError.forbidden(
                "a VEN sends a VEN_"
                    + type.name()
                    + "_REQUEST: only BL clients set clientID"
                    + " and targets");
          }
          object.put("clientID", caller.clientId());
          if (before != null && before.containsKey("targets")) {
            object.put("targets", before.getJsonArray("targets"));
          }
        }
        if (type == ObjectType.RESOURCE) {
          // the ven must exist and be the caller's to see (404 is the document's answer)
          VtnObjects.visible(db, ObjectType.VEN, object.getString("venID"), caller);
        }
      }
      case REPORT -> {
        object.put("clientID", before == null ? caller.clientId() : before.getString("clientID"));
        String eventId = object.getString("eventID");
        if (!VtnObjects.exists(db, ObjectType.EVENT, eventId, caller)) {
          throw ApiError.badRequest(
              "INVALID_REQUEST", "there is no event " + eventId + " for this client", "eventID");
        }
      }
      case SUBSCRIPTION -> {
        object.put("clientID", before == null ? caller.clientId() : before.getString("clientID"));
        String programId = object.getString("programID");
        if (programId != null && !VtnObjects.exists(db, ObjectType.PROGRAM, programId, caller)) {
          throw ApiError.badRequest(
              "INVALID_REQUEST", "there is no program " + programId, "programID");
        }
      }
      case EVENT -> {
        String programId = object.getString("programID");
        if (!VtnObjects.exists(db, ObjectType.PROGRAM, programId, caller)) {
          throw ApiError.badRequest(
              "INVALID_REQUEST", "there is no program " + programId, "programID");
        }
      }
      case PROGRAM -> {}
    }
    object.put("objectType", type.name());
    return object;
  }
}
