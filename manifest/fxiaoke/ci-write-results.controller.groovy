/**
 * channel-incentives: write incentive results onto partner records in batches.
 *
 * Namespace: 自定义控制器 (custom controller), so our server can call it through
 *   POST /cgi/crm/v2/special/function  (api_name below, one postId per batch).
 * API name:  func_ci_write_results__c   (if you choose another one, set aplFunctionApiName)
 * Parameter: payload  (type Map)
 *   {
 *     "objectApiName": "PartnerObj",
 *     "fields": ["ci_tier__c", "ci_score__c", ...],         // the result fields, all of them
 *     "rows": { "<partner _id>": { "ci_tier__c": "金牌", "ci_score__c": "93.75", ... }, ... }
 *   }
 * Returns:   [ "updated": [ids], "failed": [ ["id": id, "message": text] ] ]
 *
 * Why this shape: Fx.object.batchUpdate(apiName, Map<id, Map>, List fields, BatchUpdateAttribute)
 * is the documented batch write; for preset objects (PartnerObj) it is converted to single
 * updates ("预制对象需要转单条操作"). A listed field missing from a row is CLEARED by
 * batchUpdate, so the server always sends every result field for every row.
 * Limits: Fx.object ≤ 300 calls per run, controller runtime 300 s; the server sends ≤ 100 rows.
 *
 * Safety: this function is callable with the app's credentials, so it only writes the
 * result fields listed in ALLOWED_FIELDS on ALLOWED_OBJECT. If Fxiaoke generated field_xxxxx__c
 * names for your result fields, put those names here (the install check prints them).
 */
String ALLOWED_OBJECT = "PartnerObj"
List ALLOWED_FIELDS = [
  "ci_tier__c", "ci_score__c", "ci_payout__c", "ci_period__c", "ci_rank__c", "ci_next_tier__c",
  "ci_next_tier_gap__c", "ci_awards__c", "ci_updated__c", "ci_details__c", "ci_inputs_hash__c"
]

Map p = payload as Map
String apiName = p["objectApiName"] as String
List fields = (p["fields"] ?: []) as List
Map rows = (p["rows"] ?: [:]) as Map

if (apiName != ALLOWED_OBJECT) {
  Fx.message.throwException("channel-incentives: object " + apiName + " is not allowed")
}
List notAllowed = fields.findAll { !ALLOWED_FIELDS.contains(it) }
if (notAllowed.size() > 0) {
  Fx.message.throwException("channel-incentives: fields not allowed: " + notAllowed.join(","))
}
if (rows.size() > 100) {
  Fx.message.throwException("channel-incentives: at most 100 rows per call, got " + rows.size())
}

List updated = []
List failed = []

// Our own write must not start workflows (the won-deal workflow would call us again).
def attribute = BatchUpdateAttribute.builder()
  .convert2SingleOperation(true)   // PartnerObj is a preset object
  .triggerWorkflow(false)
  .build()
def (Boolean error, List data, String message) = Fx.object.batchUpdate(apiName, rows, fields, attribute)

if (!error) {
  updated.addAll(rows.keySet())
} else {
  // Find exactly which rows fail: write them one by one (≤ 100 calls, under the 300 limit).
  log.warn("channel-incentives: batchUpdate failed (" + message + "), retrying row by row")
  rows.each { String id, Map values ->
    Map full = [:]
    fields.each { f -> full[f] = values[f] }
    def (Boolean e1, Map d1, String m1) = Fx.object.update(apiName, id, full,
        UpdateAttribute.builder().triggerWorkflow(false).build())
    if (e1) { failed.add(["id": id, "message": m1]) } else { updated.add(id) }
  }
}

return ["updated": updated, "failed": failed]
