package io.peerwatt.webui;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The data grants a viewer may see with the access log of each, fetched together for the pages that
 * show both.
 *
 * @param grants the grants as the API lists them
 * @param accesses the access log of each grant, in the order of {@code grants}
 */
record GrantAccesses(JsonArray grants, List<JsonArray> accesses) {

  /** The grants {@code viewer} may see, then the access log of each. */
  static Future<GrantAccesses> fetch(ApiClient api, Viewer viewer) {
    return api.get("/data/grants", viewer)
        .compose(
            answer -> {
              JsonArray grants = answer.object().getJsonArray("grants", new JsonArray());
              List<Future<ApiClient.Answer>> logs = new ArrayList<>();
              for (Object o : grants) {
                logs.add(
                    api.get(
                        "/data/grants/" + ((JsonObject) o).getLong("id") + "/accesses", viewer));
              }
              return Future.join(logs)
                  .map(
                      x -> {
                        List<JsonArray> accesses = new ArrayList<>();
                        for (Future<ApiClient.Answer> log : logs) {
                          accesses.add(
                              log.result().object().getJsonArray("accesses", new JsonArray()));
                        }
                        return new GrantAccesses(grants, accesses);
                      });
            });
  }
}
