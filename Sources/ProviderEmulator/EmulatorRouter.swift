import HTTP

/// The emulator's routes: each provider's real paths behind the gate, plus the control endpoints.
enum EmulatorRouter {
    static func make(state: EmulatorState) -> Router {
        var router = Router()
        let gate = ProviderGate(state: state)
        router.post("/v3/mail/send", gate.handler(SendGridEmulation()))
        let airtable = gate.handler(AirtableEmulation())
        router.post("/v0/:baseId/:table", airtable)
        router.patch("/v0/:baseId/:table", airtable)
        router.get("/maps/api/distancematrix/json", gate.handler(MapsEmulation()))
        router.get("/fleet/vehicles/stats", gate.handler(SamsaraEmulation()))
        // The trie has no catch-all segment: Stripe paths are one to four segments under /v1
        // (`/v1/charges`, `/v1/payment_intents/pi_1/confirm`, `/v1/customers/cus_1/sources/src_1`).
        let stripe = gate.handler(StripeEmulation(state: state))
        var pattern = "/v1"
        for depth in 1...4 {
            pattern += "/:s\(depth)"
            router.post(pattern, stripe)
        }
        router.post("/2010-04-01/Accounts/:sid/Messages.json", gate.handler(TwilioEmulation()))
        EmulatorControl(state: state).register(in: &router)
        return router
    }
}
