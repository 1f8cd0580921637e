/**
 * channel-incentives: tell our server that a deal was won (for tenants without the
 * data-change callback). Polling by last_modified_time stays on as the safety net.
 *
 * Namespace: 流程 (workflow function), object 商机2.0 (NewOpportunityObj) — or the deal
 *   object you sync (OpportunityObj / SalesOrderObj).
 * API name:  func_ci_deal_won_webhook__c
 * Bind it to a workflow rule on the deal object: trigger "编辑" (on update) with the
 *   condition 状态 (sales_status) = 赢单; action: 执行函数 → this function.
 *
 * WEBHOOK_URL and WEBHOOK_SECRET come from the channel-incentives admin console for this tenant
 * (the URL is unguessable and per tenant; the secret is checked in constant time).
 * Anyone who can edit APL functions can read this secret: rotate it in the console if needed.
 */
String WEBHOOK_URL = "https://incentives.example.com/webhooks/fxiaoke/REPLACE_WITH_TENANT_PATH"
String WEBHOOK_SECRET = "REPLACE_WITH_TENANT_SECRET"

Map opp = context.data as Map
Map body = [
  "source"  : "channel-incentives-apl",
  "apiName" : opp["object_describe_api_name"] ?: "NewOpportunityObj",
  "dataId"  : opp["_id"],
  "event"   : "won",
  // The record's version: a redelivery of the same change maps to the same event on our side.
  "version" : opp["last_modified_time"],
  "ts"      : System.currentTimeMillis()
]
Map headers = ["Content-Type": "application/json", "x-ci-webhook-secret": WEBHOOK_SECRET]

// Our endpoint answers within milliseconds; 10 s read timeout, no APL-level retry
// (the server's periodic incremental sync picks up anything this call misses).
def (Boolean error, HttpResult result, String errorMessage) =
    Fx.http.post(WEBHOOK_URL, headers, body, 10000, false, 0, false)
if (error || result.statusCode != 200) {
  log.error("channel-incentives webhook failed: " + (errorMessage ?: ("HTTP " + result?.statusCode)))
}
