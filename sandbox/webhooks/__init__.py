"""The sandbox's webhooks, as the real Desk pushes changes to subscribers. This docstring is the delivery contract.

Subscriptions (Desk API, same OAuth token and `orgId` header as every call; scope `Desk.events.*`, which the
sandbox's printed refresh token holds as `Desk.events.ALL`; `Desk.settings.*` and `Desk.webhooks.*` also pass):
    POST   /api/v1/webhooks                 create; answers 200 with the webhook (its `id` a digit string)
    GET    /api/v1/webhooks                 {"data": [webhook, ...]}, or 204 when there are none
    GET    /api/v1/webhooks/{webhookId}     the webhook
    PATCH  /api/v1/webhooks/{webhookId}     the given keys replace the stored ones; `subscriptions` is required
                                            here too (the vendor's spec) and replaces the stored map as a whole
    DELETE /api/v1/webhooks/{webhookId}     200, empty body
  A webhook: {"id", "url", "name", "description", "subscriptions", "isEnabled", "ignoreSourceId",
  "includeEventsFrom", "type": "CUSTOMER_WEBHOOK", "createdBy", "createdTime", "modifiedTime"}.
  Create body: `url` (http or https, required) and `subscriptions` (required) plus optional `name`,
  `description`, `isEnabled` (default true), `ignoreSourceId` (a UUID, or "" for none), `includeEventsFrom`
  (only "AUTOMATION" allowed). `subscriptions` maps an event type to null or to its filter:
    Ticket_Add            {"departmentIds": [...]}
    Ticket_Update         {"departmentIds": [...], "fields": [at most 5 ticket field names], "includePrevState": bool}
    Ticket_Delete         null (takes no filter)
    Ticket_Thread_Add     {"departmentIds": [...], "direction": "in" | "out"}
    Ticket_Comment_Add    {"departmentIds": [...]}
    Ticket_Comment_Update {"departmentIds": [...]}
  (`departmentId` is accepted as a synonym of `departmentIds`, as in the vendor's spec; missing or null filter
  keys mean "no filter".) The vendor's other event types (Contact_*, Task_*, ...) are accepted and stored but the
  sandbox never delivers them. Errors, as every other resource: an unknown event type, filter key or field, a bad
  value, more than 5 `fields`, an unknown department -> 422 INVALID_DATA naming the field
  ("/subscriptions/Ticket_Update/fields"); a missing `url`/`subscriptions` -> 422 INVALID_DATA "missing".
  Limits (the vendor's per-edition table): at most 20 webhooks per org, and at most N enabled at once with N = 5
  on Professional (the first seeded org), 10 on Enterprise (the second), 0 on Free/Standard. Going past either
  answers 422 LICENSE_ACCESS_LIMITED with a message naming the limit; nothing is stored.
  The real Desk sends a validation GET (then POST) to the URL on create and on a URL change and refuses the
  webhook unless one answers 200: the sandbox does so only with the `validateUrls` control on (a GET, then a
  POST of `[]` without a JWT; neither 200 -> 422 UNPROCESSABLE_ENTITY naming the URL). A receiver should answer
  GET with 200 to be ready for the real Desk.

Which changes are delivered (API writes and the activity generator alike; the activity generator's changes are
people's changes, not automation, so `includeEventsFrom` is stored and echoed but filters nothing):
    Ticket_Add            a ticket is created (POST /tickets, split, the activity's new tickets). Threads the
                          ticket is created with (its description) are part of it: no Ticket_Thread_Add for them.
    Ticket_Update         any ticket field changed other than modifiedTime and the *Count fields (so a comment
                          alone is only Ticket_Comment_Add; a customer reply also changes customerResponseTime and
                          maybe status, hence a Ticket_Update too). `fields`: only when one of them changed
                          (ticket field names; a custom field by its label, ModelName, or api name, cf_model_name).
    Ticket_Thread_Add     a thread that is not a draft (replies, customer replies, /_sandbox/.../customerReply).
    Ticket_Comment_Add    a comment is added.  Ticket_Comment_Update: a comment's content is edited.
    Ticket_Delete         a ticket is removed (merge folds the other tickets into the target and removes them).
  Only enabled webhooks of the org whose ticket changed get deliveries; `departmentIds` matches the ticket's
  departmentId (after the change). An API request carrying the header `sourceId: <uuid>` (the docs' "source ID":
  the sandbox's choice of header name) triggers no delivery to the webhooks whose `ignoreSourceId` is that UUID.

A delivery: `POST <url>` with `Content-Type: application/json`, header `X-ZDesk-JWT`, body a JSON array (one
event per delivery in the sandbox; receivers should accept several) of
    {"eventType": "Ticket_Update", "orgId": "<orgId>", "eventTime": "<epoch ms of the change, as a string>",
     "payload": {...}, "prevState": {...}}         prevState only on Ticket_Update with includePrevState: true
  payload = the resource's GET answer at the change: the ticket as GET /tickets/{id} (no include), the thread as
  GET /tickets/{tid}/threads/{id}, the comment as GET /tickets/{tid}/comments/{id}; threads and comments also
  carry "ticketId". Ticket_Delete's payload is the ticket as it was last. prevState is the ticket before the
  change, same shape. Two changes of one ticket give two deliveries, in order unless the controls reorder them.
  The JWT: RS256, header {"alg": "RS256", "typ": "JWT", "kid": "<key id>"}, claims iss = "orgId:<orgId>",
  aud = "webhookId:<webhookId>", iat (s, wall clock: not the sandbox clock that tests move ahead; eventTime is the
  sandbox clock, like modifiedTime), exp = iat + 300, jti (a fresh UUID per send: a duplicate delivery is
  a new send with a new jti; a replay, below, resends the very same JWT). Keys: one RSA 2048 key pair made per
  sandbox process (when the first webhook is created); the public keys at `GET /.well-known/jwks.json` (no auth):
  {"keys": [{"kty": "RSA", "kid", "use": "sig", "alg": "RS256", "n", "e"}]}.
  The sandbox waits 5 s (timeoutMs) for an answer; a non-2xx status, a timeout or a refused connection is a
  failed delivery, recorded and not retried. `410 Gone` deletes the webhook (later queued deliveries to it are
  cancelled). Deliveries are sent after the API answer, never inside it, by one shared HTTP client.

How a test makes the sandbox deliver: start a receiver on 127.0.0.1, `POST /api/v1/webhooks` with its URL and
the events wanted, then change a ticket (PATCH /api/v1/tickets/{id}, a reply, POST /_sandbox/activity,
POST /_sandbox/tickets/{id}/customerReply). `POST /_sandbox/webhooks/drain` waits until nothing is pending.

Controls (under /_sandbox/, behind X-Sandbox-Token like the others; bad bodies answer 422 with the reason):
    GET    /_sandbox/webhooks                    {"controls": {...}, "pending": n, "counts": {outcome: n},
                                                  "kids": [...]}
    POST   /_sandbox/webhooks/controls           set any of (others keep their values), answers the controls:
           {"dropRate": 0..1, "duplicateRate": 0..1, "delayMs": >=0, "reorderRate": 0..1,
            "reorderDelayMs": >=0 (default 300: how long a reordered delivery is held back), "paused": bool,
            "timeoutMs": >0 (default 5000), "seed": int (the drop/duplicate/reorder dice),
            "concurrency": 1..32 (sends in flight per webhook; default 1 keeps a webhook's deliveries in order,
                           more lets them overlap and arrive out of order, as a busy Desk's may),
            "validateUrls": bool (default false: check a new or changed URL as the Desk does, above),
            "jwtFault": null | "missing" | "expired" | "unknownKid" | "wrongKey" | "wrongIssuer"
                        | "wrongAudience" | "malformed"}
    DELETE /_sandbox/webhooks/controls           back to the defaults (nothing dropped, paused or faulted)
    GET    /_sandbox/webhooks/deliveries?since=<seq>&webhookId=<id>   {"data": [delivery, ...]} oldest first:
           {"seq", "webhookId", "orgId", "url", "eventTypes", "ticketIds", "kind": "first" | "duplicate" |
            "replay", "outcome": "delivered" | "failed" | "timeout" | "unreachable" | "gone" | "dropped" |
            "cancelled", "status": HTTP status or null, "queuedAt", "sentAt" (ISO), "durationMs", "jti",
            "body": [...]}   (recorded when the delivery is finished; a dropped one when it is dropped)
    DELETE /_sandbox/webhooks/deliveries         forget the log
    POST   /_sandbox/webhooks/deliveries/{seq}/replay   send that delivery again, same body and same JWT;
                                                 answers its new log entry
    POST   /_sandbox/webhooks/drain              {"timeoutS": <=30, default 10}: wait until no delivery is queued
                                                 or in flight; answers {"pending": n} (0 unless it timed out
                                                 or writes, e.g. the activity generator's, kept coming)
    POST   /_sandbox/webhooks/keys/rotate        {"keepOld": true}: a new signing key (new kid) signs from now on;
                                                 the old stays in the JWKS unless keepOld is false
"""
